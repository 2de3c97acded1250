/**
 * The shape every flow shares: what a flow's core entry receives ({@link FlowContext}) and what
 * it returns ({@link FlowResult}: a JSON-able summary and the Slack messages to deliver). The
 * Lambda entries and the CLI build the context (runtime/) and deliver the messages in one shared
 * step; a flow never posts to Slack itself.
 */
import type { AwsClients } from "./aws/clients.ts";
import type { AutopilotConfig } from "./config/AutopilotConfig.ts";
import type { SlackMessage } from "./notify/SlackMessage.ts";
import type { StateTable } from "./state/StateTable.ts";

/** Structured logging, as Powertools' Logger offers it (and a no-op or console locally). */
export interface FlowLog {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** Everything a flow's core entry needs from its environment. */
export interface FlowContext {
  readonly clients: AwsClients;
  readonly state: StateTable;
  readonly config: AutopilotConfig;
  /** Print the plan, change nothing. */
  readonly dryRun: boolean;
  readonly log: FlowLog;
  /** Time left in the Lambda invocation, when there is one. */
  readonly remainingTimeMs?: () => number;
}

/** The name of the default Slack channel's webhook secret. */
export const DEFAULT_CHANNEL = "SlackWebhookUrl";

/** A Slack message a flow wants delivered. */
export interface OutgoingMessage {
  readonly message: SlackMessage;
  /** The webhook secret naming the channel (monitor routes); default {@link DEFAULT_CHANNEL}. */
  readonly channel?: string;
  /** Tell once per `kind`/`id` within `seconds` (e.g. an invalid schedule, once a month). */
  readonly once?: { readonly kind: string; readonly id: string; readonly seconds: number };
  /** At most this many messages per minute to the channel; more are dropped and logged. */
  readonly rateLimitPerMinute?: number;
  /**
   * What makes this message another one than an earlier message of the same event with the same
   * text (its outcome, without times or anything else a retry would say differently): part of the
   * message's id, by which Notify posts it once. Without it, the text alone tells messages apart.
   */
  readonly identity?: string;
  /**
   * Run by the delivery step once this message is durably handed over (queued in the outbox;
   * locally, posted) — never when it was not (the send failed, Slack did not take it, the rate
   * limit dropped it, or another invocation tells it): records that its news was told, so that a
   * retry of the event does not tell it again. It must be safe to repeat; a failure is logged and
   * never fails the delivery (the worst case is the news told twice, never lost).
   */
  readonly afterQueued?: () => Promise<void>;
}

/** What a flow's core entry returns: its JSON-able summary and the messages to deliver. */
export interface FlowResult<Summary extends object = Record<string, unknown>> {
  readonly summary: Summary;
  readonly messages: readonly OutgoingMessage[];
  /**
   * Set when (part of) the work failed: after the messages are delivered, the invocation fails
   * with it, so that Lambda retries it and finally dead-letters it — it never reports success.
   */
  readonly failure?: Error;
  /**
   * Work that must wait until the messages are queued, run by the delivery step right after
   * (before `failure` is thrown): forgetting a released push, whose retry would otherwise find
   * nothing to report if its message could not be queued. If it throws, the invocation fails.
   */
  readonly afterDelivery?: () => Promise<void>;
}

/** A result with nothing to tell. */
export const quietResult = <Summary extends object>(summary: Summary): FlowResult<Summary> => ({
  summary,
  messages: [],
});
