import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { AutopilotError, describeError } from "../core/errors.ts";
import { DEFAULT_CHANNEL, type FlowLog, type FlowResult, type OutgoingMessage } from "../core/flow.ts";
import type { Notifier, OutboxMessage } from "../core/notify/index.ts";
import {
  acquireLease,
  completeLease,
  expiresIn,
  REDRIVE_HORIZON_SECONDS,
  releaseLease,
  type StateTable,
  stateKeys,
  takeRateToken,
} from "../core/state/index.ts";
import { postOutbox } from "./postOutbox.ts";

/** What the delivery step did with a flow's messages (added to the handler's response). */
export interface Delivery {
  /** `<channel>: <text>` of each message posted (no outbox: local runs) or queued for posting. */
  readonly sent: string[];
  /** Text of each message left out by its channel's rate limit. */
  readonly dropped: string[];
  /** Text of each message that could not be posted locally (Slack down; no outbox to keep it). */
  readonly undelivered?: string[];
}

/**
 * Some messages could not be handed to the outbox (or, where delivery is required without one,
 * Slack did not take them): the invocation fails and is retried.
 */
export class DeliveryError extends AutopilotError {
  override readonly name = "DeliveryError";
  readonly code = "delivery-failed";
  constructor(
    readonly failures: readonly string[],
    what: "could not be queued" | "undelivered" = "could not be queued",
  ) {
    super(`${failures.length} message(s) ${what}: ${failures.join("; ")}`);
  }
}

export interface DeliveryTargets {
  readonly state: StateTable;
  /** The notifier of a channel (a webhook secret's name): local runs post directly. */
  notifierFor(channel: string): Notifier;
  readonly log: FlowLog;
  /** The durable outbox (deployed): messages are queued there and posted by the Notify function. */
  readonly outbox?: { readonly sqs: SQSClient; readonly queueUrl: string };
  readonly flow: string;
  /** The event being handled: a retry of the same event produces the same message ids. */
  readonly eventId: string;
  /**
   * No outbox, but delivery is required (`dlq redrive`: the letter is deleted only when what the
   * replay had to tell reached Slack). Each message is posted as the Notify function posts an
   * outbox message — once by its id, remembered in the state table, so one the deployed Notify
   * function or an earlier redrive posted is not posted again — and a message Slack does not take
   * fails the invocation ({@link DeliveryError}), as a message the outbox does not take does.
   */
  readonly requireDelivery?: boolean;
  /**
   * A dry run on the command line (`invoke --dry-run`, `dlq redrive --dry-run`): each message is
   * only printed by the given notifier; nothing is claimed as told, rate-counted or queued, and
   * neither `afterQueued` nor `afterDelivery` runs, so the state table is left as it was.
   */
  readonly printOnly?: boolean;
}

/**
 * The flows whose retry cannot see what an earlier attempt of the same event did: they plan again
 * from what AWS shows now, where their own change is already made (the policy's rollback, a
 * schedule's scheduled actions, the week's right-sizing step), and would tell nothing, or "nothing
 * was rolled back". When the outbox does not take such a flow's report, the report is kept under
 * the event id ({@link keepReport}) and the retry tells it ({@link deliverKeptReport}). Redeploy
 * records what it told itself (`afterQueued`, `afterDelivery`); the monitor decides again from its
 * stop markers, and the index tells nothing.
 */
export const REPORT_KEEPING_FLOWS: ReadonlySet<string> = new Set(["policy", "schedule", "rightsize"]);

/** What is kept of a message the outbox did not take (its callbacks cannot be kept). */
type KeptMessage = Pick<OutgoingMessage, "channel" | "message" | "once" | "rateLimitPerMinute" | "identity">;

/** A kept report's summary above this is kept as `{ truncated: true }` (DynamoDB items: 400 KB). */
const MAX_KEPT_SUMMARY = 64_000;

/** How long a "tell once" claim is held while its message is being queued. */
const ONCE_LEASE_SECONDS = 60;

/**
 * The stable id of a message: same flow, event, channel, text and identity (`OutgoingMessage.identity`,
 * when the flow gives one) → same id (posted once).
 */
export function messageId(
  flow: string,
  eventId: string,
  channel: string,
  text: string,
  identity?: string,
): string {
  return createHash("sha256")
    .update(
      `${flow}\u0000${eventId ?? ""}\u0000${channel}\u0000${text}${identity === undefined ? "" : `\u0000${identity}`}`,
    )
    .digest("hex")
    .slice(0, 40);
}

/**
 * The one step that delivers every flow's Slack messages, then fails the invocation when the flow
 * reported a failure (so it is retried and dead-lettered, never reported as success).
 *
 * - Deployed, messages go to the outbox queue; the Notify function posts them with its own
 *   retries and DLQ, so a Slack outage neither loses a message nor delays or fails the flow.
 *   Locally (no outbox), they are posted at once; a Slack failure is reported, not thrown.
 * - "Tell once" is decided after delivery: the claim is taken as a short lease, the message is
 *   queued, and only then is the claim kept for its period. A failure gives the lease back, so
 *   the retry tells it; a concurrent invocation with the same message stays quiet.
 * - A message's `afterQueued` runs once it is handed over (never when it was not), so a flow can
 *   record what it told: the redeploy flow's retry does not tell a deploy its earlier attempt told.
 * - A rate-limited message past its channel's limit is dropped and logged.
 *
 * @example
 * return deliver(await runRedeploy(event, context), targets);
 */
export async function deliver<Summary extends object>(
  result: FlowResult<Summary>,
  targets: DeliveryTargets,
): Promise<Summary | (Summary & Delivery)> {
  let response: Summary | (Summary & Delivery) = result.summary;
  if (targets.printOnly) {
    for (const { channel = DEFAULT_CHANNEL, message } of result.messages)
      await targets.notifierFor(channel).post(message);
    if (result.failure) throw result.failure;
    return response;
  }
  if (result.messages.length > 0) {
    const delivery = { sent: [] as string[], dropped: [] as string[], undelivered: [] as string[] };
    const failures: string[] = [];
    const failed: OutgoingMessage[] = [];
    for (const outgoing of result.messages) {
      try {
        await deliverOne(outgoing, targets, delivery);
      } catch (error) {
        failures.push(`${outgoing.message.text.slice(0, 80)}: ${describeError(error)}`);
        failed.push(outgoing);
      }
    }
    const { undelivered, ...rest } = delivery;
    response = { ...result.summary, ...rest, ...(undelivered.length > 0 ? { undelivered } : {}) };
    if (failures.length > 0) {
      targets.log.error("messages could not be delivered; the invocation fails and is retried", {
        failures,
      });
      await keepReport(result, failed, targets);
      throw new DeliveryError(failures, targets.requireDelivery ? "undelivered" : "could not be queued");
    }
  }
  // Only once everything the flow had to tell is queued (a failed delivery threw above).
  if (result.afterDelivery) await result.afterDelivery();
  if (result.failure) {
    targets.log.error("the flow failed; the invocation fails so that it is retried", {
      error: describeError(result.failure),
      summary: result.summary,
    });
    throw result.failure;
  }
  return response;
}

/**
 * Keeps what a report-keeping flow ({@link REPORT_KEEPING_FLOWS}) could not hand over, under its
 * event id, for the redrive horizon: the messages, the summary, and whether the flow's work was
 * complete. Not kept (the retry then plans again, as other flows do) when the flow has work that
 * waits for delivery, when it cannot be written, or when nothing keeps messages (a local run).
 */
async function keepReport(
  result: FlowResult<object>,
  failed: readonly OutgoingMessage[],
  targets: DeliveryTargets,
): Promise<void> {
  if (!REPORT_KEEPING_FLOWS.has(targets.flow) || !(targets.outbox || targets.requireDelivery)) return;
  if (result.afterDelivery || failed.some((m) => m.afterQueued)) return;
  const messages: KeptMessage[] = failed.map(({ channel, message, once, rateLimitPerMinute, identity }) => ({
    ...(channel ? { channel } : {}),
    message,
    ...(once ? { once } : {}),
    ...(rateLimitPerMinute !== undefined ? { rateLimitPerMinute } : {}),
    ...(identity !== undefined ? { identity } : {}),
  }));
  const summary = JSON.stringify(result.summary);
  try {
    // Never over another attempt's report: that one saw the account before this attempt planned
    // (a retry tells a kept report before it plans; only a run beside it could get here).
    await targets.state.put(
      {
        ...stateKeys.keptReport(targets.flow, targets.eventId),
        kind: "kept-report",
        complete: !result.failure,
        summary: summary.length <= MAX_KEPT_SUMMARY ? summary : JSON.stringify({ truncated: true }),
        messages: JSON.stringify(messages),
        expiration: expiresIn(REDRIVE_HORIZON_SECONDS),
      },
      { ConditionExpression: "attribute_not_exists(pk)" },
    );
    targets.log.info("the report is kept: a retry of this event tells it", { messages: messages.length });
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      targets.log.warn("another attempt's report is kept already; it is the one the retry tells");
      return;
    }
    targets.log.error("the report could not be kept; a retry plans again from what AWS shows", {
      error: describeError(error),
    });
  }
}

/**
 * First step of a retried event of a report-keeping flow ({@link REPORT_KEEPING_FLOWS}): tells
 * the report an earlier attempt kept ({@link keepReport}), then forgets it — only where the
 * delivery is durable (the outbox, or `dlq redrive`'s required delivery); a dry run or a local
 * `invoke` shows it and leaves it kept. When that attempt's work was complete, its summary (with what was sent, and `reportOf: "earlier attempt"`) is the
 * answer and the flow does not run again; otherwise the flow runs on. What still cannot be handed
 * over stays kept and fails the invocation ({@link DeliveryError}). Undefined: nothing was kept.
 */
export async function deliverKeptReport(
  targets: DeliveryTargets,
): Promise<{ readonly complete: boolean; readonly told: boolean; readonly response: object } | undefined> {
  if (!REPORT_KEEPING_FLOWS.has(targets.flow)) return undefined;
  const key = stateKeys.keptReport(targets.flow, targets.eventId);
  const kept = await targets.state.get<{ complete?: boolean; summary?: string; messages?: string }>(key);
  if (!kept) return undefined;
  const messages = JSON.parse(kept.messages ?? "[]") as KeptMessage[];
  const summary = JSON.parse(kept.summary ?? "{}") as object;
  const delivery = { sent: [] as string[], dropped: [] as string[], undelivered: [] as string[] };
  if (targets.printOnly || !(targets.outbox || targets.requireDelivery)) {
    // A dry run, or a local run whose messages nothing keeps: the report is shown (a dry run shows
    // what a redrive would tell) or offered to Slack here, and stays kept, untouched, for the
    // deployed retry or `dlq redrive`, whose delivery is durable. No "told once" claim is taken.
    for (const { channel = DEFAULT_CHANNEL, message } of messages) {
      try {
        await targets.notifierFor(channel).post(message);
        delivery.sent.push(`${channel}: ${message.text}`);
      } catch (error) {
        targets.log.error("Slack did not take the kept message", { channel, error: describeError(error) });
        delivery.undelivered.push(message.text);
      }
    }
    const { undelivered, ...rest } = delivery;
    return {
      complete: kept.complete === true,
      told: false,
      response: {
        ...summary,
        ...(targets.printOnly ? {} : rest),
        ...(undelivered.length > 0 ? { undelivered } : {}),
        reportOf: "earlier attempt",
        keptReport: "still kept: the deployed function's retry or `dlq redrive` tells it",
      },
    };
  }
  const failures: string[] = [];
  const failed: KeptMessage[] = [];
  for (const message of messages) {
    try {
      await deliverOne(message, targets, delivery);
    } catch (error) {
      failures.push(`${message.message.text.slice(0, 80)}: ${describeError(error)}`);
      failed.push(message);
    }
  }
  if (failures.length > 0) {
    targets.log.error("the kept report could not be delivered; it stays kept", { failures });
    // Only what is still not handed over stays (a put: the policy function has no UpdateItem).
    if (failed.length < messages.length)
      await targets.state.put({ ...kept, ...key, messages: JSON.stringify(failed) });
    throw new DeliveryError(failures, targets.requireDelivery ? "undelivered" : "could not be queued");
  }
  await targets.state.delete(key);
  targets.log.info("told the report an earlier attempt of this event kept", { messages: messages.length });
  const { undelivered, ...rest } = delivery;
  return {
    complete: kept.complete === true,
    told: true,
    response: {
      ...summary,
      ...rest,
      ...(undelivered.length > 0 ? { undelivered } : {}),
      reportOf: "earlier attempt",
    },
  };
}

async function deliverOne(
  outgoing: KeptMessage & Pick<OutgoingMessage, "afterQueued">,
  targets: DeliveryTargets,
  delivery: { sent: string[]; dropped: string[]; undelivered: string[] },
): Promise<void> {
  const channel = outgoing.channel ?? DEFAULT_CHANNEL;
  const { message } = outgoing;
  const owner = `${targets.flow}#${targets.eventId}`;
  const once = outgoing.once ? stateKeys.once(outgoing.once.kind, outgoing.once.id) : undefined;
  if (once) {
    const lease = await acquireLease(targets.state, once, owner, { leaseSeconds: ONCE_LEASE_SECONDS });
    // Told already, or being told right now by another invocation.
    if (!lease.acquired) return;
  }
  const id = messageId(targets.flow, targets.eventId, channel, message.text, outgoing.identity);
  const keep = async () => {
    if (once && outgoing.once)
      await completeLease(targets.state, once, owner, { ttlSeconds: outgoing.once.seconds });
  };
  try {
    if (
      outgoing.rateLimitPerMinute !== undefined &&
      !(await takeRateToken(targets.state, channel, outgoing.rateLimitPerMinute, id))
    ) {
      targets.log.warn("Slack rate limit reached: message dropped", { channel, text: message.text });
      delivery.dropped.push(message.text);
      await keep();
      return;
    }
    const body: OutboxMessage = {
      id,
      channel,
      flow: targets.flow,
      eventId: targets.eventId,
      ...(outgoing.once ? { once: outgoing.once } : {}),
      message: { text: message.text, blocks: message.blocks as OutboxMessage["message"]["blocks"] },
    };
    if (targets.outbox) {
      await targets.outbox.sqs.send(
        new SendMessageCommand({ QueueUrl: targets.outbox.queueUrl, MessageBody: JSON.stringify(body) }),
      );
    } else if (targets.requireDelivery) {
      await postRequired(body, targets);
    } else {
      try {
        // The id lets a bot-token notifier read the channel back after an attempt whose reply was lost.
        await targets.notifierFor(channel).post(message, { id, mayHavePosted: false, queuedAt: Date.now() });
      } catch (error) {
        // Locally there is no outbox to keep it: say so, never fail the action that already happened.
        targets.log.error("Slack did not take the message", { channel, error: describeError(error) });
        delivery.undelivered.push(message.text);
        if (once) await releaseLease(targets.state, once, owner);
        return;
      }
    }
    delivery.sent.push(`${channel}: ${message.text}`);
    await keep();
  } catch (error) {
    if (once) await releaseLease(targets.state, once, owner).catch(() => undefined);
    throw error;
  }
  // Handed over: what it told is recorded as told. Not recorded, a retry may tell it again (twice, never lost).
  await outgoing.afterQueued?.().catch((error: unknown) =>
    targets.log.warn("a queued message's news was not recorded as told; a retry may tell it again", {
      channel,
      error: describeError(error),
    }),
  );
}

/**
 * Posts one message where delivery is required and there is no outbox: through the Notify
 * function's own step ({@link postOutbox}: posted once by its id, a bot token reads the channel
 * back first, since an earlier attempt may have posted it). Throws when Slack did not take it,
 * with Slack's reason.
 */
async function postRequired(body: OutboxMessage, targets: DeliveryTargets): Promise<void> {
  let reason = "another invocation is posting it right now";
  const result = await postOutbox(
    // Received "before": it may have been posted by the deployed flow or an earlier redrive.
    [{ messageId: body.id, body: JSON.stringify(body), attributes: { ApproximateReceiveCount: "2" } }],
    {
      state: targets.state,
      log: targets.log,
      owner: `${targets.flow}#${targets.eventId}`,
      notifierFor: (channel) => ({
        post: (message, context) =>
          targets
            .notifierFor(channel)
            .post(message, context)
            .catch((error: unknown) => {
              reason = describeError(error);
              throw error;
            }),
      }),
    },
  );
  if (result.batchItemFailures.length > 0) throw new NotPostedError(reason);
}

/** A message that had to be posted and was not (the reason is Slack's, or who holds it). */
class NotPostedError extends Error {
  override readonly name = "not posted";
}
