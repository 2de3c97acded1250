/**
 * The Slack stand-in's fault modes, seen through the product's own sender (SlackWebhook): each
 * mode fails the way it says, and "shown" counts what a person in the channel would have seen.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackWebhook } from "../../core/notify/index.ts";
import { API_PATH, BOT_TOKEN, CHANNEL_ID, SlackStandIn } from "./SlackStandIn.ts";

let slack: SlackStandIn;
const message = { text: "hello", blocks: [] };
const sender = (options: ConstructorParameters<typeof SlackWebhook>[1] = {}) =>
  new SlackWebhook(slack.webhookUrl, { baseDelayMs: 10, ...options });

describe("SlackStandIn", () => {
  beforeAll(async () => {
    slack = await SlackStandIn.start();
  });
  beforeEach(() => slack.reset());
  afterAll(async () => slack.close());

  it("503 once: refused, then shown on the sender's retry", async () => {
    slack.arm({ fault: "503", times: 1 });
    await sender().post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["refused", "shown"]);
    expect(slack.shown()).toEqual([message]);
  });

  it("503 always: an outage, nothing shown and the sender gives up", async () => {
    slack.arm({ fault: "503" });
    await expect(sender({ maxAttempts: 2 }).post(message)).rejects.toThrow(/HTTP 503/);
    expect(slack.shown()).toEqual([]);
    expect(slack.injected).toBe(2);
  });

  it("429 with Retry-After: the sender waits as told, then it is shown", async () => {
    slack.arm({ fault: "429", times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await sender().post(message);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["refused", "shown"]);
  });

  it("no answer: the sender's timeout ends the attempt; the retry is shown", async () => {
    slack.arm({ fault: "hang", times: 1 });
    await sender({ timeoutMs: 200 }).post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["unanswered", "shown"]);
  });

  it("drop-after: Slack shows the message, the reply is lost, the retry shows it again", async () => {
    slack.arm({ fault: "drop-after", times: 1 });
    await sender().post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown-reply-lost", "shown"]);
    expect(slack.shown()).toHaveLength(2);
  });

  it("after K: the first K posts pass", async () => {
    slack.arm({ fault: "503", after: 1, times: 1 });
    await sender().post(message);
    await sender().post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown", "refused", "shown"]);
  });

  it("frozen (a Lambda past its timeout): nothing is shown", async () => {
    slack.freeze();
    await expect(sender({ maxAttempts: 1 }).post(message)).rejects.toThrow();
    slack.thaw();
    expect(slack.shown()).toEqual([]);
  });

  it("frozen: a Web API post is not shown either", async () => {
    slack.freeze();
    const response = await call("chat.postMessage", { channel: CHANNEL_ID, text: "hi" }).catch(
      (e: unknown) => e,
    );
    slack.thaw();
    expect(response).toBeInstanceOf(Error);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["frozen"]);
    expect(slack.channel).toEqual([]);
  });
});

/** One Web API request, as the product's sender makes it (JSON posts, form-encoded reads). */
async function call(method: string, args: Record<string, unknown>, token = BOT_TOKEN) {
  const api = (JSON.parse(slack.botSecret) as { api: string }).api;
  const form = method === "conversations.history";
  const response = await fetch(`${api}${method}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
    },
    body: form
      ? new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : JSON.stringify(args),
  });
  // biome-ignore lint/suspicious/noExplicitAny: Slack's answers, read field by field in the assertions.
  const body: any = await response.json();
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

describe("SlackStandIn as the Web API (chat.postMessage, conversations.history)", () => {
  beforeAll(async () => {
    slack = await SlackStandIn.start();
  });
  beforeEach(() => slack.reset());
  afterAll(async () => slack.close());

  it("answers HTTP 200 with ok: false for a wrong token or channel, as Slack does", async () => {
    expect(await call("chat.postMessage", { channel: CHANNEL_ID, text: "x" }, "xoxb-wrong")).toEqual({
      status: 200,
      retryAfter: null,
      body: { ok: false, error: "invalid_auth" },
    });
    expect((await call("chat.postMessage", { channel: "C0OTHER0000", text: "x" })).body).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    expect(slack.shown()).toEqual([]);
    expect(JSON.parse(slack.botSecret)).toEqual({
      token: BOT_TOKEN,
      channel: CHANNEL_ID,
      api: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${API_PATH}$`)),
    });
  });

  it("keeps posts in the channel: newest first after oldest, metadata only with include_all_metadata, pages by cursor", async () => {
    const metadata = (id: string) => ({ event_type: "ecs_autopilot_message_posted", event_payload: { id } });
    for (const id of ["a", "b", "c"])
      expect(
        (await call("chat.postMessage", { channel: CHANNEL_ID, text: id, metadata: metadata(id) })).body,
      ).toMatchObject({ ok: true, channel: CHANNEL_ID });
    const plain = await call("conversations.history", { channel: CHANNEL_ID, limit: 2 });
    expect(plain.body.messages.map((m: { text: string }) => m.text)).toEqual(["c", "b"]);
    expect(plain.body.messages.every((m: object) => !("metadata" in m))).toBe(true);
    expect(plain.body.has_more).toBe(true);
    const next = await call("conversations.history", {
      channel: CHANNEL_ID,
      limit: 2,
      include_all_metadata: true,
      cursor: plain.body.response_metadata.next_cursor,
    });
    expect(next.body.messages).toEqual([expect.objectContaining({ text: "a", metadata: metadata("a") })]);
    expect(next.body.response_metadata.next_cursor).toBe("");
    const future = await call("conversations.history", {
      channel: CHANNEL_ID,
      oldest: Date.now() / 1000 + 60,
    });
    expect(future.body.messages).toEqual([]);
  });

  it("faults per method: drop-after on a post shows it and loses the reply; a 429 on a read carries Retry-After", async () => {
    slack.arm([
      { fault: "drop-after", times: 1, method: "chat.postMessage" },
      { fault: "429", times: 1, method: "conversations.history", retryAfterSeconds: 7 },
    ]);
    await expect(call("chat.postMessage", { channel: CHANNEL_ID, text: "lost reply" })).rejects.toThrow();
    expect(await call("conversations.history", { channel: CHANNEL_ID })).toEqual({
      status: 429,
      retryAfter: "7",
      body: { ok: false, error: "ratelimited" },
    });
    expect((await call("conversations.history", { channel: CHANNEL_ID })).body.messages).toHaveLength(1);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown-reply-lost"]);
    expect(slack.injected).toBe(2);
  });

  it("internal_error takes the message; ok-false with a code refuses it", async () => {
    slack.arm([
      { fault: "internal_error", times: 1, method: "chat.postMessage" },
      { fault: "ok-false", times: 1, error: "not_in_channel", method: "chat.postMessage" },
    ]);
    expect((await call("chat.postMessage", { channel: CHANNEL_ID, text: "1" })).body).toEqual({
      ok: false,
      error: "internal_error",
    });
    expect((await call("chat.postMessage", { channel: CHANNEL_ID, text: "2" })).body).toEqual({
      ok: false,
      error: "not_in_channel",
    });
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown-reply-lost", "refused"]);
    expect(slack.shown().map((m) => m.text)).toEqual(["1"]);
  });
});
