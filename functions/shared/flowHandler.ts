import { IdempotencyConfig } from "@aws-lambda-powertools/idempotency";
import { makeHandlerIdempotent } from "@aws-lambda-powertools/idempotency/middleware";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { idempotencyStore } from "../../core/aws/index.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./rejectInvalidEvents.ts";
import type { FlowRuntime } from "./runtime.ts";

export interface FlowHandlerOptions<Schema extends z.ZodType> {
  /** The events this entry accepts; anything else is rejected (DLQ, or an error locally). */
  readonly schema: Schema;
  /**
   * When set, the same event (by id) delivered twice is answered from its record for 24 hours
   * (EventBridge is at-least-once). The name keys the records: `<name>-event#…`.
   */
  readonly idempotentAs?: string;
}

/**
 * Every Lambda entry's middleware, in one place: Powertools logger with the event id as
 * correlation id, parser with schema rejection, optional idempotency. `handle` gets the parsed event.
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
  if (options.idempotentAs)
    chain.use(
      makeHandlerIdempotent({
        persistenceStore: idempotencyStore(
          runtime.clients,
          runtime.tableName,
          `${options.idempotentAs}-events`,
        ),
        config: new IdempotencyConfig({ eventKeyJmesPath: "id", expiresAfterSeconds: 24 * 60 * 60 }),
        keyPrefix: `${options.idempotentAs}-event`,
      }),
    );
  // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event; middy's types
  // follow the parser's output, not the raw event the runtime passes in.
  return chain.handler(async (input, context) =>
    handle(input as unknown as z.infer<Schema>, context),
  ) as unknown as LambdaHandler;
}
