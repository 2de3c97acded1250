/**
 * Lambda entry of the redeploy flow: an image was pushed to ECR ("ECR Image Action", PUSH,
 * SUCCESS). Composition only; the flow lives in core/redeploy.
 */
import { EcrImageActionEvent } from "../core/events/index.ts";
import { runRedeploy } from "../core/redeploy/runRedeploy.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import { idempotentEvents } from "../runtime/idempotentEvents.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

export interface RedeployHandlerOptions {
  readonly dryRun?: boolean;
}

/** Builds the handler around a runtime (tests and the CLI pass one pointed at moto). */
export function createRedeployHandler(
  runtime: FlowRuntime,
  options: RedeployHandlerOptions = {},
): LambdaHandler {
  return flowHandler(
    runtime,
    // The same event delivered twice is answered from its record; a dry run records nothing.
    {
      schema: EcrImageActionEvent,
      ...(options.dryRun ? {} : { idempotency: idempotentEvents(runtime, "redeploy") }),
    },
    async (event, lambda) => {
      const context = await runtime.flowContext({
        dryRun: options.dryRun ?? false,
        remainingTimeMs: () => lambda.getRemainingTimeInMillis(),
      });
      return runtime.deliver(await runRedeploy(event, context));
    },
  );
}

export const handler = createRedeployHandler(createRuntime("redeploy"));
