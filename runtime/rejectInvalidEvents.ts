import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import { AutopilotError } from "../core/errors.ts";
import { describeIssues, type SchemaIssue } from "../core/events/index.ts";
import type { FlowRuntime } from "./runtime.ts";

/** A Lambda entry as the runtime calls it: any event in, a JSON-able response out. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The response of a handler that refused an event. */
export interface RejectedEvent {
  readonly status: "rejected";
  readonly reason: string;
  readonly deadLettered: boolean;
}

/** Thrown locally (no DLQ) so that the CLI exits non-zero with the reason. */
export class InvalidEventError extends AutopilotError {
  override readonly name = "InvalidEventError";
  readonly code = "event-invalid";
}

/**
 * The dead-letter queue takes messages up to SQS's default `MaximumMessageSize`, 262,144 bytes
 * (256 KiB) with the attributes (SQS API reference, SetQueueAttributes); 1 KiB is left for them.
 */
const MAX_DEAD_LETTER_BODY = 256 * 1024 - 1024;
const MAX_REASON = 4096;

/**
 * The rejection as the DLQ keeps it: the reason and the event. An event too large for the queue
 * (one larger than EventBridge delivers: that is why it was rejected) or that cannot be written
 * as JSON (nested too deep) is kept as the start of its text, with its size, so the message can
 * still be sent and read instead of failing the invocation again on every retry.
 */
export function deadLetterBody(reason: string, event: unknown): string {
  const shortReason = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason;
  let text: string;
  try {
    text = JSON.stringify(event) ?? "null";
  } catch {
    return JSON.stringify({ reason: shortReason, event: null, eventNotSerialisable: true });
  }
  const whole = `{"reason":${JSON.stringify(shortReason)},"event":${text}}`;
  if (Buffer.byteLength(whole, "utf8") <= MAX_DEAD_LETTER_BODY) return whole;
  const bytes = Buffer.from(text, "utf8");
  // Escaping in JSON can grow the start again (a quote takes two bytes): halve until it fits.
  for (let room = MAX_DEAD_LETTER_BODY - 2 * MAX_REASON; ; room = Math.floor(room / 2)) {
    const body = JSON.stringify({
      reason: shortReason,
      eventBytes: bytes.length,
      eventStart: bytes.subarray(0, room).toString("utf8"),
    });
    if (Buffer.byteLength(body, "utf8") <= MAX_DEAD_LETTER_BODY) return body;
  }
}

type SafeParsed =
  | { success: true; data: unknown }
  | { success: false; error: unknown; originalEvent?: unknown };

/**
 * Runs after Powertools' parser middleware with `safeParse: true`. A valid event goes on to the
 * handler as its parsed data. An invalid one is logged with the fields that are wrong and sent to
 * the dead-letter queue with that reason, then the invocation ends: it would fail the same way on
 * every retry, so it is neither retried nor dropped in silence. Without a DLQ (local runs) it
 * throws {@link InvalidEventError}.
 */
export function rejectInvalidEvents(runtime: FlowRuntime): MiddlewareObj {
  return {
    before: async (request) => {
      const parsed = request.event as SafeParsed;
      if (parsed.success) {
        request.event = parsed.data;
        return;
      }
      // Powertools' ParseError carries the Standard Schema issues as its cause.
      const error = parsed.error as Error;
      const issues = error.cause as SchemaIssue[] | undefined;
      const detail = Array.isArray(issues) && issues.length > 0 ? describeIssues(issues) : error.message;
      runtime.logger.error("event rejected: it does not match its schema", { reason: detail });
      if (!runtime.deadLetterQueueUrl) throw new InvalidEventError(`invalid event: ${detail}`);
      await runtime.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: runtime.deadLetterQueueUrl,
          MessageBody: deadLetterBody(detail, parsed.originalEvent),
          MessageAttributes: {
            reason: { DataType: "String", StringValue: detail.slice(0, 256) },
            flow: {
              DataType: "String",
              StringValue: runtime.flow,
            },
          },
        }),
      );
      const rejected: RejectedEvent = { status: "rejected", reason: detail, deadLettered: true };
      return rejected;
    },
  };
}
