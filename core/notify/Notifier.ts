import type { SlackMessage } from "./SlackMessage.ts";

/**
 * What a notifier may know about the message it posts, when it comes from the outbox: enough for
 * a sender that can read the channel back (the Slack Web API, {@link SlackApi}) to post it once
 * even when an earlier attempt's outcome is unknown. A webhook cannot use it and ignores it.
 */
export interface PostContext {
  /** The message's stable id (the outbox message id): the same message always has the same id. */
  readonly id: string;
  /**
   * An earlier delivery may already have reached Slack: the SQS record was received before
   * (`ApproximateReceiveCount` > 1), or it is a dead letter being redriven.
   */
  readonly mayHavePosted: boolean;
  /** When the message was queued (epoch ms, the record's `SentTimestamp`): no post of it is older. */
  readonly queuedAt: number;
}

/**
 * Where messages go: a Slack incoming webhook, the Slack Web API, or the terminal for local runs.
 *
 * @example
 * await notifier.post(message, { id: "4f1c…", mayHavePosted: false, queuedAt: Date.now() });
 */
export interface Notifier {
  post(message: SlackMessage, context?: PostContext): Promise<void>;
}
