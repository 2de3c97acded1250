import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { withFunctionScope } from "../core/aws/index.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./rejectInvalidEvents.ts";
import type { FlowRuntime } from "./runtime.ts";

export interface FlowHandlerOptions<Schema extends z.ZodType> {
  /** The events this entry accepts; anything else is rejected (DLQ, or an error locally). */
  readonly schema: Schema;
  /** Runs after validation, before the handler: `idempotentEvents` (./idempotentEvents.ts) where a flow needs it. */
  readonly idempotency?: MiddlewareObj;
}

/**
 * Every Lambda entry's middleware, in one place: Powertools logger with the event id as
 * correlation id, parser with schema rejection, optional idempotency (kept in its own module so that
 * only the flows using it bundle it). `handle` gets the parsed event. The whole chain runs in the
 * function's scope, so each AWS call it makes is recorded as that function's (the IAM proof).
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
  if (options.idempotency) chain.use(options.idempotency);
  // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event; middy's types
  // follow the parser's output, not the raw event the runtime passes in.
  const handler = chain.handler(async (input, context) =>
    handle(input as unknown as z.infer<Schema>, context),
  ) as unknown as LambdaHandler;
  return (event, context) => withFunctionScope(runtime.flow, () => handler(event, context));
}
