/**
 * The Slack outbox as deployed, emulated: the flows queue their messages in an SQS queue
 * (`AUTOPILOT_OUTBOX_QUEUE_URL`), and Lambda's SQS event source hands them to the Notify function
 * in batches; records the function reports as failed (partial batch response) — or every record
 * of an invocation that threw or timed out — are received again, and after their last receive
 * land in the outbox's DLQ ("parked": not lost, `dlq redrive` posts them later).
 *
 * The event source's polling is AWS's side: it reads moto directly, never through the proxy.
 */
import { DeleteMessageCommand, type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SlackMessage } from "../../core/notify/SlackMessage.ts";
import { type DeliveryOptions, deliverAsync, type Environments, type Invocation } from "./asyncInvoke.ts";
import { ACCOUNT, type Harness, REGION } from "./Harness.ts";

/** Lambda's default batch size for an SQS event source. */
export const OUTBOX_BATCH_SIZE = 10;
/**
 * Receives before a message goes to the outbox's DLQ. infra/ does not deploy the outbox yet, so
 * this is the harness's choice (SQS's `maxReceiveCount` of the redrive policy, once it does).
 */
export const OUTBOX_MAX_RECEIVES = 3;

interface Held {
  readonly message: Message;
  receives: number;
}

/** An SQS event record as Lambda's event source builds it from a received message. */
function record(held: Held, queueUrl: string) {
  const sent = held.message.Attributes?.SentTimestamp ?? String(Date.now());
  return {
    messageId: held.message.MessageId ?? "",
    receiptHandle: held.message.ReceiptHandle ?? "",
    body: held.message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: String(held.receives),
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
  /** Messages that used up their receives: in the outbox's DLQ. */
  readonly parked: Held[] = [];
  readonly invocations: Invocation[] = [];

  constructor(
    private readonly harness: Harness,
    private readonly env: Environments,
    private readonly options: DeliveryOptions,
  ) {}

  /** The Slack messages in the outbox's DLQ. */
  parkedMessages(): SlackMessage[] {
    return this.parked.flatMap((held) => {
      try {
        return [(JSON.parse(held.message.Body ?? "") as { message: SlackMessage }).message];
      } catch {
        return [];
      }
    });
  }

  /** Hands every queued message to the Notify function until the queue is empty. */
  async drain(): Promise<void> {
    const pending: Held[] = await this.#receiveAll();
    await this.#deliver(pending);
  }

  /** `dlq redrive` of the outbox: the parked messages go through the Notify function again. */
  async redrive(): Promise<void> {
    const again = this.parked.splice(0).map((held) => ({ message: held.message, receives: 0 }));
    await this.#deliver([...(await this.#receiveAll()), ...again]);
  }

  async #deliver(pending: Held[]): Promise<void> {
    const queueUrl = this.harness.outboxQueueUrl;
    while (pending.length > 0) {
      const batch = pending.splice(0, OUTBOX_BATCH_SIZE);
      for (const held of batch) held.receives++;
      const delivery = await deliverAsync(
        { Records: batch.map((held) => record(held, queueUrl)) },
        this.env,
        { ...this.options, retries: 0 },
      );
      this.invocations.push(...delivery.invocations);
      const last = delivery.invocations[delivery.invocations.length - 1];
      const failed = new Set(
        last?.outcome === "returned"
          ? (
              (last.response as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined)
                ?.batchItemFailures ?? []
            ).map((f) => f.itemIdentifier)
          : batch.map((held) => held.message.MessageId ?? ""),
      );
      for (const held of batch) {
        if (!failed.has(held.message.MessageId ?? "")) continue;
        if (held.receives >= OUTBOX_MAX_RECEIVES) this.parked.push(held);
        else pending.push(held);
      }
      // Messages queued while this batch ran (none today: Notify queues nothing) join the queue.
      pending.push(...(await this.#receiveAll()));
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
