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
          MessageBody: JSON.stringify({ reason: detail, event: parsed.originalEvent }),
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
