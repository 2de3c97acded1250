import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import { withFunctionScope } from "../core/aws/index.ts";
import type * as z from "../core/zod.ts";
import { claimEvents, recordHandled } from "./eventClaims.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./rejectInvalidEvents.ts";
import type { FlowRuntime } from "./runtime.ts";

export interface FlowHandlerOptions<Schema extends z.ZodMiniType> {
  /** The events this entry accepts; anything else is rejected (DLQ, or an error locally). */
  readonly schema: Schema;
  /**
   * Handle each event id once (./eventClaims.ts), for flows whose work must not run twice side by
   * side (redeploy, monitor counting, right-sizing's step down, the policy's rollbacks). Off for
   * dry runs: they change nothing and must not answer a later real run from their record. Flows
   * whose work is idempotent by itself and whose second run tells nothing new (schedule
   * reconciles, the index) do without: their messages are still posted once (same event → same
   * message ids).
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
export function flowHandler<Schema extends z.ZodMiniType>(
  runtime: FlowRuntime,
  options: FlowHandlerOptions<Schema>,
  handle: (event: z.infer<Schema>, context: Context) => Promise<unknown>,
): LambdaHandler {
  const chain = middy()
    .use(injectLambdaContext(runtime.logger, { correlationIdPath: "id" }))
    .use(parser({ schema: options.schema, safeParse: true }))
    .use(rejectInvalidEvents(runtime));
  // Before the claim: a report a local run or a dry run only shows stays kept, and its event unclaimed.
  chain.use(tellKeptReport(runtime, options.claims === true));
  if (options.claims) chain.use(claimEvents(runtime, runtime.flow));
  // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event; middy's types
  // follow the parser's output, not the raw event the runtime passes in.
  const handler = chain.handler(async (input, context) =>
    handle(input as unknown as z.infer<Schema>, context),
  ) as unknown as LambdaHandler;
  return (event, context) => withFunctionScope(runtime.flow, () => handler(event, context));
}

/**
 * A retry whose earlier attempt did the work but could not queue its report tells that report
 * (runtime/deliver.ts, report-keeping flows) and answers with it: planning again would find the
 * flow's own change made and nothing left to tell. An attempt whose work was not complete goes on
 * to the flow once its kept report is told.
 */
function tellKeptReport(
  runtime: FlowRuntime,
  claims: boolean,
): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: async (request) => {
      const id = (request.event as { id?: unknown }).id;
      if (typeof id !== "string" || id.length === 0) return undefined;
      const kept = await runtime.deliverKeptReport(id);
      if (!kept?.complete) return undefined;
      // Told for good (not only shown by a dry run or a local invoke): the event is handled, and a
      // later delivery is answered from its record, as after any claimed invocation.
      if (claims && kept.told)
        await recordHandled(runtime, runtime.flow, id, request.context.awsRequestId, kept.response);
      return kept.response;
    },
  };
}
