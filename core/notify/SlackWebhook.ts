import { AutopilotError } from "../errors.ts";
import type { Notifier } from "./Notifier.ts";
import { redactedExcerpt } from "./redactedExcerpt.ts";
import { retryAfterMs } from "./retryAfter.ts";
import type { SlackMessage } from "./SlackMessage.ts";
import { webhookUrlProblem } from "./webhookSecret.ts";

/** Slack refused a message, or did not answer in time after every retry. Never carries the URL. */
export class SlackWebhookError extends AutopilotError {
  override readonly name = "SlackWebhookError";
  readonly code = "slack-delivery-failed";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface SlackWebhookOptions {
  /** Per attempt. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Cap on any single wait, including one asked for by `Retry-After`. */
  readonly maxDelayMs?: number;
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS = { timeoutMs: 5000, maxAttempts: 4, maxDelayMs: 30_000, baseDelayMs: 500 } as const;

/**
 * The longest one post can take with the default options: every attempt times out and every wait
 * is the longest allowed (a `Retry-After` is capped at `maxDelayMs`): 4 × 5 s + 3 × 30 s = 110 s.
 * Function timeouts in infra/ are sized from it.
 */
export const SLACK_POST_WORST_CASE_MS =
  DEFAULTS.maxAttempts * DEFAULTS.timeoutMs + (DEFAULTS.maxAttempts - 1) * DEFAULTS.maxDelayMs;

/**
 * The parts of a webhook URL that are secret, longest first: the URL itself (as given and as
 * normalised), its path (`/services/T…/B…/<token>`: the path is the credential), each path
 * segment but the first (`services`), the query and any user name or password. Encoded forms
 * are included, so a text that quotes them percent-encoded is redacted too.
 */
function secretPartsOf(url: string): string[] {
  const parsed = new URL(url);
  const segments = parsed.pathname.split("/").filter(Boolean).slice(1);
  const parts = [
    url,
    parsed.href,
    `${parsed.host}${parsed.pathname}`,
    parsed.pathname,
    parsed.search,
    parsed.username,
    parsed.password,
    ...segments,
  ].filter((part) => part.length > 1 && part !== "/");
  const withDecoded = parts.flatMap((part) => {
    try {
      return [part, decodeURIComponent(part), encodeURIComponent(part)];
    } catch {
      return [part, encodeURIComponent(part)];
    }
  });
  return [...new Set(withDecoded)].sort((a, b) => b.length - a.length);
}

/**
 * Posts to a Slack incoming webhook: a timeout per attempt, retries on 429 and 5xx (and on
 * network errors) honouring `Retry-After`, exponential backoff otherwise. The URL is a secret:
 * it lives in a private field and never appears in errors, logs or `JSON.stringify`.
 *
 * @example
 * const slack = new SlackWebhook(Resource.SlackWebhookUrl.value);
 * await slack.post(message);
 */
export class SlackWebhook implements Notifier {
  readonly #url: string;
  /** The URL's secret parts, longest first, each replaced wherever a text quotes it. */
  readonly #secrets: readonly string[];
  readonly #options: Required<SlackWebhookOptions>;

  constructor(url: string, options: SlackWebhookOptions = {}) {
    // The same test as the secret's check (webhookTarget): a URL one takes, the other takes too.
    if (webhookUrlProblem(url))
      throw new SlackWebhookError("the Slack webhook URL is not a valid http(s) URL", undefined, 0);
    this.#url = url;
    this.#secrets = secretPartsOf(url);
    this.#options = {
      ...DEFAULTS,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  async post(message: SlackMessage): Promise<void> {
    const { maxAttempts, timeoutMs, maxDelayMs, baseDelayMs, sleep } = this.#options;
    let lastProblem = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let wait: number | undefined;
      try {
        const response = await fetch(this.#url, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          await response.body?.cancel();
          return;
        }
        lastStatus = response.status;
        const body = redactedExcerpt(await response.text(), (text) => this.#redact(text));
        lastProblem = `HTTP ${response.status}${body ? ` (${body})` : ""}`;
        if (response.status !== 429 && response.status < 500)
          throw new SlackWebhookError(
            `Slack rejected the message: ${this.#redact(lastProblem)}`,
            response.status,
            attempt,
          );
        wait = retryAfterMs(response.headers.get("retry-after"));
      } catch (error) {
        if (error instanceof SlackWebhookError) throw error;
        lastStatus = undefined;
        lastProblem =
          // fetch rejects a timed-out or aborted request with a DOMException, which has no subclasses.
          error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")
            ? `no answer within ${timeoutMs} ms`
            : `network error (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : "unknown"})`;
      }
      if (attempt < maxAttempts) await sleep(Math.min(maxDelayMs, wait ?? baseDelayMs * 2 ** (attempt - 1)));
    }
    throw new SlackWebhookError(
      `Slack webhook failed after ${maxAttempts} attempts: ${this.#redact(lastProblem)}`,
      lastStatus,
      maxAttempts,
    );
  }

  /** Error texts from the network stack or a proxy may quote the address or a part of it. */
  #redact(text: string): string {
    return this.#secrets.reduce((redacted, secret) => redacted.replaceAll(secret, "[webhook]"), text);
  }

  toJSON(): object {
    return { type: "SlackWebhook", url: "[secret]" };
  }
}
