/**
 * Issue 11, Must show 8 (secrets stay secret), found by review 30: a bot-token secret may name
 * another Web API base with "api" (a relay or proxy). fetch refuses a URL that carries a user name
 * or password with a TypeError that quotes the whole URL, and SlackApi put that text into its error
 * (which the outbox logs) after redacting only the token. Such a value is now refused when the
 * secret is read, naming neither part; a target built by hand still has them redacted.
 * No network is needed: fetch refuses before connecting.
 */
import { describe, expect, it } from "vitest";
import { SLACK_API_URL, SlackApi, WebhookSecretError, webhookTarget } from "../../../core/notify/index.ts";

const TOKEN = "xoxb-1111111111-2222222222-abcdefABCDEF";
const PASSWORD = "Pr0xyPassw0rd";
const WITH_CREDENTIALS = `https://relay:${PASSWORD}@127.0.0.1:9/api/`;
const secretValue = (api: string) => JSON.stringify({ token: TOKEN, channel: "C0123ABCD9", api });

describe("a bot-token secret whose api base carries a user name or password", () => {
  it("is refused when the secret is read, naming the secret and the field, never the value", () => {
    let error: unknown;
    try {
      webhookTarget("SlackWebhookUrl", secretValue(WITH_CREDENTIALS));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect((error as WebhookSecretError).problem).toBe(
      'its "api" carries a user name or password, which fetch cannot send',
    );
    expect((error as Error).message).toMatch(/^secret SlackWebhookUrl is not usable: its "api" carries/);
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
    expect((error as Error).message).not.toContain("relay");
  });

  it("a user name alone is refused too", () => {
    expect(() => webhookTarget("SlackWebhookUrl", secretValue("https://relay@127.0.0.1:9/api/"))).toThrow(
      'its "api" carries a user name or password',
    );
  });

  it("an api base without credentials is still taken, with its trailing slash", () => {
    expect(webhookTarget("SlackWebhookUrl", secretValue("https://relay.example/slack"))).toEqual({
      kind: "slack-api",
      token: TOKEN,
      channel: "C0123ABCD9",
      api: "https://relay.example/slack/",
    });
    expect(SLACK_API_URL).toBe("https://slack.com/api/");
  });

  it("a target built by hand with them: the error fetch gives names neither", async () => {
    const slack = new SlackApi(
      { secret: "SlackWebhookUrl", token: TOKEN, channel: "C0123ABCD9", api: WITH_CREDENTIALS },
      { maxAttempts: 1, sleep: async () => {} },
    );
    const error = await slack.post({ text: "hello", blocks: [] }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("SlackApiError");
    // fetch's own words, with the URL's credentials redacted.
    expect(error?.message).toContain("Request cannot be constructed from a URL that includes credentials");
    expect(error?.message).not.toContain(PASSWORD);
    expect(error?.message).not.toContain("relay:");
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
  });
});
