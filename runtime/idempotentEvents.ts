import { IdempotencyConfig } from "@aws-lambda-powertools/idempotency";
import { makeHandlerIdempotent } from "@aws-lambda-powertools/idempotency/middleware";
import type { MiddlewareObj } from "@middy/core";
import { idempotencyStore } from "../core/state/index.ts";
import type { FlowRuntime } from "./runtime.ts";

/**
 * The same event (by id) delivered twice is answered from its record for 24 hours: EventBridge
 * is at-least-once. `name` keys the records (`<name>-event#…`).
 */
export function idempotentEvents(runtime: FlowRuntime, name: string): MiddlewareObj {
  return makeHandlerIdempotent({
    persistenceStore: idempotencyStore(runtime.clients, runtime.tableName, `${name}-events`),
    config: new IdempotencyConfig({ eventKeyJmesPath: "id", expiresAfterSeconds: 24 * 60 * 60 }),
    keyPrefix: `${name}-event`,
  });
}
