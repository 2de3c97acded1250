import { describeError } from "../core/errors.ts";
import type { FlowLog } from "../core/flow.ts";
import { type Notifier, OutboxMessage, type PostContext, SlackApiError } from "../core/notify/index.ts";
import {
  acquireLease,
  completeLease,
  REDRIVE_HORIZON_SECONDS,
  releaseLease,
  type StateTable,
  stateKeys,
} from "../core/state/index.ts";

/** An SQS record as the Notify function receives it (only what it reads). */
export interface OutboxRecord {
  readonly messageId: string;
  readonly body: string;
  /**
   * SQS's system attributes, as Lambda's event source passes them: a record received before
   * (`ApproximateReceiveCount` > 1) may already have been posted, and not before `SentTimestamp`.
   */
  readonly attributes?: {
    readonly ApproximateReceiveCount?: string;
    readonly SentTimestamp?: string;
  };
}

/**
 * What the notifier may know about a record's earlier deliveries. Without attributes (a caller
 * that does not say) it is treated as possibly posted, from an hour back: a bot-token notifier
 * then reads the channel before posting; a webhook ignores it.
 */
export function postContextOf(record: OutboxRecord, id: string, now = Date.now()): PostContext {
  const receives = Number(record.attributes?.ApproximateReceiveCount);
  const sent = Number(record.attributes?.SentTimestamp);
  return {
    id,
    mayHavePosted: !(Number.isInteger(receives) && receives === 1),
    queuedAt: Number.isFinite(sent) && sent > 0 ? sent : now - UNKNOWN_QUEUED_MS,
  };
}
/** How far back a record that does not say when it was queued is read back. */
const UNKNOWN_QUEUED_MS = 60 * 60 * 1000;

/** SQS's partial batch response: the records to deliver again (ReportBatchItemFailures). */
export interface OutboxResult {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
  readonly posted: number;
  readonly alreadyPosted: number;
}

/**
 * How long a posted message is remembered: past any redelivery of the outbox queue and any redrive
 * of its dead letters (kept 14 days from the message's first enqueue: SQS keeps a standard queue's
 * enqueue time when it moves a message to its DLQ), so a letter redriven late is not posted again.
 */
export const POSTED_SECONDS = REDRIVE_HORIZON_SECONDS;
/** A post in flight holds its message this long; a concurrent copy waits for its next receive. */
const POSTING_LEASE_SECONDS = 60;

/**
 * Posts the outbox's messages to Slack, each once: a message already posted (the same id, from a
 * retried event or a duplicate SQS delivery) is skipped; a message Slack does not take stays in
 * the queue (SQS delivers it again after its visibility timeout, and after its last receive it
 * lands in the outbox's DLQ, where `ecs-autopilot dlq` shows and redrives it). A Slack outage
 * therefore neither loses a message nor holds up the flow that produced it.
 *
 * @example
 * return postOutbox(event.Records, { state, notifierFor, log, owner: context.awsRequestId });
 */
export async function postOutbox(
  records: readonly OutboxRecord[],
  targets: {
    readonly state: StateTable;
    notifierFor(channel: string): Notifier;
    readonly log: FlowLog;
    /** This invocation (holds the posting leases). */
    readonly owner: string;
  },
): Promise<OutboxResult> {
  const failures: Array<{ itemIdentifier: string }> = [];
  let posted = 0;
  let alreadyPosted = 0;
  for (const record of records) {
    let parsed: ReturnType<typeof OutboxMessage.safeParse>;
    try {
      parsed = OutboxMessage.safeParse(JSON.parse(record.body));
    } catch {
      parsed = OutboxMessage.safeParse(undefined);
    }
    if (!parsed.success) {
      // It would fail the same way every time: let it reach the DLQ, where it can be read.
      targets.log.error("outbox message is not valid", { messageId: record.messageId });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const message = parsed.data;
    const key = stateKeys.delivered(message.id);
    const lease = await acquireLease(targets.state, key, targets.owner, {
      leaseSeconds: POSTING_LEASE_SECONDS,
    });
    if (!lease.acquired) {
      if (lease.holder.status === "done") alreadyPosted++;
      else failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const remember = (what: string) =>
      completeLease(targets.state, key, targets.owner, { ttlSeconds: POSTED_SECONDS }).catch(
        (error: unknown) =>
          targets.log.error(`${what}, but could not remember it`, { error: describeError(error) }),
      );
    // A flow that could not tell whether its message was queued (the queue's reply lost) gives
    // its claim back, and the next event of the same cause queues another copy under another
    // id: the claim's own record here shows the cause once. Its holder is the message id, so a
    // redelivery of the same message may take it again.
    const told = message.once?.seconds ? stateKeys.told(message.once.kind, message.once.id) : undefined;
    if (told) {
      const claim = await acquireLease(targets.state, told, message.id, {
        leaseSeconds: POSTING_LEASE_SECONDS,
      });
      if (!claim.acquired) {
        if (claim.holder.status === "done") {
          targets.log.info("another message already told this; not posted again", {
            flow: message.flow,
            once: message.once?.kind,
          });
          alreadyPosted++;
          await remember("skipped as told");
        } else {
          await releaseLease(targets.state, key, targets.owner).catch(() => undefined);
          failures.push({ itemIdentifier: record.messageId });
        }
        continue;
      }
    }
    try {
      await targets
        .notifierFor(message.channel)
        .post(message.message as Parameters<Notifier["post"]>[0], postContextOf(record, message.id));
    } catch (error) {
      if (error instanceof SlackApiError && error.kind === "config")
        // A person must fix the Slack app or the secret: said at error level, the secret named.
        targets.log.error("Slack refuses the channel's secret; the message stays in the outbox", {
          secret: error.secret,
          slackError: error.slackError,
          flow: message.flow,
          error: describeError(error),
        });
      else
        targets.log.warn("Slack did not take the message; it stays in the outbox", {
          channel: message.channel,
          flow: message.flow,
          error: describeError(error),
        });
      if (told) await releaseLease(targets.state, told, message.id).catch(() => undefined);
      await releaseLease(targets.state, key, targets.owner).catch(() => undefined);
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    posted++;
    // Posted: if remembering it fails, a redelivery may post it again (at least once, never lost).
    if (told && message.once)
      await completeLease(targets.state, told, message.id, { ttlSeconds: message.once.seconds }).catch(
        (error: unknown) =>
          targets.log.error("posted, but could not remember that its cause was told", {
            error: describeError(error),
          }),
      );
    await remember("posted");
  }
  return { batchItemFailures: failures, posted, alreadyPosted };
}
