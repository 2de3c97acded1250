/**
 * The sandbox's summary line says "(posted)" only when its Slack messages went to Slack: a webhook
 * URL or a bot token in SLACK_WEBHOOK_URL. Unset or `none`, they are printed on the terminal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { slackConfigured } from "../../../runtime/runtime.ts";
import { Sandbox } from "../../../sandbox/Sandbox.ts";

const saved = process.env.SLACK_WEBHOOK_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.SLACK_WEBHOOK_URL;
  else process.env.SLACK_WEBHOOK_URL = saved;
});

const sandboxWith = (value: string | undefined) => {
  if (value === undefined) delete process.env.SLACK_WEBHOOK_URL;
  else process.env.SLACK_WEBHOOK_URL = value;
  return new Sandbox("us-east-1", DEFAULT_CONFIG, () => {});
};

describe("Sandbox.postsToSlack", () => {
  it("unset or none: printed here, not posted", () => {
    expect(sandboxWith(undefined).postsToSlack).toBe(false);
    expect(sandboxWith("none").postsToSlack).toBe(false);
  });

  it("a webhook URL or a bot token with its channel: posted", () => {
    expect(sandboxWith("https://hooks.slack.com/services/T000/B000/XXXX").postsToSlack).toBe(true);
    expect(
      sandboxWith(
        '{"token":"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx","channel":"C0123ABCD"}',
      ).postsToSlack,
    ).toBe(true);
  });
});

describe("slackConfigured (the CLI prints, and dlq redrive keeps Slack letters, when it is false)", () => {
  it("is false unset or `none`, true for a webhook URL or a bot token", () => {
    expect(slackConfigured({})).toBe(false);
    expect(slackConfigured({ SLACK_WEBHOOK_URL: "none" })).toBe(false);
    expect(slackConfigured({ SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/XXXX" })).toBe(
      true,
    );
  });
});
