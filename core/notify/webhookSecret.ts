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
  const url = (() => {
    try {
      return new URL(trimmed);
    } catch {
      // URL's TypeError carries the value as `input`: it must not travel.
      throw new WebhookSecretError(secret, "it is not a URL");
    }
  })();
  if (url.protocol !== "https:" && url.protocol !== "http:")
    // Not even the scheme is quoted: a pasted token ("xoxb-…:…") would show in it.
    throw new WebhookSecretError(secret, "it is not an http(s) URL");
  if (!url.hostname) throw new WebhookSecretError(secret, "it names no host");
  return { kind: "slack", url: trimmed };
}
