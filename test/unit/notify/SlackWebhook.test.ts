import { afterEach, describe, expect, it } from "vitest";
import {
  type SlackMessage,
  SlackWebhook,
  SlackWebhookError,
  webhookTarget,
} from "../../../core/notify/index.ts";
import { type Responder, startRecordingServer } from "../../support/recordingServer.ts";

const SECRET_PATH = "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
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

const answer =
  (...statuses: Array<number | [number, Record<string, string>, string?]>): Responder =>
  (_post, index, res) => {
    const entry = statuses[Math.min(index, statuses.length - 1)] ?? 200;
    const [status, headers, body] = Array.isArray(entry) ? entry : [entry, {}, statusBody(entry)];
    res.writeHead(status, headers).end(body ?? "");
  };
const statusBody = (status: number) => (status === 200 ? "ok" : "error");

describe("SlackWebhook against a local HTTP server", () => {
  it("posts the Block Kit message as JSON", async () => {
    const slack = await server(answer(200));
    await new SlackWebhook(slack.url(SECRET_PATH)).post(message);
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(slack.posts[0]?.body ?? "")).toEqual(message);
  });

  it("retries a 429 after the time Retry-After asks for", async () => {
    const slack = await server(answer([429, { "retry-after": "2" }, "rate_limited"], 200));
    const waits: number[] = [];
    await new SlackWebhook(slack.url(SECRET_PATH), { sleep: async (ms) => void waits.push(ms) }).post(
      message,
    );
    expect(slack.posts).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it("retries 5xx with exponential backoff, then gives up with the last status", async () => {
    const slack = await server(answer(503));
    const waits: number[] = [];
    const webhook = new SlackWebhook(slack.url(SECRET_PATH), {
      maxAttempts: 3,
      baseDelayMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    const error = await webhook.post(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect((error as SlackWebhookError).status).toBe(503);
    expect((error as SlackWebhookError).message).toBe(
      "Slack webhook failed after 3 attempts: HTTP 503 (error)",
    );
    expect(slack.posts).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it("does not retry a message Slack rejects (4xx other than 429)", async () => {
    const slack = await server(answer([400, {}, "invalid_blocks"]));
    const error = await new SlackWebhook(slack.url(SECRET_PATH), { sleep: async () => {} })
      .post(message)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("Slack rejected the message: HTTP 400 (invalid_blocks)");
    expect(slack.posts).toHaveLength(1);
  });

  it("times out an attempt that gets no answer and retries it", async () => {
    const slack = await server((_post, index, res) => {
      if (index === 0) return; // never answers
      res.writeHead(200).end("ok");
    });
    await new SlackWebhook(slack.url(SECRET_PATH), { timeoutMs: 200, sleep: async () => {} }).post(message);
    expect(slack.posts).toHaveLength(2);
  });

  it("never reveals the webhook URL in errors or serialisation", async () => {
    const slack = await server(answer(500));
    const url = slack.url(SECRET_PATH);
    const webhook = new SlackWebhook(url, { maxAttempts: 2, sleep: async () => {} });
    const error = (await webhook.post(message).catch((e: unknown) => e)) as Error;
    const refused = (await new SlackWebhook("http://127.0.0.1:9/services/T1/B1/SECRETSECRET", {
      maxAttempts: 1,
    })
      .post(message)
      .catch((e: unknown) => e)) as Error;
    for (const text of [
      error.message,
      error.stack ?? "",
      JSON.stringify(webhook),
      refused.message,
      String(webhook),
    ]) {
      expect(text).not.toContain("XXXXXXXX");
      expect(text).not.toContain("SECRETSECRET");
    }
    expect(refused.message).toMatch(/^Slack webhook failed after 1 attempts: network error/);
  });

  it("takes every URL the secret's check takes: a scheme in capitals, no slashes after it (as URL parses them)", async () => {
    const slack = await server(answer(200));
    for (const url of [
      slack.url(SECRET_PATH).replace(/^http:/, "HTTP:"),
      slack.url(SECRET_PATH).replace(/^http:\/\//, "http:"),
    ]) {
      expect(webhookTarget("SlackWebhookUrl", url)).toEqual({ kind: "slack", url });
      await new SlackWebhook(url).post(message);
    }
    expect(slack.posts).toHaveLength(2);
  });

  it("refuses a malformed webhook URL without keeping it anywhere in the error (new URL's TypeError kept it in `input`)", () => {
    const malformed = "https://[hooks.slack.com/services/T0/B0/MALFORMEDSECRET";
    // What the old code did when it redacted: the TypeError of `new URL` holds the whole URL.
    const typeError = (() => {
      try {
        new URL(malformed);
      } catch (error) {
        return error as Error & { input?: string };
      }
    })();
    expect(typeError?.input).toBe(malformed);
    const error = (() => {
      try {
        new SlackWebhook(malformed);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect((error as Error).message).toBe("the Slack webhook URL is not a valid http(s) URL");
    expect(everything(error)).not.toContain("MALFORMEDSECRET");
  });

  it("redacts the URL, its path and its token wherever Slack's (or a proxy's) answer quotes them, encoded or not", async () => {
    const slack = await server((post, _index, res) =>
      res
        .writeHead(503, { "retry-after": "0" })
        .end(`no route for ${post.path} (${encodeURIComponent(post.path)}) token=XXXXXXXXXXXXXXXXXXXXXXXX`),
    );
    const error = await new SlackWebhook(slack.url(SECRET_PATH), { maxAttempts: 2, sleep: async () => {} })
      .post(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(everything(error)).not.toContain("XXXXXXXX");
    expect(everything(error)).not.toContain("T0000");
    expect((error as Error).message).toContain("no route for [webhook] ([webhook]) token=[webhook]");
  });
});

/** An error as a log or a runtime would serialise it: every own property, enumerable or not, and its causes. */
function everything(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || typeof value !== "object") return String(value);
  if (seen.has(value)) return "";
  seen.add(value);
  return Object.getOwnPropertyNames(value)
    .map((key) => `${key}=${everything((value as Record<string, unknown>)[key], seen)}`)
    .join(" ");
}
