import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { withFunctionScope } from "../core/aws/index.ts";
import { claimEvents } from "./eventClaims.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./rejectInvalidEvents.ts";
import type { FlowRuntime } from "./runtime.ts";

export interface FlowHandlerOptions<Schema extends z.ZodType> {
  /** The events this entry accepts; anything else is rejected (DLQ, or an error locally). */
  readonly schema: Schema;
  /**
   * Handle each event id once (./eventClaims.ts), for flows whose work must not run twice side by
   * side (redeploy, monitor counting, right-sizing's step down). Off for dry runs: they change
   * nothing and must not answer a later real run from their record. Flows whose work is
   * idempotent by itself (reconciles, the index, policy checks) do without: their messages are
   * still posted once (same event → same message ids).
   */
  readonly claims?: boolean;
}

/**
 * Every Lambda entry's middleware, in one place: Powertools logger with the event id as
 * correlation id, parser with schema rejection (DLQ), and the event claim (each event handled
 * once, concurrent duplicates never side by side), then the report an earlier attempt of the event
 * kept because the outbox did not take it (runtime/deliver.ts). `handle` gets the parsed event. The whole chain
 * runs in the function's scope, so each AWS call it makes is recorded as that function's (the
 * IAM proof).
 */
export function flowHandler<Schema extends z.ZodType>(
  runtime: FlowRuntime,
  options: FlowHandlerOptions<Schema>,
  handle: (event: z.infer<Schema>, context: Context) => Promise<unknown>,
): LambdaHandler {
  const chain = middy()
    .use(injectLambdaContext(runtime.logger, { correlationIdPath: "id" }))
    .use(parser({ schema: options.schema, safeParse: true }))
    .use(rejectInvalidEvents(runtime));
  if (options.claims) chain.use(claimEvents(runtime, runtime.flow));
  // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event; middy's types
  // follow the parser's output, not the raw event the runtime passes in.
  const handler = chain.handler(async (input, context) => {
    // A retry whose earlier attempt did the work but could not queue its report tells that report
    // (runtime/deliver.ts, report-keeping flows): planning again would find nothing left to tell.
    const id = (input as { id?: unknown }).id;
    const kept = typeof id === "string" && id.length > 0 ? await runtime.deliverKeptReport(id) : undefined;
    if (kept?.complete) return kept.response;
    return handle(input as unknown as z.infer<Schema>, context);
  }) as unknown as LambdaHandler;
  return (event, context) => withFunctionScope(runtime.flow, () => handler(event, context));
}
