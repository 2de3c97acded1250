/**
 * Slack on loopback (built on test/support/recordingServer.ts), both ways ecs-autopilot talks to
 * it: an incoming webhook, and the Web API's `chat.postMessage` and `conversations.history` for
 * a bot token and one channel — with message metadata, cursor pagination, `ok: false` errors and
 * 429s as Slack documents them (core/notify/SlackApi.ts cites the pages). Either can fail the way
 * Slack does: 503, 429 with `Retry-After`, no answer at all, taking the message and losing the
 * reply, `ok: false, internal_error` after taking it, or any other `ok: false` code. It keeps
 * apart what Slack *showed* (a person would have seen it) from what it refused, which is what the
 * harness asserts.
 *
 * @example
 * const slack = await SlackStandIn.start();
 * slack.arm({ fault: "drop-after", times: 1, method: "chat.postMessage" });
 * process.env.SLACK_WEBHOOK_URL = slack.botSecret; // or slack.webhookUrl
 */
import type { ServerResponse } from "node:http";
import type { SlackMessage } from "../../core/notify/SlackMessage.ts";
import { type RecordedPost, startRecordingServer } from "../support/recordingServer.ts";

export type SlackFaultKind =
  | "503"
  | "429"
  | "hang"
  | "drop-after"
  /** Web API: takes the message (a post is shown), answers HTTP 200 `ok: false, internal_error`. */
  | "internal_error"
  /** Web API: answers HTTP 200 `ok: false` with {@link SlackFault.error}, taking nothing. */
  | "ok-false";

/** What a request is: a webhook post or one of the Web API's methods. */
export type SlackEndpoint = "webhook" | "chat.postMessage" | "conversations.history";

export interface SlackFault {
  readonly fault: SlackFaultKind;
  /** Fail this many requests, then answer normally; default: every request. */
  readonly times?: number;
  /** Let the first `after` matching requests through. */
  readonly after?: number;
  /** Only these requests; default: every request (an outage hits reads and posts alike). */
  readonly method?: SlackEndpoint;
  /** For 429: the `Retry-After` header, in seconds. */
  readonly retryAfterSeconds?: number;
  /** For `ok-false`: the `error` code (`not_in_channel`, `missing_scope`, …). */
  readonly error?: string;
  /** For `ok-false` with `missing_scope`: the scope Slack says is needed. */
  readonly needed?: string;
}

/** What became of one post. */
export type PostOutcome = "shown" | "refused" | "unanswered" | "shown-reply-lost" | "frozen";

export interface SlackPost {
  readonly message: SlackMessage;
  readonly outcome: PostOutcome;
  /** How it came: the webhook or `chat.postMessage`. */
  readonly via: "webhook" | "api";
}

/** What became of one read of the channel (`conversations.history`). */
export interface SlackRead {
  readonly outcome: "answered" | "failed" | "frozen";
  readonly messages: number;
  readonly cursor: boolean;
}

/** The path of the stand-in's webhook: a secret in production, so tests can search output for it. */
export const WEBHOOK_PATH = "/services/T0FAULTS/B0HARNESS/stand-in-webhook-secret";
/** The stand-in's bot token: a secret in production, so tests can search output for it. */
export const BOT_TOKEN = "xoxb-7700000001-7700000002-StandInBotTokenSecret42";
/** The one channel the bot token posts to. */
export const CHANNEL_ID = "C0FAULTS0001";
/** Where the Web API answers (Slack's is https://slack.com/api/). */
export const API_PATH = "/api/";

/** A message in the channel, as `conversations.history` returns it. */
interface ChannelMessage {
  readonly seconds: number;
  readonly sequence: number;
  readonly ts: string;
  readonly text: string;
  readonly blocks: unknown;
  readonly metadata?: unknown;
}

export class SlackStandIn {
  readonly posts: SlackPost[] = [];
  readonly reads: SlackRead[] = [];
  /** The channel's messages, oldest first (every post shown by the Web API). */
  readonly channel: ChannelMessage[] = [];
  #faults: ReadonlyArray<{ readonly fault: SlackFault; seen: number; injected: number }> = [];
  #frozen = false;
  #sequence = 0;
  /** The most `conversations.history` returns in one page, whatever `limit` asks for (Slack: 999; 15 for some apps). */
  pageLimit = 999;

  private constructor(private readonly server: Awaited<ReturnType<typeof startRecordingServer>>) {}

  static async start(): Promise<SlackStandIn> {
    let standIn: SlackStandIn | undefined;
    const server = await startRecordingServer((post, _index, res) => standIn?.answer(post, res));
    standIn = new SlackStandIn(server);
    return standIn;
  }

  /** How many requests the armed faults failed. */
  get injected(): number {
    return this.#faults.reduce((total, f) => total + f.injected, 0);
  }

  get webhookUrl(): string {
    return this.server.url(WEBHOOK_PATH);
  }

  /** A bot-token secret's value for this stand-in (core/notify/webhookSecret.ts). */
  get botSecret(): string {
    return JSON.stringify({ token: BOT_TOKEN, channel: CHANNEL_ID, api: this.server.url(API_PATH) });
  }

  /** Arms one fault, several (the first that applies to a request fails it), or none. */
  arm(faults: SlackFault | readonly SlackFault[] | undefined): void {
    const list = faults === undefined ? [] : Array.isArray(faults) ? faults : [faults as SlackFault];
    this.#faults = list.map((fault) => ({ fault, seen: 0, injected: 0 }));
  }

  /** Lambda's timeout: nothing posted while frozen is shown. */
  freeze(): void {
    this.#frozen = true;
  }

  thaw(): void {
    this.#frozen = false;
  }

  /** The messages Slack showed (including those whose reply was lost), in order. */
  shown(): SlackMessage[] {
    return this.posts
      .filter((p) => p.outcome === "shown" || p.outcome === "shown-reply-lost")
      .map((p) => p.message);
  }

  reset(): void {
    this.posts.length = 0;
    this.reads.length = 0;
    this.channel.length = 0;
    this.server.posts.length = 0;
    this.arm(undefined);
    this.#frozen = false;
    this.pageLimit = 999;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The armed fault this request meets, counted; undefined when it passes. */
  #faultFor(endpoint: SlackEndpoint): SlackFault | undefined {
    for (const armed of this.#faults) {
      const { fault } = armed;
      if (fault.method !== undefined && fault.method !== endpoint) continue;
      armed.seen++;
      if (armed.seen <= (fault.after ?? 0)) continue;
      if (fault.times !== undefined && armed.injected >= fault.times) continue;
      armed.injected++;
      return fault;
    }
    return undefined;
  }

  private answer(post: RecordedPost, res: ServerResponse): void {
    const path = post.path.split("?")[0] ?? "";
    if (path === `${API_PATH}chat.postMessage`) {
      this.#postMessage(post, res);
      return;
    }
    if (path === `${API_PATH}conversations.history`) {
      this.#history(post, res);
      return;
    }
    if (path.startsWith(API_PATH)) {
      json(res, 200, { ok: false, error: "unknown_method" });
      return;
    }
    this.#webhook(post, res);
  }

  #webhook(post: RecordedPost, res: ServerResponse): void {
    let message: SlackMessage;
    try {
      message = JSON.parse(post.body) as SlackMessage;
    } catch {
      res.writeHead(400).end("invalid_payload");
      return;
    }
    const record = (outcome: PostOutcome) => this.posts.push({ message, outcome, via: "webhook" });
    if (this.#frozen) {
      record("frozen");
      res.socket?.destroy();
      return;
    }
    const fault = this.#faultFor("webhook");
    if (!fault) {
      record("shown");
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    switch (fault.fault) {
      case "429":
        record("refused");
        res
          .writeHead(429, {
            "content-type": "text/plain",
            "retry-after": String(fault.retryAfterSeconds ?? 1),
          })
          .end("rate_limited");
        return;
      case "hang":
        // No answer: the sender's own timeout ends the attempt; close() ends the socket.
        record("unanswered");
        return;
      case "drop-after":
      case "internal_error":
        record("shown-reply-lost");
        res.socket?.destroy();
        return;
      default:
        record("refused");
        res.writeHead(503, { "content-type": "text/plain" }).end("service_unavailable");
    }
  }

  /** Checks the bearer token; answers `invalid_auth` (HTTP 200, as Slack does) when it is wrong. */
  #authorized(post: RecordedPost, res: ServerResponse): boolean {
    if (post.headers.authorization === `Bearer ${BOT_TOKEN}`) return true;
    json(res, 200, { ok: false, error: post.headers.authorization ? "invalid_auth" : "not_authed" });
    return false;
  }

  #postMessage(post: RecordedPost, res: ServerResponse): void {
    let body: { channel?: unknown; text?: unknown; blocks?: unknown; metadata?: unknown };
    try {
      body = JSON.parse(post.body) as typeof body;
    } catch {
      json(res, 200, { ok: false, error: "invalid_json" });
      return;
    }
    const message = { text: String(body.text ?? ""), blocks: (body.blocks ?? []) as SlackMessage["blocks"] };
    const record = (outcome: PostOutcome): void => void this.posts.push({ message, outcome, via: "api" });
    if (this.#frozen) {
      record("frozen");
      res.socket?.destroy();
      return;
    }
    if (!this.#authorized(post, res)) {
      record("refused");
      return;
    }
    if (body.channel !== CHANNEL_ID) {
      record("refused");
      json(res, 200, { ok: false, error: "channel_not_found" });
      return;
    }
    if (!body.text && !Array.isArray(body.blocks)) {
      record("refused");
      json(res, 200, { ok: false, error: "no_text" });
      return;
    }
    const fault = this.#faultFor("chat.postMessage");
    const take = () => {
      const seconds = Math.floor(Date.now() / 1000);
      const sequence = ++this.#sequence;
      const taken: ChannelMessage = {
        seconds,
        sequence,
        ts: `${seconds}.${String(sequence).padStart(6, "0")}`,
        text: message.text,
        blocks: body.blocks,
        ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
      };
      this.channel.push(taken);
      return taken;
    };
    if (!fault) {
      record("shown");
      const taken = take();
      json(res, 200, { ok: true, channel: CHANNEL_ID, ts: taken.ts, message: { text: taken.text } });
      return;
    }
    switch (fault.fault) {
      case "503":
        record("refused");
        res.writeHead(503, { "content-type": "text/plain" }).end("service_unavailable");
        return;
      case "429":
        record("refused");
        json(res, 429, { ok: false, error: "ratelimited" }, fault.retryAfterSeconds ?? 1);
        return;
      case "hang":
        record("unanswered");
        return;
      case "drop-after":
        record("shown-reply-lost");
        take();
        res.socket?.destroy();
        return;
      case "internal_error":
        // "It's possible some aspect of the operation succeeded before the error was raised."
        record("shown-reply-lost");
        take();
        json(res, 200, { ok: false, error: "internal_error" });
        return;
      case "ok-false":
        record("refused");
        json(res, 200, {
          ok: false,
          error: fault.error ?? "invalid_arguments",
          ...(fault.needed ? { needed: fault.needed, provided: "chat:write" } : {}),
        });
        return;
    }
  }

  #history(post: RecordedPost, res: ServerResponse): void {
    const read = (outcome: SlackRead["outcome"], messages = 0, cursor = false): void =>
      void this.reads.push({ outcome, messages, cursor });
    if (this.#frozen) {
      read("frozen");
      res.socket?.destroy();
      return;
    }
    if (!this.#authorized(post, res)) {
      read("failed");
      return;
    }
    const form = new URLSearchParams(post.body);
    if (form.get("channel") !== CHANNEL_ID) {
      read("failed");
      json(res, 200, { ok: false, error: "channel_not_found" });
      return;
    }
    const fault = this.#faultFor("conversations.history");
    if (fault) {
      read("failed");
      switch (fault.fault) {
        case "503":
          res.writeHead(503, { "content-type": "text/plain" }).end("service_unavailable");
          return;
        case "429":
          json(res, 429, { ok: false, error: "ratelimited" }, fault.retryAfterSeconds ?? 1);
          return;
        case "hang":
          return;
        case "drop-after":
          res.socket?.destroy();
          return;
        case "internal_error":
          json(res, 200, { ok: false, error: "internal_error" });
          return;
        case "ok-false":
          json(res, 200, {
            ok: false,
            error: fault.error ?? "invalid_arguments",
            ...(fault.needed ? { needed: fault.needed, provided: "chat:write" } : {}),
          });
          return;
      }
    }
    // Newest first, after `oldest` (exclusive, as Slack's `inclusive` defaults to false).
    const oldest = Number(form.get("oldest") ?? "0");
    const newestFirst = this.channel
      .filter((m) => Number(m.ts) > oldest)
      .sort((a, b) => b.seconds - a.seconds || b.sequence - a.sequence);
    const start = Number(Buffer.from(form.get("cursor") ?? "", "base64").toString("utf8") || "0");
    const limit = Math.min(Number(form.get("limit") ?? "100") || 100, this.pageLimit);
    const page = newestFirst.slice(start, start + limit);
    const more = start + limit < newestFirst.length;
    const withMetadata = form.get("include_all_metadata") === "true";
    read("answered", page.length, Boolean(form.get("cursor")));
    json(res, 200, {
      ok: true,
      messages: page.map((m) => ({
        type: "message",
        subtype: "bot_message",
        bot_id: "B0STANDIN01",
        ts: m.ts,
        text: m.text,
        blocks: m.blocks,
        ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
      })),
      has_more: more,
      response_metadata: { next_cursor: more ? Buffer.from(String(start + limit)).toString("base64") : "" },
    });
  }
}

function json(res: ServerResponse, status: number, body: object, retryAfterSeconds?: number): void {
  res
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      ...(retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {}),
    })
    .end(JSON.stringify(body));
}
