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

/**
 * What the outbox holds (up to 10), taken off the queue as the records of one Notify invocation:
 * what Lambda's SQS event source hands the Notify function.
 */
export async function outboxRecords(sqs: SQSClient, queueUrl: string) {
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  return (received.Messages ?? []).map((m) => ({
    messageId: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle ?? "",
    body: m.Body ?? "",
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: `${Date.now()}`,
      SenderId: "x",
      ApproximateFirstReceiveTimestamp: `${Date.now()}`,
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:outbox",
    awsRegion: "eu-west-1",
  }));
}
