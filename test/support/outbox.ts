/**
 * The outbox queue of a flow under test (a real moto SQS queue), and one that does not exist: a
 * SendMessage to it fails with SQS's own QueueDoesNotExist, as an unreachable outbox does.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { renderPlainText } from "../../core/notify/index.ts";

/** A new outbox queue, and the URL of one of the same account that does not exist. */
export async function outboxQueues(
  sqs: SQSClient,
  name: string,
): Promise<{ working: string; missing: string }> {
  const working =
    (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${process.pid}` }))).QueueUrl ?? "";
  return { working, missing: working.replace(/[^/]+$/, `${name}-missing`) };
}

/** Every message queued so far, as plain text (what Slack shows), taken off the queue. */
export async function drainOutbox(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!received.Messages?.length) return texts;
    for (const m of received.Messages) {
      texts.push(renderPlainText(JSON.parse(m.Body ?? "{}").message));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle ?? "" }));
    }
  }
}
