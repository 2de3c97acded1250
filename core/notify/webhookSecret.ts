import { AutopilotError } from "../errors.ts";

/**
 * The value of a webhook secret that means "no Slack: write the messages to the log". It is the
 * secrets' placeholder in infra/, so `sst deploy` works before any webhook is set.
 */
export const LOG_INSTEAD = "none";

/** Where the Slack Web API is, unless a bot-token secret names another base (`"api"`). */
export const SLACK_API_URL = "https://slack.com/api/";

/** The shape a bot-token secret takes, as the error messages and the README spell it. */
export const BOT_TOKEN_FORM = '{"token":"xoxb-…","channel":"C…"}';

/**
 * A webhook secret's value is none of {@link LOG_INSTEAD}, an http(s) URL or a bot token with its
 * channel. Never carries the value.
 */
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
      `secret ${secret} is not usable: ${problem}. Set it to a Slack incoming-webhook URL, to a bot token and its channel as ${BOT_TOKEN_FORM}, or to "${LOG_INSTEAD}" to write messages to the log instead`,
    );
  }
}

/** Where a webhook secret sends messages. */
export type WebhookTarget =
  | { readonly kind: "log" }
  /** An incoming webhook (core/notify/SlackWebhook.ts). */
  | { readonly kind: "slack"; readonly url: string }
  /** The Web API with a bot token, posting to one channel (core/notify/SlackApi.ts). */
  | {
      readonly kind: "slack-api";
      readonly token: string;
      /** The channel's ID (`C…`; `G…` for an older private channel). */
      readonly channel: string;
      /** The Web API's base URL, ending in `/`. */
      readonly api: string;
    };

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
  // fetch refuses a URL with credentials ("Request cannot be constructed from a URL that includes
  // credentials"), so such a webhook could never post: refused here, naming no part of it.
  if (url.username !== "" || url.password !== "")
    return "it carries a user name or password, which fetch cannot send";
  return undefined;
}

/**
 * A bot token (`xoxb-`: tied to the app's bot, not to a person; api.slack.com/authentication/
 * token-types). A user token (`xoxp-`) would post as a person. An app with token rotation on gets
 * tokens that expire every 12 hours (docs.slack.dev/authentication/using-token-rotation), which a
 * secret set once cannot follow: the README says to leave rotation off.
 */
const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]{8,}$/;
/**
 * A channel's ID: `C…` (public channels, and private ones created since 2021) or `G…` (older
 * private channels). conversations.history takes the conversation's ID, never a `#name`
 * (docs.slack.dev/reference/methods/conversations.history, argument `channel`).
 */
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
const FIELDS = new Set(["token", "channel", "api"]);

/** A bot-token secret's value, read; or what is wrong with it (never quoting it). */
function botTarget(value: string): WebhookTarget | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // The SyntaxError quotes the text around the error: it is dropped, never kept as a cause.
    return "it starts with { but is not valid JSON";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return "it is not a JSON object";
  const fields = parsed as Record<string, unknown>;
  // Field names are not quoted either: a token pasted as a key would show.
  if (Object.keys(fields).some((key) => !FIELDS.has(key)))
    return 'it has a field other than "token", "channel" and "api"';
  const { token, channel, api } = fields;
  if (typeof token !== "string" || token === "") return 'its "token" is missing';
  if (!BOT_TOKEN.test(token))
    return `its "token" is not a bot token (xoxb-…: the app's "Bot User OAuth Token")`;
  if (typeof channel !== "string" || channel === "") return 'its "channel" is missing';
  if (!CHANNEL_ID.test(channel))
    return `its "channel" is not a channel ID (C… or G…, shown in the channel's details; a #name cannot be read back)`;
  if (api !== undefined) {
    const problem = typeof api === "string" ? webhookUrlProblem(api) : "not a string";
    // A proxy's user and password cannot go in the base URL (fetch refuses it, and its error
    // quotes the URL): said as such; any other problem as not being a URL.
    if (problem?.startsWith("it carries")) return `its "api" ${problem.slice("it ".length)}`;
    if (problem) return `its "api" is not an http(s) URL`;
  }
  const base = typeof api === "string" ? api : SLACK_API_URL;
  return { kind: "slack-api", token, channel, api: base.endsWith("/") ? base : `${base}/` };
}

/**
 * Reads a webhook secret's value: {@link LOG_INSTEAD} (or nothing) means the log, an http(s) URL
 * an incoming webhook, and a JSON object with a bot token and a channel ID the Slack Web API
 * (`{"token":"xoxb-…","channel":"C0123ABCD"}`; optionally `"api"`, another base URL than
 * https://slack.com/api/). Anything else is a {@link WebhookSecretError} naming the secret and
 * the problem — never the value, which is a credential (not even through a parser error's
 * `input` or a JSON SyntaxError's excerpt).
 *
 * @example
 * webhookTarget("SlackWebhookUrl", "none"); // { kind: "log" }
 * webhookTarget("SlackWebhookUrl", '{"token":"xoxb-1-2-abcdef","channel":"C0123ABCD"}'); // { kind: "slack-api", … }
 * webhookTarget("SlackWebhookUrl", "hooks.slack.com/x"); // throws: "secret SlackWebhookUrl is not usable: it is not a URL …"
 */
export function webhookTarget(secret: string, value: string | undefined): WebhookTarget {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "" || trimmed === LOG_INSTEAD) return { kind: "log" };
  if (trimmed.startsWith("{")) {
    const target = botTarget(trimmed);
    if (typeof target === "string") throw new WebhookSecretError(secret, target);
    return target;
  }
  const problem = webhookUrlProblem(trimmed);
  if (problem)
    throw new WebhookSecretError(
      secret,
      trimmed.startsWith("xox")
        ? `${problem} (a Slack token goes in JSON with its channel: ${BOT_TOKEN_FORM})`
        : problem,
    );
  return { kind: "slack", url: trimmed };
}
