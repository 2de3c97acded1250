import { describe, expect, it } from "vitest";
import { TerminalNotifier, WebhookSecretError, webhookTarget } from "../../../core/notify/index.ts";
import { createRuntime } from "../../../runtime/runtime.ts";

const SECRET_PART = "T0SECRET/B0SECRET/xyzzy0SECRET";

/** Everything an error carries, as text: message, fields (URL's TypeError keeps the value as `input`), cause. */
const everything = (error: unknown) =>
  [
    String(error),
    JSON.stringify(error),
    JSON.stringify(Object.entries(error as object)),
    String((error as Error).cause ?? ""),
    (error as Error).stack ?? "",
  ].join("\n");

describe("webhook secrets", () => {
  it("reads none (the placeholder) and nothing as: write to the log", () => {
    expect(webhookTarget("SlackWebhookUrl", "none")).toEqual({ kind: "log" });
    expect(webhookTarget("SlackWebhookUrl", undefined)).toEqual({ kind: "log" });
    expect(webhookTarget("SlackWebhookUrl", `https://hooks.slack.com/services/${SECRET_PART}`)).toEqual({
      kind: "slack",
      url: `https://hooks.slack.com/services/${SECRET_PART}`,
    });
  });

  it.each([
    [`hooks.slack.com/services/${SECRET_PART}`, "it is not a URL"],
    ["xoxb-T0SECRET:rest", "it is not an http(s) URL"],
    [`ftp://hooks.slack.com/${SECRET_PART}`, "it is not an http(s) URL"],
  ])(
    "refuses %s naming the secret, never the value (not even as a parser error's input)",
    (value, problem) => {
      let caught: unknown;
      try {
        webhookTarget("SlackWebhookUrlPayments", value);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WebhookSecretError);
      expect((caught as WebhookSecretError).message).toContain(
        `secret SlackWebhookUrlPayments is not usable: ${problem}`,
      );
      expect((caught as WebhookSecretError).code).toBe("secret-invalid");
      expect(everything(caught)).not.toContain("SECRET");
    },
  );
});

describe("the runtime with a malformed webhook secret", () => {
  it("loads (no module-load crash) and fails the first invocation, before the flow does anything, naming the secret", async () => {
    const previous = process.env.SLACK_WEBHOOK_URL;
    process.env.SLACK_WEBHOOK_URL = `hooks.slack.com/services/${SECRET_PART}`;
    try {
      const runtime = createRuntime("redeploy", {
        config: (await import("../../../core/config/index.ts")).DEFAULT_CONFIG,
      });
      const failure = await runtime.flowContext().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(WebhookSecretError);
      expect((failure as Error).message).toMatch(/^secret SLACK_WEBHOOK_URL is not usable: it is not a URL/);
      expect(everything(failure)).not.toContain("SECRET");
    } finally {
      if (previous === undefined) delete process.env.SLACK_WEBHOOK_URL;
      else process.env.SLACK_WEBHOOK_URL = previous;
    }
  });

  it("writes to the log when the secret is the placeholder", async () => {
    const previous = process.env.SLACK_WEBHOOK_URL;
    process.env.SLACK_WEBHOOK_URL = "none";
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    try {
      const runtime = createRuntime("redeploy", {
        config: (await import("../../../core/config/index.ts")).DEFAULT_CONFIG,
      });
      await runtime.flowContext();
      process.stdout.write = ((chunk: string) =>
        lines.push(String(chunk)) > 0) as typeof process.stdout.write;
      await runtime.notifier.post({ text: "hello", blocks: [] });
    } finally {
      process.stdout.write = write;
      if (previous === undefined) delete process.env.SLACK_WEBHOOK_URL;
      else process.env.SLACK_WEBHOOK_URL = previous;
    }
    expect(lines.join("")).toContain("Slack");
    expect(new TerminalNotifier(() => undefined)).toBeInstanceOf(TerminalNotifier);
  });
});
