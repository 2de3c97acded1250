/**
 * Posting through the Slack Web API with a bot token, so that a message whose reply was lost is
 * shown once: each message carries its outbox id in Slack's message metadata, and before a post
 * that may repeat an earlier one the channel is read back for that id.
 *
 * What this file relies on, from Slack's documentation (read 2026-11-26):
 * - Every Web API answer is a JSON object with a boolean `ok`; a failure has `ok: false` and a
 *   short machine-readable `error` code (https://docs.slack.dev/apis/web-api, "Evaluating
 *   responses"; the same in Slack's original docs, github.com/slackhq/slack-api-docs
 *   index_web.md). The error travels in that field, not in the HTTP status: `ok: false` comes
 *   with HTTP 200, so `ok` is read whatever the status (and a 5xx or an unreadable body is an
 *   unknown outcome, not a refusal).
 * - A rate-limited call is answered HTTP 429 with a `Retry-After` header: the seconds to wait
 *   (https://docs.slack.dev/apis/web-api/rate-limits). `chat.postMessage` has "special" limits,
 *   generally one message per second per channel with a workspace-wide limit besides;
 *   `conversations.history` is Tier 3 (50+ per minute) for internal (customer-built) and
 *   Marketplace apps, but 1 per minute with at most 15 messages a page for commercially
 *   distributed non-Marketplace apps created since 2025-05-29, and their existing installations
 *   since 2026-03-03 (https://docs.slack.dev/reference/methods/conversations.history).
 * - Write methods take JSON bodies when the token comes in an `Authorization: Bearer` header,
 *   which Slack prefers to a `token` parameter (https://docs.slack.dev/apis/web-api;
 *   https://api.slack.com/changelog/2017-10-keeping-up-with-the-jsons).
 * - `chat.postMessage` needs the bot scope `chat:write`; `conversations.history` needs
 *   `channels:history` for public channels and `groups:history` for private ones, and a bot reads
 *   only conversations it is a member of (the two methods' pages above).
 * - Message metadata is `{ event_type, event_payload }` on `chat.postMessage`, not shown to
 *   people; `event_type` should be a human-readable alphanumeric string (guidelines, not
 *   enforced: https://docs.slack.dev/messaging/message-metadata/designing-metadata-event-schema).
 *   `conversations.history` returns it with `include_all_metadata=true`, and pages with
 *   `cursor` = the previous answer's `response_metadata.next_cursor` (empty at the end).
 * - Error codes of `chat.postMessage` (https://docs.slack.dev/reference/methods/chat.postMessage,
 *   "Errors"): `internal_error` and `fatal_error` say "it's possible some aspect of the operation
 *   succeeded before the error was raised" — an unknown outcome, like a lost reply.
 */
import { AutopilotError } from "../errors.ts";
import type { Notifier, PostContext } from "./Notifier.ts";
import { redactedExcerpt } from "./redactedExcerpt.ts";
import { retryAfterMs } from "./retryAfter.ts";
import type { SlackMessage } from "./SlackMessage.ts";

/** The metadata `event_type` of every message ecs-autopilot posts (snake_case, as Slack's examples). */
export const MESSAGE_EVENT_TYPE = "ecs_autopilot_message_posted";

/** What went wrong, for the log and the caller: each asks for something else. */
export type SlackApiFailure =
  /** The secret's token, the app's scopes or the channel: a person must fix the Slack app or the secret. */
  | "config"
  /** Slack refused this message (its blocks, its size): retrying it will not help. */
  | "rejected"
  /** Slack did not take it in time (5xx, no answer, rate limited): the outbox tries again later. */
  | "unavailable"
  /** The channel could not be read back, so a message that may be there was not posted again. */
  | "read-back";

/** Slack's Web API did not take a message. Names the secret and the channel, never the token. */
export class SlackApiError extends AutopilotError {
  override readonly name = "SlackApiError";
  readonly code = "slack-api-failed";
  constructor(
    message: string,
    /** The secret whose token and channel were used (`SlackWebhookUrl`, `SlackWebhookUrlPayments`, …). */
    readonly secret: string,
    readonly kind: SlackApiFailure,
    /** Slack's `error` code, when it sent one (`missing_scope`, `not_in_channel`, …). */
    readonly slackError: string | undefined,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface SlackApiTarget {
  /** The secret the token and channel come from: named in every error and log line. */
  readonly secret: string;
  readonly token: string;
  readonly channel: string;
  /** The Web API's base URL, ending in `/` (default https://slack.com/api/). */
  readonly api: string;
}

export interface SlackApiOptions {
  /** Per request. */
  readonly timeoutMs?: number;
  /** Posts of one message (read-backs are not counted; they share the post's deadline). */
  readonly maxAttempts?: number;
  /** Cap on any single wait: a `Retry-After` asking for longer ends the post (the outbox retries later). */
  readonly maxDelayMs?: number;
  readonly baseDelayMs?: number;
  /** Pages of `conversations.history` one read-back may read. */
  readonly maxPages?: number;
  /** Messages asked for per page (Slack may send fewer: the cursor is followed either way). */
  readonly pageSize?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Told when a post goes out that may repeat an earlier one (the read-back could not tell). */
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

const DEFAULTS = {
  timeoutMs: 5000,
  maxAttempts: 4,
  maxDelayMs: 30_000,
  baseDelayMs: 500,
  // 5 pages of 200: a read-back covers 1,000 messages in the channel since the message was queued.
  maxPages: 5,
  pageSize: 200,
} as const;

/**
 * Slack's clock and SQS's may differ: the read-back starts this long before the message was
 * queued (a message cannot be posted before it is queued).
 */
export const CLOCK_MARGIN_MS = 60_000;

/** `ok: false` codes that are the secret's or the Slack app's fault: a person must act. */
const CONFIG_ERRORS: Readonly<Record<string, string>> = {
  not_authed: "no token reached Slack",
  invalid_auth:
    "Slack does not accept the token (mistyped, from another workspace, or the request came from an address the workspace does not allow)",
  account_inactive: "the token belongs to a deleted app, bot or workspace",
  token_revoked: "the token was revoked or the app uninstalled",
  token_expired: "the token expired (an app with token rotation gets tokens that expire; turn rotation off)",
  not_allowed_token_type: "this kind of token may not call the method: use the app's bot token (xoxb-)",
  missing_scope: "the app lacks a scope",
  no_permission: "the token may not act in the channel: invite the app to it",
  not_in_channel: "the app is not a member of the channel: invite it (/invite @your-app)",
  channel_not_found:
    "no channel with this ID is visible to the token: check the ID, and invite the app to a private channel",
  is_archived: "the channel is archived",
  ekm_access_denied: "administrators have suspended posting (Enterprise Key Management)",
  access_denied: "access to the channel is denied",
  accesslimited: "the method is not allowed from this network",
  org_login_required: "the workspace is being migrated to an Enterprise organisation",
  enterprise_is_restricted: "the method cannot be called from an Enterprise organisation",
  team_access_not_granted: "the token has no access to the channel's workspace",
  restricted_action: "a workspace preference keeps the app from posting",
  restricted_action_read_only_channel: "the channel is read-only",
  restricted_action_thread_only_channel: "the channel takes thread replies only",
};
/** `ok: false` codes after which the message may have been posted ("some aspect … succeeded"). */
const OUTCOME_UNKNOWN = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);
/** `ok: false` codes that say "not now": nothing was posted, a later try may be taken. */
const NOT_NOW = new Set(["ratelimited", "rate_limited", "team_added_to_org"]);

/** One request's answer, read. */
type Reply =
  | { readonly kind: "ok"; readonly data: Record<string, unknown> }
  | {
      readonly kind: "error";
      readonly status: number;
      readonly error: string;
      readonly needed?: string;
      readonly provided?: string;
    }
  | { readonly kind: "rate-limited"; readonly status: number; readonly waitMs: number | undefined }
  | { readonly kind: "http"; readonly status: number; readonly text: string }
  | { readonly kind: "no-reply"; readonly problem: string };

/** Slack's codes and scope lists are short snake_case words; anything else is not quoted. */
const word = (value: unknown, pattern = /^[a-z0-9_.:-]{1,64}$/): string | undefined =>
  typeof value === "string" && pattern.test(value) ? value : undefined;
const scopes = (value: unknown) => word(value, /^[a-z0-9_.:,-]{1,300}$/);

/** Whether a history message is the one posted with metadata id `id`. */
function carries(message: unknown, id: string): boolean {
  if (typeof message !== "object" || message === null) return false;
  const metadata = (message as { metadata?: { event_type?: unknown; event_payload?: { id?: unknown } } })
    .metadata;
  return metadata?.event_type === MESSAGE_EVENT_TYPE && metadata.event_payload?.id === id;
}

/**
 * Posts to one channel with `chat.postMessage`, each message carrying its outbox id as metadata.
 * Before a post that may repeat an earlier one — the caller says an earlier delivery may have
 * reached Slack, or an attempt of this call ended without a known outcome (no answer, a lost
 * reply, a 5xx, `internal_error`) — it reads the channel back with `conversations.history` from
 * just before the message was queued, and posts only if no message carries the id. A read-back
 * that fails ends the call without posting: the message stays in the outbox. One that cannot read
 * far enough (more than `maxPages` pages since the message was queued) posts it anyway and tells
 * `warn`: a later read-back could not tell either, and at least once wins over shown once.
 * Configuration errors (`missing_scope`, `not_in_channel`, `invalid_auth`, …) end it at once,
 * naming the secret and what to fix. The whole call, read-backs included, is held to
 * `maxAttempts × timeoutMs + (maxAttempts − 1) × maxDelayMs` — the webhook's worst case, so the
 * timeouts sized from SLACK_POST_WORST_CASE_MS hold for both. The token lives in a private field
 * and in the `Authorization` header only; it never appears in errors, logs or `JSON.stringify`.
 *
 * @example
 * const slack = new SlackApi({ secret: "SlackWebhookUrl", token, channel: "C0123ABCD", api: "https://slack.com/api/" });
 * await slack.post(message, { id: outbox.id, mayHavePosted: receiveCount > 1, queuedAt: sentTimestamp });
 */
export class SlackApi implements Notifier {
  readonly #token: string;
  readonly #secrets: readonly string[];
  readonly #target: Omit<SlackApiTarget, "token">;
  readonly #options: Required<SlackApiOptions>;

  constructor(target: SlackApiTarget, options: SlackApiOptions = {}) {
    const { token, ...rest } = target;
    this.#token = token;
    this.#target = rest;
    // The token and its longer parts (a proxy may quote the header, or a part of it, back).
    // And any user name or password in the base URL (refused when the secret is read; a target
    // built by hand may still carry them, and fetch's error quotes the URL).
    const base = URL.parse(target.api);
    const parts = [
      token,
      ...token.split("-").filter((part) => part.length >= 6 && part !== "xoxb"),
      ...[base?.username ?? "", base?.password ?? ""].filter((part) => part.length > 1),
    ];
    this.#secrets = [...new Set(parts.flatMap((part) => [part, encodeURIComponent(part)]))].sort(
      (a, b) => b.length - a.length,
    );
    this.#options = {
      ...DEFAULTS,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => Date.now(),
      warn: () => {},
      ...options,
    };
  }

  /** The longest a post may take, read-backs and waits included. */
  get budgetMs(): number {
    const { maxAttempts, timeoutMs, maxDelayMs } = this.#options;
    return maxAttempts * timeoutMs + (maxAttempts - 1) * maxDelayMs;
  }

  async post(message: SlackMessage, context?: PostContext): Promise<void> {
    const { maxAttempts, maxDelayMs, baseDelayMs, sleep, now } = this.#options;
    const deadline = now() + this.budgetMs;
    const body = JSON.stringify({
      channel: this.#target.channel,
      text: message.text,
      blocks: message.blocks,
      ...(context ? { metadata: { event_type: MESSAGE_EVENT_TYPE, event_payload: { id: context.id } } } : {}),
    });
    // Without an id nothing can be read back: an unknown outcome is then posted again (at least once).
    let uncertain = context?.mayHavePosted === true;
    let last: { problem: string; status?: number | undefined; error?: string | undefined } = {
      problem: "no attempt was made",
    };
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (uncertain && context && (await this.#alreadyPosted(context, deadline, attempts))) return;
      attempts = attempt;
      const reply = await this.#send("chat.postMessage", "application/json; charset=utf-8", body, deadline);
      let wait: number | undefined;
      switch (reply.kind) {
        case "ok":
          return;
        case "rate-limited":
          last = { problem: `rate limited (HTTP ${reply.status})`, status: reply.status };
          if (reply.waitMs !== undefined && reply.waitMs > maxDelayMs)
            throw this.#error(
              `Slack asks to wait ${Math.round(reply.waitMs / 1000)} s before posting again (rate limited); the outbox tries again later`,
              "unavailable",
              { status: reply.status },
              attempts,
            );
          wait = reply.waitMs;
          break;
        case "error": {
          last = { problem: `ok: false, ${reply.error}`, status: reply.status, error: reply.error };
          if (Object.hasOwn(CONFIG_ERRORS, reply.error))
            throw this.#configError("chat.postMessage", reply, attempts);
          if (OUTCOME_UNKNOWN.has(reply.error)) uncertain = true;
          else if (!NOT_NOW.has(reply.error))
            throw this.#error(
              `Slack refused the message: ${reply.error}`,
              "rejected",
              { status: reply.status, error: reply.error },
              attempts,
            );
          break;
        }
        case "http":
          last = {
            problem: `HTTP ${reply.status}${reply.text ? ` (${reply.text})` : ""}`,
            status: reply.status,
          };
          if (reply.status >= 500 || reply.status < 400) uncertain = true;
          else if ([401, 403, 404].includes(reply.status))
            throw this.#error(
              `the Slack API at the secret's address answered HTTP ${reply.status}: check its "api" URL`,
              "config",
              { status: reply.status },
              attempts,
            );
          else throw this.#error(`Slack refused the message: ${last.problem}`, "rejected", last, attempts);
          break;
        case "no-reply":
          last = { problem: reply.problem };
          uncertain = true;
          break;
      }
      if (attempt === maxAttempts) break;
      const pause = Math.min(maxDelayMs, wait ?? baseDelayMs * 2 ** (attempt - 1));
      if (now() + pause >= deadline) break;
      await sleep(pause);
    }
    throw this.#error(
      `Slack did not take the message after ${attempts} attempt(s)${uncertain ? " (whether the last one was shown is unknown: the next try reads the channel back first)" : ""}: ${last.problem}`,
      "unavailable",
      last,
      attempts,
    );
  }

  /**
   * Whether the channel holds a message with the id, from just before it was queued: pages of
   * `conversations.history` (newest first) until the id is found or the history ends. Throws
   * (kind `read-back`, or `config`) when a page fails; more pages than allowed answer false (see
   * {@link SlackApi}).
   */
  async #alreadyPosted(context: PostContext, deadline: number, attempts: number): Promise<boolean> {
    const { maxPages, pageSize, maxDelayMs, sleep, now } = this.#options;
    const oldest = (Math.max(0, context.queuedAt - CLOCK_MARGIN_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 1; page <= maxPages; page++) {
      const form = new URLSearchParams({
        channel: this.#target.channel,
        oldest,
        limit: String(pageSize),
        include_all_metadata: "true",
        ...(cursor ? { cursor } : {}),
      }).toString();
      let reply = await this.#send(
        "conversations.history",
        "application/x-www-form-urlencoded",
        form,
        deadline,
      );
      // One wait for a rate limit, if Slack asks for no longer than a wait may be.
      if (
        reply.kind === "rate-limited" &&
        (reply.waitMs ?? 0) <= maxDelayMs &&
        now() + (reply.waitMs ?? 0) < deadline
      ) {
        await sleep(reply.waitMs ?? 0);
        reply = await this.#send(
          "conversations.history",
          "application/x-www-form-urlencoded",
          form,
          deadline,
        );
      }
      if (reply.kind === "error" && Object.hasOwn(CONFIG_ERRORS, reply.error))
        throw this.#configError("conversations.history", reply, attempts);
      if (reply.kind !== "ok") {
        const problem =
          reply.kind === "error"
            ? `ok: false, ${reply.error}`
            : reply.kind === "rate-limited"
              ? `rate limited (HTTP ${reply.status})`
              : reply.kind === "http"
                ? `HTTP ${reply.status}${reply.text ? ` (${reply.text})` : ""}`
                : reply.problem;
        throw this.#error(
          `could not read the channel back to see whether an earlier attempt was shown (${problem}); not posted again, the outbox tries later`,
          "read-back",
          {
            ...(reply.kind === "no-reply" ? {} : { status: reply.status }),
            ...(reply.kind === "error" ? { error: reply.error } : {}),
          },
          attempts,
        );
      }
      const messages = Array.isArray(reply.data.messages) ? reply.data.messages : [];
      if (messages.some((m) => carries(m, context.id))) return true;
      const next = (reply.data.response_metadata as { next_cursor?: unknown } | undefined)?.next_cursor;
      if (typeof next !== "string" || next === "") return false;
      cursor = next;
    }
    // A channel busier than the read-back can cover: a later read-back could not tell either, so
    // waiting would only park the message in the DLQ (and a redrive would park it again). At least
    // once wins over shown once: it is posted, and the possible repeat is logged.
    this.#options.warn(
      `could not read the channel back far enough (more than ${maxPages} pages of ${pageSize} messages since it was queued) to see whether an earlier attempt was shown; posting it, it may be shown twice`,
      { secret: this.#target.secret, channel: this.#target.channel, id: context.id },
    );
    return false;
  }

  /** One POST to a Web API method, read into a {@link Reply}; never throws. */
  async #send(method: string, contentType: string, body: string, deadline: number): Promise<Reply> {
    const remaining = deadline - this.#options.now();
    if (remaining <= 0) return { kind: "no-reply", problem: "out of time for this post" };
    const timeoutMs = Math.min(this.#options.timeoutMs, remaining);
    try {
      const response = await fetch(`${this.#target.api}${method}`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.#token}`, "content-type": contentType },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (response.status === 429)
        return {
          kind: "rate-limited",
          status: 429,
          waitMs: retryAfterMs(response.headers.get("retry-after")),
        };
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const answer = parsed as
        | { ok?: unknown; error?: unknown; needed?: unknown; provided?: unknown }
        | undefined;
      if (typeof answer === "object" && answer !== null && typeof answer.ok === "boolean") {
        if (answer.ok && response.status < 300)
          return { kind: "ok", data: answer as Record<string, unknown> };
        if (!answer.ok && response.status < 500) {
          const needed = scopes(answer.needed);
          const provided = scopes(answer.provided);
          return {
            kind: "error",
            status: response.status,
            error: word(answer.error) ?? "an unrecognised error",
            ...(needed ? { needed } : {}),
            ...(provided ? { provided } : {}),
          };
        }
      }
      return { kind: "http", status: response.status, text: redactedExcerpt(text, (t) => this.#redact(t)) };
    } catch (error) {
      // fetch rejects a timed-out or aborted request with a DOMException, which has no subclasses.
      const timedOut =
        error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
      return {
        kind: "no-reply",
        problem: timedOut
          ? `no answer within ${timeoutMs} ms`
          : `network error (${this.#redact(error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : "unknown")})`,
      };
    }
  }

  #configError(method: string, reply: Extract<Reply, { kind: "error" }>, attempts: number): SlackApiError {
    const scope =
      reply.error === "missing_scope" && reply.needed
        ? `: ${method} needs ${reply.needed}${reply.provided ? ` (the token has ${reply.provided})` : ""}; add it under "OAuth & Permissions" and reinstall the app`
        : "";
    return this.#error(
      `Slack refuses ${method} for channel ${this.#target.channel}: ${reply.error} — ${CONFIG_ERRORS[reply.error]}${scope}. The message stays in the outbox until this is fixed`,
      "config",
      { status: reply.status, error: reply.error },
      attempts,
    );
  }

  #error(
    text: string,
    kind: SlackApiFailure,
    detail: { status?: number | undefined; error?: string | undefined },
    attempts: number,
  ): SlackApiError {
    return new SlackApiError(
      `secret ${this.#target.secret}: ${this.#redact(text)}`,
      this.#target.secret,
      kind,
      detail.error,
      detail.status,
      attempts,
    );
  }

  /** Error texts from the network stack or a proxy may quote the token or a part of it. */
  #redact(text: string): string {
    return this.#secrets.reduce((redacted, secret) => redacted.replaceAll(secret, "[token]"), text);
  }

  toJSON(): object {
    return {
      type: "SlackApi",
      secret: this.#target.secret,
      channel: this.#target.channel,
      token: "[secret]",
    };
  }
}
