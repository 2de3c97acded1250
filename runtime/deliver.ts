import { DEFAULT_CHANNEL, type FlowLog, type FlowResult, type OutgoingMessage } from "../core/flow.ts";
import type { Notifier } from "../core/notify/index.ts";
import { type StateTable, stateKeys, takeRateToken } from "../core/state/index.ts";

/** What the delivery step did with a flow's messages (added to the handler's response). */
export interface Delivery {
  /** `<channel>: <text>` of each message posted. */
  readonly sent: string[];
  /** Text of each message left out by its channel's rate limit. */
  readonly dropped: string[];
}

export interface DeliveryTargets {
  readonly state: StateTable;
  /** The notifier of a channel (a webhook secret's name). */
  notifierFor(channel: string): Notifier;
  readonly log: FlowLog;
}

/**
 * The one step that delivers every flow's Slack messages: a "tell once" message is skipped when
 * it was already told, a rate-limited one is dropped (and logged) past its channel's limit, the
 * rest are posted to their channel. Returns the summary with what was delivered.
 *
 * @example
 * return deliver(await runRedeploy(event, context), runtime);
 */
export async function deliver<Summary extends object>(
  result: FlowResult<Summary>,
  targets: DeliveryTargets,
): Promise<Summary | (Summary & Delivery)> {
  if (result.messages.length === 0) return result.summary;
  const delivery: Delivery = { sent: [], dropped: [] };
  for (const outgoing of result.messages) await deliverOne(outgoing, targets, delivery);
  return { ...result.summary, ...delivery };
}

async function deliverOne(outgoing: OutgoingMessage, targets: DeliveryTargets, delivery: Delivery) {
  const channel = outgoing.channel ?? DEFAULT_CHANNEL;
  const { message } = outgoing;
  if (outgoing.once) {
    const { kind, id, seconds } = outgoing.once;
    if (!(await targets.state.claim(stateKeys.once(kind, id), seconds))) return;
  }
  if (
    outgoing.rateLimitPerMinute !== undefined &&
    !(await takeRateToken(targets.state, channel, outgoing.rateLimitPerMinute))
  ) {
    targets.log.warn("Slack rate limit reached: message dropped", { channel, text: message.text });
    delivery.dropped.push(message.text);
    return;
  }
  await targets.notifierFor(channel).post(message);
  delivery.sent.push(`${channel}: ${message.text}`);
}
