/**
 * Lambda entry of the redeploy flow: an image was pushed to ECR ("ECR Image Action", PUSH,
 * SUCCESS). Composition only; the flow lives in core/redeploy.
 */
import { EcrImageActionEvent } from "../core/events/index.ts";
import { notAPush, pushFromEvent, redeployPush, summarizeReport } from "../core/redeploy/index.ts";
import { redeployMessage } from "../core/redeploy/messages.ts";
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
    async (event, context) => {
      const ignored = notAPush(event);
      if (ignored) {
        runtime.logger.info("event ignored", { reason: ignored });
        return { status: "ignored", reason: ignored };
      }
      const config = await runtime.config();
      const report = await redeployPush(
        pushFromEvent(event),
        {
          clients: runtime.clients,
          tableName: runtime.tableName,
          config,
          log: (m, d) => runtime.logger.info(m, d ?? {}),
          remainingTimeMs: () => context.getRemainingTimeInMillis(),
        },
        { dryRun: options.dryRun ?? false },
      );
      const summary = summarizeReport(report);
      runtime.logger.info("redeploy finished", { ...summary });
      const message = redeployMessage(report, { notifySkipped: config.redeploy.notifySkipped });
      if (message) await runtime.notifier.post(message);
      if (summary.failed > 0)
        runtime.logger.error("some services failed to redeploy", { failures: summary.failures });
      return summary;
    },
  );
}

export const handler = createRedeployHandler(createRuntime("redeploy"));
