/**
 * The event Lambda hands a function that reads an SQS queue (Lambda developer guide, "Using
 * Lambda with Amazon SQS", example event): the fields Powertools' parser checks in its
 * `SqsSchema`, with the same names and types, built on ecs-autopilot's zod (../zod.ts).
 */
import * as z from "../zod.ts";

const SqsMessageAttribute = z.object({
  stringValue: z.optional(z.nullable(z.string())),
  binaryValue: z.optional(z.nullable(z.string())),
  stringListValues: z.optional(z.array(z.string())),
  binaryListValues: z.optional(z.array(z.string())),
  dataType: z.string(),
});

const SqsAttributes = z.object({
  ApproximateReceiveCount: z.string(),
  ApproximateFirstReceiveTimestamp: z.string(),
  MessageDeduplicationId: z.optional(z.string()),
  MessageGroupId: z.optional(z.string()),
  SenderId: z.string(),
  SentTimestamp: z.string(),
  SequenceNumber: z.optional(z.string()),
  AWSTraceHeader: z.optional(z.string()),
  DeadLetterQueueSourceArn: z.optional(z.string()),
});

export const SqsRecord = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: SqsAttributes,
  messageAttributes: z.record(z.string(), SqsMessageAttribute),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.optional(z.nullable(z.string())),
  eventSource: z.literal("aws:sqs"),
  eventSourceARN: z.string(),
  awsRegion: z.string(),
});

export const SqsEvent = z.object({ Records: z.array(SqsRecord).check(z.minLength(1)) });
export type SqsEvent = z.infer<typeof SqsEvent>;
