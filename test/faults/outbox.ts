/**
 * The Slack outbox as deployed, emulated: the flows queue their messages in an SQS queue
 * (`AUTOPILOT_OUTBOX_QUEUE_URL`), and Lambda's SQS event source hands them to the Notify function
 * in batches (infra/notify.ts); records the function reports as failed (partial batch response)
 * — or every record of an invocation that threw or timed out — are received again after the
 * queue's visibility timeout, and after their last receive (infra/shared.ts) land in the outbox's
 * DLQ ("parked": not lost, `dlq redrive notify` posts them later).
 *
 * The event source's polling is AWS's side: it reads moto directly, never through the proxy.
 */
import { DeleteMessageCommand, type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SlackMessage } from "../../core/notify/SlackMessage.ts";
import { type DeliveryOptions, deliverAsync, type Environments, type Invocation } from "./asyncInvoke.ts";
import { ACCOUNT, type Harness, REGION } from "./Harness.ts";
import { type OutboxSettings, outboxSettings } from "./outboxSettings.ts";

interface Held {
  readonly message: Message;
  receives: number;
  /**
   * Receives before a redrive: `dlq redrive notify` hands a dead letter to Notify as received
   * before (cli/dlq.ts), so a bot-token notifier reads the channel back first.
   */
  readonly before?: number;
}

/** An SQS event record as Lambda's event source builds it from a received message. */
function record(held: Held, queueUrl: string) {
  const sent = held.message.Attributes?.SentTimestamp ?? String(Date.now());
  return {
    messageId: held.message.MessageId ?? "",
    receiptHandle: held.message.ReceiptHandle ?? "",
    body: held.message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: String((held.before ?? 0) + held.receives),
      SentTimestamp: sent,
      SenderId: held.message.Attributes?.SenderId ?? ACCOUNT,
      ApproximateFirstReceiveTimestamp: held.message.Attributes?.ApproximateFirstReceiveTimestamp ?? sent,
    },
    messageAttributes: {},
    md5OfBody: held.message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueUrl.slice(queueUrl.lastIndexOf("/") + 1)}`,
    awsRegion: REGION,
  };
}

export class OutboxEmulator {
  /** Messages that used up their receives: in the outbox's DLQ (`dlq redrive notify`). */
  readonly parked: Held[] = [];
  /** Messages waiting to be received again (after the queue's visibility timeout). */
  readonly queued: Held[] = [];
  /** Messages a successful invocation reported as failed while partial responses are off: deleted. */
  readonly dropped: Held[] = [];
  readonly invocations: Invocation[] = [];

  constructor(
    private readonly harness: Harness,
    private readonly env: Environments,
    private readonly options: DeliveryOptions,
    readonly settings: OutboxSettings = outboxSettings(),
  ) {}

  /** The Slack messages of `held` records. */
  static messagesOf(held: readonly Held[]): SlackMessage[] {
    return held.flatMap((h) => {
      try {
        return [(JSON.parse(h.message.Body ?? "") as { message: SlackMessage }).message];
      } catch {
        return [];
      }
    });
  }

  /**
   * One receive of every visible message: those just queued and those waiting for another
   * receive. A failed message waits for the next drain (in AWS: the visibility timeout later).
   */
  async drain(): Promise<void> {
    await this.#pass([...this.queued.splice(0), ...(await this.#receiveAll())]);
  }

  /**
   * The fault is gone: receive again until the outbox is empty, each pass standing for one
   * visibility timeout. What still waits after `passes` stays in the outbox (reported as such).
   */
  async settle(passes = 5): Promise<void> {
    for (let pass = 0; pass < passes; pass++) {
      await this.drain();
      if (this.queued.length === 0) return;
    }
  }

  /** `dlq redrive notify`: the parked messages go through the Notify function again. */
  async redrive(): Promise<void> {
    this.queued.push(
      ...this.parked
        .splice(0)
        .map((held) => ({ message: held.message, receives: 0, before: (held.before ?? 0) + held.receives })),
    );
    await this.settle();
  }

  async #pass(pending: Held[]): Promise<void> {
    const queueUrl = this.harness.outboxQueueUrl;
    const { batchSize, partialResponses, maxReceives } = this.settings;
    for (let i = 0; i < pending.length; i += batchSize) {
      const batch = pending.slice(i, i + batchSize);
      for (const held of batch) held.receives++;
      const delivery = await deliverAsync(
        { Records: batch.map((held) => record(held, queueUrl)) },
        this.env,
        { ...this.options, retries: 0 },
      );
      this.invocations.push(...delivery.invocations);
      const last = delivery.invocations[delivery.invocations.length - 1];
      const reported = new Set(
        (
          (last?.response as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined)
            ?.batchItemFailures ?? []
        ).map((f) => f.itemIdentifier),
      );
      for (const held of batch) {
        const id = held.message.MessageId ?? "";
        const failed = last?.outcome !== "returned" || (partialResponses && reported.has(id));
        if (last?.outcome === "returned" && !partialResponses && reported.has(id)) this.dropped.push(held);
        else if (!failed) continue;
        else if (held.receives >= maxReceives) this.parked.push(held);
        else this.queued.push(held);
      }
    }
  }

  async #receiveAll(): Promise<Held[]> {
    const held: Held[] = [];
    const { sqs } = this.harness.direct;
    const QueueUrl = this.harness.outboxQueueUrl;
    for (;;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ["All"],
          VisibilityTimeout: 600,
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) return held;
      for (const message of messages) {
        held.push({ message, receives: 0 });
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  }
}
