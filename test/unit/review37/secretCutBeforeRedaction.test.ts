/**
 * Review 37 (issue 11, Must show 8): an answer that quotes the secret near its 200th character.
 *
 * SlackWebhook and SlackApi keep the first 200 characters of a non-JSON answer (an HTTP error
 * page, a proxy's) and only then replace the secret's parts with `[webhook]` / `[token]`. When the
 * quoted URL or token straddles the cut, what is left is a prefix of the secret part, which no
 * longer equals any of the parts redacted: the first 20 of the webhook's 24 secret characters (or
 * most of the bot token's last part) go into the error's message, and from there into the log,
 * the DLQ's failure text and the CLI. Redacting before cutting (or cutting, then dropping any
 * trailing prefix of a secret part) keeps every character of it out.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SlackApi, type SlackMessage, SlackWebhook } from "../../../core/notify/index.ts";
import { type Responder, startRecordingServer } from "../../support/recordingServer.ts";

const WEBHOOK_SECRET = "Zq7KpW3mTn9RbX2cVh5LdJ8s"; // 24 characters, as Slack's
const SECRET_PATH = `/services/T0REVIEW37/B0REVIEW37/${WEBHOOK_SECRET}`;
const BOT_SECRET_PART = "R37BotTokenSecretPartQx9Lm";
const BOT_TOKEN = `xoxb-7700000037-7700000038-${BOT_SECRET_PART}`;
const message: SlackMessage = {
  text: "hello",
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "*hello*" } }],
};
let close: (() => Promise<void>) | undefined;

async function server(responder: Responder) {
  const started = await startRecordingServer(responder);
  close = started.close;
  return started;
}

afterEach(async () => {
  await close?.();
  close = undefined;
});

/** An error page that quotes `quoted` so that the 200-character cut falls `keep` characters into `secret`. */
function pageQuoting(quoted: string, secret: string, keep: number): string {
  const secretAt = quoted.indexOf(secret);
  const before = "upstream error while forwarding: ";
  const filler = "-".repeat(200 - before.length - secretAt - keep);
  return `${before}${filler}${quoted} (end of page)`;
}

/** An error as a log would serialise it: every own property, enumerable or not. */
function everything(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || typeof value !== "object") return String(value);
  if (seen.has(value)) return "";
  seen.add(value);
  return Object.getOwnPropertyNames(value)
    .map((key) => `${key}=${everything((value as Record<string, unknown>)[key], seen)}`)
    .join(" ");
}

describe("a secret quoted across the 200-character cut of an error answer (review 37)", () => {
  it("webhook: no prefix of the URL's secret segment survives in the error", async () => {
    const slack = await server((post, _index, res) =>
      res.writeHead(400).end(pageQuoting(`POST ${post.path}`, WEBHOOK_SECRET, 20)),
    );
    const error = await new SlackWebhook(slack.url(SECRET_PATH), { maxAttempts: 1 })
      .post(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Slack rejected the message: HTTP 400 \(/);
    // Today the message ends in "…/B0REVIEW37/Zq7KpW3mTn9RbX2cVh5L)": 20 of the 24 secret characters.
    expect(everything(error)).not.toContain(WEBHOOK_SECRET.slice(0, 8));
  });

  it("bot token: no prefix of the token's secret part survives in the error", async () => {
    const slack = await server((post, _index, res) =>
      res
        .writeHead(502)
        .end(pageQuoting(`authorization: ${post.headers.authorization}`, BOT_SECRET_PART, 22)),
    );
    const error = await new SlackApi(
      { secret: "SlackWebhookUrl", token: BOT_TOKEN, channel: "C0REVIEW37X", api: slack.url("/api/") },
      { maxAttempts: 1 },
    )
      .post(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("HTTP 502");
    expect(everything(error)).not.toContain(BOT_SECRET_PART.slice(0, 8));
  });
});
