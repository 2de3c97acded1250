import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { EVENT_RULES, type Flow, rulesMatching, SCHEDULED_JOBS } from "../core/events/index.ts";
import { OutboxMessage } from "../core/notify/index.ts";

/** Where a dead letter came from: each AWS path writes its own shape. */
export type DeadLetterSource =
  /** An event that failed its schema (runtime/rejectInvalidEvents.ts): `{ reason, event }`. */
  | "rejected-event"
  /** Lambda's on-failure destination after the async retries: an invocation record with `requestPayload`. */
  | "lambda-failure"
  /** EventBridge could not deliver to the function: the event, with RULE_ARN / ERROR_CODE attributes. */
  | "eventbridge-delivery"
  /** A Slack message the Notify function could not post after every receive of the outbox. */
  | "outbox"
  | "unknown";

/** One message of a dead-letter queue, understood. */
export interface DeadLetter {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly source: DeadLetterSource;
  /** The flow that should handle it (`notify` for outbox messages); undefined when unknown. */
  readonly flow?: Flow | "notify";
  /** The original event, for redrive. */
  readonly event?: Record<string, unknown>;
  /** Why it is here, as AWS or ecs-autopilot said. */
  readonly reason: string;
  /** When it was sent to the dead-letter queue. */
  readonly sentAt?: string;
  /** The raw body (outbox messages are redriven as they are). */
  readonly body: string;
  /** What a person calls it: the event id, or the outbox message's id. */
  readonly label: string;
}

/** SST names a function `<app>-<stage>-<Component>Function-<random>` (components in infra/). */
const FUNCTION_FLOWS: Record<string, Flow | "notify"> = {
  Redeploy: "redeploy",
  ServiceIndex: "service-index",
  Monitor: "monitor",
  Schedule: "schedule",
  Policy: "policy",
  Rightsize: "rightsize",
  Notify: "notify",
};

/** The flow of a deployed function, from its ARN. */
export function flowOfFunction(functionArn: string): Flow | "notify" | undefined {
  const match = /-([A-Za-z]+)Function-[A-Za-z0-9]+(?::[^:]+)?$/.exec(functionArn);
  return match ? FUNCTION_FLOWS[match[1] ?? ""] : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The flow an event belongs to: the rule that delivers it, or the scheduled job named in `resources`. */
export function flowOfEvent(event: Record<string, unknown>): Flow | undefined {
  if (event["detail-type"] === "Scheduled Event") {
    const resources = Array.isArray(event.resources) ? event.resources.map(String) : [];
    const job = SCHEDULED_JOBS.find((j) => resources.some((r) => r.includes(j.name)));
    return job?.flow;
  }
  // A deployment's end reaches both the monitor and the redeploy flow: the monitor's rule comes first.
  return rulesMatching(event, EVENT_RULES)[0]?.flow;
}

/**
 * The flow of the rule EventBridge could not deliver for (its `RULE_ARN` attribute), when the
 * rule's name is in the ARN (as written, `ecs-deployment-finished`, or as SST writes component
 * names, `EcsDeploymentFinished`) and the rule matches the event: a deployment's end is delivered
 * by two rules, and its dead letter belongs to the one that failed.
 */
export function flowOfRule(ruleArn: string, event: Record<string, unknown>): Flow | undefined {
  const name = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  const arn = name(ruleArn.slice(ruleArn.indexOf(":rule/") + 1));
  const named = rulesMatching(event, EVENT_RULES).filter((rule) => arn.includes(name(rule.name)));
  // The longest name wins (`ecs-deployment-state-change` over a shorter name inside it).
  return named.sort((a, b) => b.name.length - a.name.length)[0]?.flow;
}

/**
 * Reads one message of a dead-letter queue: which path put it there, the flow it belongs to,
 * the original event and the reason.
 */
export function parseDeadLetter(message: Message): DeadLetter {
  const body = message.Body ?? "";
  const attributes = message.MessageAttributes ?? {};
  const attribute = (name: string) => attributes[name]?.StringValue;
  const base = {
    messageId: message.MessageId ?? "",
    label: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body,
    ...(message.Attributes?.SentTimestamp
      ? { sentAt: new Date(Number(message.Attributes.SentTimestamp)).toISOString() }
      : {}),
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ...base, source: "unknown", reason: "the body is not JSON" };
  }
  if (!isRecord(parsed)) return { ...base, source: "unknown", reason: "the body is not a JSON object" };
  const outbox = OutboxMessage.safeParse(parsed);
  if (outbox.success)
    return {
      ...base,
      label: outbox.data.id,
      source: "outbox",
      flow: "notify",
      reason: `Slack did not take "${outbox.data.message.text}" (${outbox.data.channel}) after every retry`,
    };
  if (isRecord(parsed.requestContext) && "requestPayload" in parsed) {
    const event = isRecord(parsed.requestPayload) ? parsed.requestPayload : undefined;
    const response = isRecord(parsed.responsePayload) ? parsed.responsePayload : {};
    const flow =
      flowOfFunction(String(parsed.requestContext.functionArn ?? "")) ??
      (event ? flowOfEvent(event) : undefined);
    return {
      ...base,
      source: "lambda-failure",
      ...(flow ? { flow } : {}),
      ...(event ? { event } : {}),
      reason: `${String(parsed.requestContext.condition ?? "failed")} after ${String(parsed.requestContext.approximateInvokeCount ?? "?")} attempt(s): ${String(response.errorType ?? "Error")}: ${String(response.errorMessage ?? "")}`,
    };
  }
  if (attribute("reason") !== undefined && "event" in parsed) {
    const event = isRecord(parsed.event) ? parsed.event : undefined;
    const flow = attribute("flow") as Flow | undefined;
    return {
      ...base,
      source: "rejected-event",
      ...(flow ? { flow } : {}),
      ...(event ? { event } : {}),
      reason: `invalid event: ${String(parsed.reason ?? attribute("reason"))}`,
    };
  }
  if (attribute("ERROR_CODE") !== undefined || attribute("RULE_ARN") !== undefined) {
    const flow = flowOfRule(attribute("RULE_ARN") ?? "", parsed) ?? flowOfEvent(parsed);
    return {
      ...base,
      source: "eventbridge-delivery",
      ...(flow ? { flow } : {}),
      event: parsed,
      reason: `EventBridge could not deliver it: ${attribute("ERROR_CODE") ?? "?"}: ${attribute("ERROR_MESSAGE") ?? ""}`,
    };
  }
  if (typeof parsed["detail-type"] === "string") {
    const flow = flowOfEvent(parsed);
    return {
      ...base,
      source: "unknown",
      ...(flow ? { flow } : {}),
      event: parsed,
      reason: "an event, no reason given",
    };
  }
  return { ...base, source: "unknown", reason: "not a shape ecs-autopilot or AWS writes to this queue" };
}

/**
 * Every message of a dead-letter queue, without taking any away: each is received with a
 * visibility timeout of 0, so it stays available to the next reader. Stops after `max`.
 */
export async function readDeadLetters(sqs: SQSClient, queueUrl: string, max = 1000): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  let idle = 0;
  while (seen.size < max && idle < 3) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["SentTimestamp"],
      }),
    );
    const fresh = (received.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ""));
    idle = fresh.length === 0 ? idle + 1 : 0;
    for (const message of fresh) seen.set(message.MessageId ?? "", parseDeadLetter(message));
  }
  return [...seen.values()];
}

/** Takes a dead letter for redrive: hidden from other readers while it is replayed. */
export async function takeDeadLetter(
  sqs: SQSClient,
  queueUrl: string,
  messageId: string,
  seconds = 300,
): Promise<DeadLetter | undefined> {
  for (let round = 0; round < 20; round++) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: seconds,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["SentTimestamp"],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return undefined;
    let found: DeadLetter | undefined;
    for (const message of messages) {
      if (message.MessageId === messageId) found = parseDeadLetter(message);
      // Not the one asked for: give it back at once.
      else
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: message.ReceiptHandle ?? "",
            VisibilityTimeout: 0,
          }),
        );
    }
    if (found) return found;
  }
  return undefined;
}

/** Removes a dead letter that was replayed successfully. */
export async function removeDeadLetter(sqs: SQSClient, queueUrl: string, letter: DeadLetter): Promise<void> {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: letter.receiptHandle }));
}

/** Gives a dead letter back to the queue (its replay failed): visible again at once. */
export async function returnDeadLetter(sqs: SQSClient, queueUrl: string, letter: DeadLetter): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: letter.receiptHandle,
      VisibilityTimeout: 0,
    }),
  );
}
