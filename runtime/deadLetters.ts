import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { EVENT_RULES, type Flow, rulesMatching, SCHEDULED_JOBS } from "../core/events/index.ts";
import { OutboxMessage } from "../core/notify/index.ts";
import { own } from "../core/own.ts";

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
  return match ? own(FUNCTION_FLOWS, match[1] ?? "") : undefined;
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

/** How a dead-letter queue is read. */
export interface ReadOptions {
  /**
   * Long polling: each receive waits up to this long for a message. Any value above 0 makes SQS
   * ask every one of its servers (a short poll asks a sample of them, and can answer "nothing"
   * while the queue holds messages), so an empty answer means the queue has no visible message.
   */
  readonly waitSeconds?: number;
  /**
   * How long each message received while paging through the queue stays hidden, so that the next
   * receive returns the next ones. Each is handed back (visible at once) when the read ends; a
   * reader that dies holds them at most this long.
   */
  readonly holdSeconds?: number;
}

/** Every receive is a long poll of 1 s: all SQS servers are asked, and an empty queue costs 1 s. */
export const RECEIVE_WAIT_SECONDS = 1;
/** Long enough to page through 1,000 messages (100 receives); short enough if the reader dies. */
export const HOLD_SECONDS = 30;
/** At most this many letters are read by one listing (`dlq list` says when it stopped there). */
export const MAX_LETTERS = 1000;

const receivePage = (sqs: SQSClient, queueUrl: string, options: ReadOptions) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: options.holdSeconds ?? HOLD_SECONDS,
        WaitTimeSeconds: options.waitSeconds ?? RECEIVE_WAIT_SECONDS,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["SentTimestamp"],
      }),
    )
    .then((received) => received.Messages ?? []);

/**
 * Makes messages received while paging visible again at once. A message deleted meanwhile (or
 * received again, with a newer receipt handle) fails its entry, which is fine; if the call itself
 * fails, the messages come back when their hold runs out ({@link HOLD_SECONDS}).
 */
async function handBack(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10)
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.slice(i, i + 10).map((message, j) => ({
            Id: `m${i + j}`,
            ReceiptHandle: message.ReceiptHandle ?? "",
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined);
}

/**
 * Every message of a dead-letter queue, without taking any away: the queue is paged through with
 * long polls, each message held for {@link HOLD_SECONDS} so that the next receive returns the next
 * ones, until a receive returns nothing new (the queue is read, or the first ones came back); then
 * every message is handed back, visible again at once. Stops after `max` letters (the caller can
 * tell: exactly `max` came back). Messages another reader holds at that moment are not seen.
 */
export async function readDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  max = MAX_LETTERS,
  options: ReadOptions = {},
): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  const held: Message[] = [];
  try {
    while (seen.size < max) {
      const messages = await receivePage(sqs, queueUrl, options);
      held.push(...messages);
      const fresh = messages.filter((m) => !seen.has(m.MessageId ?? ""));
      if (fresh.length === 0) break;
      for (const message of fresh.slice(0, max - seen.size))
        seen.set(message.MessageId ?? "", parseDeadLetter(message));
    }
  } finally {
    await handBack(sqs, queueUrl, held);
  }
  return [...seen.values()];
}

/**
 * Takes one dead letter (by its message id) for redrive: pages through the queue as
 * {@link readDeadLetters} does until it is received, then hides it for `seconds` while it is
 * replayed; every other message received on the way is handed back at once. Undefined when the
 * queue no longer holds it (deleted since it was listed, or held by another reader right now).
 */
export async function takeDeadLetter(
  sqs: SQSClient,
  queueUrl: string,
  messageId: string,
  seconds = 300,
  options: ReadOptions = {},
): Promise<DeadLetter | undefined> {
  const seen = new Set<string>();
  const passed: Message[] = [];
  try {
    while (seen.size < MAX_LETTERS * 10) {
      const messages = await receivePage(sqs, queueUrl, options);
      const found = messages.find((m) => m.MessageId === messageId);
      passed.push(...messages.filter((m) => m !== found));
      if (found) {
        try {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: found.ReceiptHandle ?? "",
              VisibilityTimeout: seconds,
            }),
          );
        } catch (error) {
          // Not held for the replay: handed back with the others, and the take fails.
          passed.push(found);
          throw error;
        }
        return parseDeadLetter(found);
      }
      const fresh = messages.filter((m) => !seen.has(m.MessageId ?? ""));
      if (fresh.length === 0) return undefined;
      for (const message of fresh) seen.add(message.MessageId ?? "");
    }
    return undefined;
  } finally {
    await handBack(sqs, queueUrl, passed);
  }
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
