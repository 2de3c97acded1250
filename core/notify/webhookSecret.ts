import { AutopilotError } from "../errors.ts";

/**
 * The value of a webhook secret that means "no Slack: write the messages to the log". It is the
 * secrets' placeholder in infra/, so `sst deploy` works before any webhook is set.
 */
export const LOG_INSTEAD = "none";

/** A webhook secret's value is neither {@link LOG_INSTEAD} nor an http(s) URL. Never carries the value. */
export class WebhookSecretError extends AutopilotError {
  override readonly name = "WebhookSecretError";
  readonly code = "secret-invalid";
  constructor(
    /** The secret's name (`SlackWebhookUrl`, a route's `SlackWebhookUrlPayments`, or `SLACK_WEBHOOK_URL`). */
    readonly secret: string,
    /** What is wrong, without the value. */
    readonly problem: string,
  ) {
    super(
      `secret ${secret} is not usable: ${problem}. Set it to a Slack incoming-webhook URL, or to "${LOG_INSTEAD}" to write messages to the log instead`,
    );
  }
}

/** Where a webhook secret sends messages. */
export type WebhookTarget = { readonly kind: "log" } | { readonly kind: "slack"; readonly url: string };

/**
 * What keeps `value` from being a webhook URL, or undefined when it is one: an http(s) URL with a
 * host. The one test both the secret's check and SlackWebhook apply, so a URL one takes the other
 * takes too. Read with URL.parse, never `new URL(…)`, whose TypeError keeps the value in `input`;
 * the problem never quotes the value, not even its scheme (a pasted token "xoxb-…:…" would show).
 *
 * @example
 * webhookUrlProblem("hooks.slack.com/x"); // "it is not a URL"
 */
export function webhookUrlProblem(value: string): string | undefined {
  const url = URL.parse(value);
  if (!url) return "it is not a URL";
  if (url.protocol !== "https:" && url.protocol !== "http:") return "it is not an http(s) URL";
  if (!url.hostname) return "it names no host";
  return undefined;
}

/**
 * Reads a webhook secret's value: {@link LOG_INSTEAD} (or nothing) means the log, an http(s) URL
 * means Slack. Anything else is a {@link WebhookSecretError} naming the secret and the problem —
 * never the value, which is a credential (not even through a parser error's `input`).
 *
 * @example
 * webhookTarget("SlackWebhookUrl", "none"); // { kind: "log" }
 * webhookTarget("SlackWebhookUrl", "hooks.slack.com/x"); // throws: "secret SlackWebhookUrl is not usable: it is not a URL …"
 */
export function webhookTarget(secret: string, value: string | undefined): WebhookTarget {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "" || trimmed === LOG_INSTEAD) return { kind: "log" };
  const problem = webhookUrlProblem(trimmed);
  if (problem) throw new WebhookSecretError(secret, problem);
  return { kind: "slack", url: trimmed };
}
