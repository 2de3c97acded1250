/**
 * The Web API sender (core/notify/SlackApi.ts) against real HTTP servers on loopback: the Slack
 * stand-in of the fault harness (a channel with metadata and cursor pages, faults as Slack has
 * them) for what it decides, and a scripted server for exact answers (codes, headers, waits).
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CLOCK_MARGIN_MS,
  MESSAGE_EVENT_TYPE,
  type PostContext,
  SlackApi,
  SlackApiError,
  type SlackMessage,
} from "../../../core/notify/index.ts";
import { BOT_TOKEN, CHANNEL_ID, SlackStandIn } from "../../faults/SlackStandIn.ts";
import { type Responder, startRecordingServer } from "../../support/recordingServer.ts";

const message: SlackMessage = {
  text: "prod/api deployed 1.4.2",
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "*prod/api* deployed `1.4.2`" } }],
};
const noWait = { sleep: async () => undefined, baseDelayMs: 1 };
let slack: SlackStandIn;

const api = (options: ConstructorParameters<typeof SlackApi>[1] = {}, token = BOT_TOKEN) =>
  new SlackApi(
    { secret: "SlackWebhookUrl", token, channel: CHANNEL_ID, api: JSON.parse(slack.botSecret).api },
    { ...noWait, ...options },
  );
const first = (id: string): PostContext => ({ id, mayHavePosted: false, queuedAt: Date.now() });
const again = (id: string, queuedAt = Date.now() - 1000): PostContext => ({
  id,
  mayHavePosted: true,
  queuedAt,
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** An error as a log, a runtime or a debugger would show it: every own property, and its causes. */
function everything(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || typeof value !== "object") return String(value);
  if (seen.has(value)) return "";
  seen.add(value);
  return Object.getOwnPropertyNames(value)
    .map((key) => `${key}=${everything((value as Record<string, unknown>)[key], seen)}`)
    .join(" ");
}

describe("SlackApi against the Slack stand-in", () => {
  beforeAll(async () => {
    slack = await SlackStandIn.start();
  });
  beforeEach(() => slack.reset());
  afterAll(async () => slack.close());

  it("posts with chat.postMessage, the outbox id in the message's metadata, and reads nothing back on a first delivery", async () => {
    await api().post(message, first("m-1"));
    expect(slack.shown()).toEqual([message]);
    expect(slack.reads).toEqual([]);
    expect(slack.channel.map((m) => m.metadata)).toEqual([
      { event_type: MESSAGE_EVENT_TYPE, event_payload: { id: "m-1" } },
    ]);
  });

  it("a redelivery whose message is already in the channel: found by its id, not posted again", async () => {
    await api().post(message, first("m-1"));
    await api().post(message, again("m-1"));
    expect(slack.shown()).toHaveLength(1);
    expect(slack.reads).toEqual([{ outcome: "answered", messages: 1, cursor: false }]);
  });

  it("a redelivery whose message is not in the channel (others are, with and without metadata): posted once", async () => {
    await api().post({ text: "another", blocks: [] }, first("m-other"));
    await api().post({ text: "no metadata", blocks: [] });
    await api().post(message, again("m-1"));
    expect(slack.shown().map((m) => m.text)).toEqual(["another", "no metadata", message.text]);
    expect(slack.reads).toEqual([{ outcome: "answered", messages: 2, cursor: false }]);
  });

  it("Slack took the message and the reply was lost: the next attempt reads it back and does not post again", async () => {
    slack.arm({ fault: "drop-after", times: 1 });
    await api().post(message, first("m-1"));
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown-reply-lost"]);
    expect(slack.shown()).toHaveLength(1);
    expect(slack.reads).toHaveLength(1);
  });

  it('ok: false, internal_error after taking it ("some aspect … succeeded"): read back, shown once', async () => {
    slack.arm({ fault: "internal_error", times: 1, method: "chat.postMessage" });
    await api().post(message, first("m-1"));
    expect(slack.shown()).toHaveLength(1);
    expect(slack.reads).toHaveLength(1);
  });

  it("no answer: the attempt times out, the channel is read back (nothing there), and it is posted once", async () => {
    slack.arm({ fault: "hang", times: 1 });
    await api({ timeoutMs: 200 }).post(message, first("m-1"));
    expect(slack.posts.map((p) => p.outcome)).toEqual(["unanswered", "shown"]);
    expect(slack.reads).toHaveLength(1);
  });

  it("the read-back itself fails: nothing is posted, the call fails (the outbox keeps the message)", async () => {
    slack.arm([
      { fault: "drop-after", times: 1, method: "chat.postMessage" },
      { fault: "503", times: 1, method: "conversations.history" },
    ]);
    const error = await failure(api().post(message, first("m-1")));
    expect(error).toBeInstanceOf(SlackApiError);
    expect((error as SlackApiError).kind).toBe("read-back");
    expect((error as SlackApiError).message).toMatch(
      /^secret SlackWebhookUrl: could not read the channel back .*HTTP 503.*not posted again/,
    );
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown-reply-lost"]);
    // The next receive of the record: the read-back works and finds it.
    await api().post(message, again("m-1"));
    expect(slack.shown()).toHaveLength(1);
  });

  it("follows next_cursor page by page until it finds the id", async () => {
    slack.pageLimit = 2;
    await api().post(message, first("m-1"));
    for (let i = 0; i < 5; i++) await api().post({ text: `later ${i}`, blocks: [] }, first(`m-later-${i}`));
    await api().post(message, again("m-1"));
    expect(slack.shown().filter((m) => m.text === message.text)).toHaveLength(1);
    expect(slack.reads).toEqual([
      { outcome: "answered", messages: 2, cursor: false },
      { outcome: "answered", messages: 2, cursor: true },
      { outcome: "answered", messages: 2, cursor: true },
    ]);
  });

  it("reads to the end of the history (an empty next_cursor) before it posts", async () => {
    slack.pageLimit = 2;
    for (let i = 0; i < 3; i++) await api().post({ text: `other ${i}`, blocks: [] }, first(`m-other-${i}`));
    await api().post(message, again("m-1"));
    expect(slack.reads.map((r) => r.messages)).toEqual([2, 1]);
    expect(slack.shown().filter((m) => m.text === message.text)).toHaveLength(1);
  });

  it("more pages than allowed without the id: it cannot tell, and no later try could, so it posts and warns (at least once)", async () => {
    slack.pageLimit = 2;
    for (let i = 0; i < 5; i++) await api().post({ text: `other ${i}`, blocks: [] }, first(`m-other-${i}`));
    const warnings: [string, Record<string, unknown>][] = [];
    await api({ maxPages: 2, warn: (text, details) => void warnings.push([text, details]) }).post(
      message,
      again("m-1"),
    );
    expect(slack.reads).toHaveLength(2);
    expect(slack.shown().filter((m) => m.text === message.text)).toHaveLength(1);
    expect(warnings).toEqual([
      [
        "could not read the channel back far enough (more than 2 pages of 200 messages since it was queued) to see whether an earlier attempt was shown; posting it, it may be shown twice",
        { secret: "SlackWebhookUrl", channel: expect.any(String), id: "m-1" },
      ],
    ]);
  });

  it("within the page limit the id is found on the last page allowed: not posted again, no warning", async () => {
    slack.pageLimit = 2;
    await api().post(message, first("m-1"));
    for (let i = 0; i < 3; i++) await api().post({ text: `later ${i}`, blocks: [] }, first(`m-later-${i}`));
    const warnings: string[] = [];
    await api({ maxPages: 2, warn: (text) => void warnings.push(text) }).post(message, again("m-1"));
    expect(slack.reads).toHaveLength(2);
    expect(slack.shown().filter((m) => m.text === message.text)).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it("a 429 on the post is not an unknown outcome: it waits and posts without reading back", async () => {
    slack.arm({ fault: "429", times: 1, retryAfterSeconds: 1 });
    const waits: number[] = [];
    await api({ sleep: async (ms) => void waits.push(ms) }).post(message, first("m-1"));
    expect(waits).toEqual([1000]);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["refused", "shown"]);
    expect(slack.reads).toEqual([]);
  });

  it("an outage (503 on everything): the post fails and the read-back after it fails too; nothing shown", async () => {
    slack.arm({ fault: "503" });
    const error = await failure(api().post(message, first("m-1")));
    expect((error as SlackApiError).kind).toBe("read-back");
    expect(slack.shown()).toEqual([]);
  });

  it("a configuration error (not_in_channel) ends the call at once, naming the secret and what to do", async () => {
    slack.arm({ fault: "ok-false", error: "not_in_channel", method: "chat.postMessage" });
    const error = (await failure(api().post(message, first("m-1")))) as SlackApiError;
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error.kind).toBe("config");
    expect(error.secret).toBe("SlackWebhookUrl");
    expect(error.slackError).toBe("not_in_channel");
    expect(error.attempts).toBe(1);
    expect(error.message).toBe(
      `secret SlackWebhookUrl: Slack refuses chat.postMessage for channel ${CHANNEL_ID}: not_in_channel — the app is not a member of the channel: invite it (/invite @your-app). The message stays in the outbox until this is fixed`,
    );
    expect(slack.posts).toHaveLength(1);
  });

  it("a missing history scope is a configuration error of the read-back, with the scope Slack names", async () => {
    slack.arm({
      fault: "ok-false",
      error: "missing_scope",
      needed: "channels:history",
      method: "conversations.history",
    });
    const error = (await failure(api().post(message, again("m-1")))) as SlackApiError;
    expect(error.kind).toBe("config");
    expect(error.message).toContain(
      'conversations.history needs channels:history (the token has chat:write); add it under "OAuth & Permissions" and reinstall the app',
    );
    expect(slack.posts).toEqual([]);
  });

  it("a token Slack does not accept: invalid_auth, a configuration error that never quotes the token", async () => {
    const wrong = "xoxb-1111111111-2222222222-WrongTokenSecret77";
    const error = (await failure(api({}, wrong).post(message, first("m-1")))) as SlackApiError;
    expect(error.kind).toBe("config");
    expect(error.slackError).toBe("invalid_auth");
    expect(everything(error)).not.toContain("WrongTokenSecret77");
    expect(slack.shown()).toEqual([]);
  });
});

describe("SlackApi against a scripted server", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
  async function scripted(responder: Responder) {
    const server = await startRecordingServer(responder);
    close = server.close;
    return server;
  }
  const answers =
    (...replies: Array<[number, object | string, Record<string, string>?]>): Responder =>
    (_post, index, res) => {
      const [status, body, headers] = replies[Math.min(index, replies.length - 1)] ?? [200, { ok: true }];
      res
        .writeHead(status, { "content-type": "application/json", ...headers })
        .end(typeof body === "string" ? body : JSON.stringify(body));
    };
  const sender = (base: string, options: ConstructorParameters<typeof SlackApi>[1] = {}) =>
    new SlackApi(
      { secret: "SlackWebhookUrlPayments", token: BOT_TOKEN, channel: CHANNEL_ID, api: `${base}/api/` },
      { ...noWait, ...options },
    );

  it("reads back with the documented arguments: channel, oldest a minute before it was queued, include_all_metadata, the cursor", async () => {
    const server = await scripted(
      answers(
        [200, { ok: true, messages: [], has_more: true, response_metadata: { next_cursor: "bmV4dA==" } }],
        [200, { ok: true, messages: [], has_more: false, response_metadata: { next_cursor: "" } }],
        [200, { ok: true, ts: "1.2" }],
      ),
    );
    const queuedAt = 1_764_000_000_123;
    await sender(server.url("")).post(message, { id: "m-1", mayHavePosted: true, queuedAt });
    const [page1, page2, post] = server.posts;
    expect(page1?.path).toBe("/api/conversations.history");
    expect(page1?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(page1?.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(Object.fromEntries(new URLSearchParams(page1?.body))).toEqual({
      channel: CHANNEL_ID,
      oldest: ((queuedAt - CLOCK_MARGIN_MS) / 1000).toFixed(6),
      limit: "200",
      include_all_metadata: "true",
    });
    expect(new URLSearchParams(page2?.body).get("cursor")).toBe("bmV4dA==");
    expect(post?.path).toBe("/api/chat.postMessage");
    expect(post?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(post?.body ?? "")).toEqual({
      channel: CHANNEL_ID,
      text: message.text,
      blocks: message.blocks,
      metadata: { event_type: MESSAGE_EVENT_TYPE, event_payload: { id: "m-1" } },
    });
  });

  it("HTTP 200 with ok: false is a failure: a message Slack refuses (invalid_blocks) is not retried", async () => {
    const server = await scripted(answers([200, { ok: false, error: "invalid_blocks" }]));
    const error = (await failure(sender(server.url("")).post(message, first("m-1")))) as SlackApiError;
    expect(error.kind).toBe("rejected");
    expect(error.message).toBe("secret SlackWebhookUrlPayments: Slack refused the message: invalid_blocks");
    expect(server.posts).toHaveLength(1);
  });

  it("429 with Retry-After: waits as told when it fits; gives up at once (for the outbox to retry) when Slack asks for longer than a wait may be", async () => {
    const ok = await scripted(
      answers([429, { ok: false, error: "ratelimited" }, { "retry-after": "2" }], [200, { ok: true }]),
    );
    const waits: number[] = [];
    await sender(ok.url(""), { sleep: async (ms) => void waits.push(ms) }).post(message, first("m-1"));
    expect(waits).toEqual([2000]);
    expect(ok.posts).toHaveLength(2);
    await close?.();

    const long = await scripted(answers([429, { ok: false, error: "ratelimited" }, { "retry-after": "30" }]));
    const slept: number[] = [];
    const error = (await failure(
      sender(long.url(""), { maxDelayMs: 2000, sleep: async (ms) => void slept.push(ms) }).post(
        message,
        first("m-1"),
      ),
    )) as SlackApiError;
    expect(error.kind).toBe("unavailable");
    expect(error.status).toBe(429);
    expect(error.message).toContain("Slack asks to wait 30 s before posting again");
    expect(slept).toEqual([]);
    expect(long.posts).toHaveLength(1);
  });

  it("a rate-limited read-back waits once as told, then reads", async () => {
    const server = await scripted(
      answers(
        [429, { ok: false, error: "ratelimited" }, { "retry-after": "1" }],
        [200, { ok: true, messages: [], response_metadata: { next_cursor: "" } }],
        [200, { ok: true }],
      ),
    );
    const waits: number[] = [];
    await sender(server.url(""), { sleep: async (ms) => void waits.push(ms) }).post(message, again("m-1"));
    expect(waits).toEqual([1000]);
    expect(server.posts.map((p) => p.path)).toEqual([
      "/api/conversations.history",
      "/api/conversations.history",
      "/api/chat.postMessage",
    ]);
  });

  it("without an id (no outbox context) nothing can be read back: an unknown outcome is posted again, without metadata", async () => {
    const server = await scripted(answers([500, "upstream"], [200, { ok: true }]));
    await sender(server.url("")).post(message);
    expect(server.posts.map((p) => p.path)).toEqual(["/api/chat.postMessage", "/api/chat.postMessage"]);
    expect(JSON.parse(server.posts[0]?.body ?? "").metadata).toBeUndefined();
  });

  it("never reveals the token: not in errors (whatever Slack or a proxy quotes back), logs, JSON or inspect", async () => {
    const secretPart = BOT_TOKEN.split("-").pop() ?? "";
    const server = await scripted((post, _index, res) =>
      res
        .writeHead(502)
        .end(
          `bad gateway for ${post.headers.authorization} (${encodeURIComponent(BOT_TOKEN)}) part=${secretPart}`,
        ),
    );
    const notifier = sender(server.url(""), { maxAttempts: 1 });
    const bad = await failure(notifier.post(message));
    const refused = await failure(
      new SlackApi(
        { secret: "SlackWebhookUrl", token: BOT_TOKEN, channel: CHANNEL_ID, api: "http://127.0.0.1:9/api/" },
        { maxAttempts: 1 },
      ).post(message),
    );
    expect((bad as Error).message).toContain("bad gateway for Bearer [token] ([token]) part=[token]");
    expect((refused as Error).message).toMatch(/network error/);
    for (const text of [
      everything(bad),
      everything(refused),
      JSON.stringify(notifier),
      String(notifier),
      inspect(notifier, { showHidden: true, depth: 10 }),
    ]) {
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain("7700000001");
    }
    expect(JSON.stringify(notifier)).toBe(
      `{"type":"SlackApi","secret":"SlackWebhookUrlPayments","channel":"${CHANNEL_ID}","token":"[secret]"}`,
    );
  });
});
