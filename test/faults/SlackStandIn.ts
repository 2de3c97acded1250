/**
 * A Slack incoming webhook on loopback (built on test/support/recordingServer.ts) that can fail
 * the way Slack does: 503, 429 with `Retry-After`, no answer at all, or taking the message and
 * losing the reply. It keeps apart what Slack *showed* (a person would have seen it) from what
 * it refused, which is what the harness asserts.
 *
 * @example
 * const slack = await SlackStandIn.start();
 * slack.arm({ fault: "503" });
 * process.env.SLACK_WEBHOOK_URL = slack.webhookUrl;
 */
import type { ServerResponse } from "node:http";
import type { SlackMessage } from "../../core/notify/SlackMessage.ts";
import { type RecordedPost, startRecordingServer } from "../support/recordingServer.ts";

export type SlackFaultKind = "503" | "429" | "hang" | "drop-after";

export interface SlackFault {
  readonly fault: SlackFaultKind;
  /** Fail this many posts, then answer normally; default: every post. */
  readonly times?: number;
  /** Let the first `after` posts through. */
  readonly after?: number;
  /** For 429: the `Retry-After` header, in seconds. */
  readonly retryAfterSeconds?: number;
}

/** What became of one post. */
export type PostOutcome = "shown" | "refused" | "unanswered" | "shown-reply-lost" | "frozen";

export interface SlackPost {
  readonly message: SlackMessage;
  readonly outcome: PostOutcome;
}

/** The path of the stand-in's webhook: a secret in production, so tests can search output for it. */
export const WEBHOOK_PATH = "/services/T0FAULTS/B0HARNESS/stand-in-webhook-secret";

export class SlackStandIn {
  readonly posts: SlackPost[] = [];
  #fault: SlackFault | undefined;
  #seen = 0;
  #injected = 0;
  #frozen = false;

  private constructor(private readonly server: Awaited<ReturnType<typeof startRecordingServer>>) {}

  static async start(): Promise<SlackStandIn> {
    let standIn: SlackStandIn | undefined;
    const server = await startRecordingServer((post, _index, res) => standIn?.answer(post, res));
    standIn = new SlackStandIn(server);
    return standIn;
  }

  /** How many posts the armed fault failed. */
  get injected(): number {
    return this.#injected;
  }

  get webhookUrl(): string {
    return this.server.url(WEBHOOK_PATH);
  }

  arm(fault: SlackFault | undefined): void {
    this.#fault = fault;
    this.#seen = 0;
    this.#injected = 0;
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
    this.server.posts.length = 0;
    this.arm(undefined);
    this.#frozen = false;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(post: RecordedPost, res: ServerResponse): void {
    let message: SlackMessage;
    try {
      message = JSON.parse(post.body) as SlackMessage;
    } catch {
      res.writeHead(400).end("invalid_payload");
      return;
    }
    const record = (outcome: PostOutcome) => this.posts.push({ message, outcome });
    if (this.#frozen) {
      record("frozen");
      res.socket?.destroy();
      return;
    }
    this.#seen++;
    const fault = this.#fault;
    const faulted =
      fault !== undefined &&
      this.#seen > (fault.after ?? 0) &&
      (fault.times === undefined || this.#injected < fault.times);
    if (!faulted) {
      record("shown");
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    this.#injected++;
    switch (fault.fault) {
      case "503":
        record("refused");
        res.writeHead(503, { "content-type": "text/plain" }).end("service_unavailable");
        return;
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
        record("shown-reply-lost");
        res.socket?.destroy();
        return;
    }
  }
}
