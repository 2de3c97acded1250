import { describe, expect, it } from "vitest";
import { TerminalNotifier, WebhookSecretError, webhookTarget } from "../../../core/notify/index.ts";
import { CLIENT_CLASSES } from "../../../functions/redeploy.ts";
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

describe("bot-token secrets (the Slack Web API)", () => {
  const TOKEN = "xoxb-1234567890-0987654321-SECRETbotTOKENxyz";

  it("reads a bot token and a channel ID, with Slack's API as the default base", () => {
    expect(webhookTarget("SlackWebhookUrl", ` {"token":"${TOKEN}","channel":"C0123ABCD"}\n`)).toEqual({
      kind: "slack-api",
      token: TOKEN,
      channel: "C0123ABCD",
      api: "https://slack.com/api/",
    });
    expect(
      webhookTarget(
        "SlackWebhookUrl",
        JSON.stringify({ token: TOKEN, channel: "G01PRIVATE9", api: "http://127.0.0.1:9/api" }),
      ),
    ).toMatchObject({ channel: "G01PRIVATE9", api: "http://127.0.0.1:9/api/" });
  });

  it.each([
    [`{"token":"${TOKEN}","channel":"C0123ABCD"`, "it starts with { but is not valid JSON"],
    [
      `{"token":"${TOKEN}","channel":"C0123ABCD","${TOKEN}":1}`,
      'it has a field other than "token", "channel" and "api"',
    ],
    ['{"channel":"C0123ABCD"}', 'its "token" is missing'],
    [`{"token":"xoxp-1234567890-SECRETuserTOKEN","channel":"C0123ABCD"}`, 'its "token" is not a bot token'],
    [`{"token":"${TOKEN}"}`, 'its "channel" is missing'],
    [`{"token":"${TOKEN}","channel":"#alerts-SECRET"}`, 'its "channel" is not a channel ID'],
    [
      `{"token":"${TOKEN}","channel":"C0123ABCD","api":"ftp://SECRET.example/api/"}`,
      'its "api" is not an http(s) URL',
    ],
    [`{"token":"${TOKEN}","channel":"C0123ABCD","api":7}`, 'its "api" is not an http(s) URL'],
    [
      `${TOKEN}`,
      'it is not a URL (a Slack token goes in JSON with its channel: {"token":"xoxb-…","channel":"C…"})',
    ],
  ])("refuses %s naming the secret and the problem, never the value", (value, problem) => {
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
    expect((caught as WebhookSecretError).message).toContain(
      'Set it to a Slack incoming-webhook URL, to a bot token and its channel as {"token":"xoxb-…","channel":"C…"}, or to "none"',
    );
    expect(everything(caught)).not.toContain("SECRET");
    expect(everything(caught)).not.toContain("1234567890");
  });
});

describe("the runtime with a malformed webhook secret", () => {
  it("loads (no module-load crash) and fails the first invocation, before the flow does anything, naming the secret", async () => {
    const previous = process.env.SLACK_WEBHOOK_URL;
    process.env.SLACK_WEBHOOK_URL = `hooks.slack.com/services/${SECRET_PART}`;
    try {
      const runtime = createRuntime("redeploy", {
        clientClasses: CLIENT_CLASSES,
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

  it("a malformed bot-token secret fails the first invocation the same way, never quoting the token", async () => {
    const previous = process.env.SLACK_WEBHOOK_URL;
    process.env.SLACK_WEBHOOK_URL = '{"token":"xoxb-1234567890-SECRETbotTOKEN","channel":"general"}';
    try {
      const runtime = createRuntime("redeploy", {
        clientClasses: CLIENT_CLASSES,
        config: (await import("../../../core/config/index.ts")).DEFAULT_CONFIG,
      });
      const failure = await runtime.flowContext().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(WebhookSecretError);
      expect((failure as Error).message).toMatch(
        /^secret SLACK_WEBHOOK_URL is not usable: its "channel" is not a channel ID/,
      );
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
        clientClasses: CLIENT_CLASSES,
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
