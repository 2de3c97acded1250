/**
 * Lambda entry of the redeploy flow: an image was pushed to ECR ("ECR Image Action", PUSH,
 * SUCCESS). Composition only; the flow lives in core/redeploy.
 */
import { IdempotencyConfig } from "@aws-lambda-powertools/idempotency";
import { makeHandlerIdempotent } from "@aws-lambda-powertools/idempotency/middleware";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy from "@middy/core";
import { idempotencyStore } from "../core/aws/index.ts";
import { EcrImageActionEvent } from "../core/events/index.ts";
import { redeployMessage } from "../core/notify/index.ts";
import { notAPush, pushFromEvent, redeployPush, summarizeReport } from "../core/redeploy/index.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./shared/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "./shared/runtime.ts";

export interface RedeployHandlerOptions {
  readonly dryRun?: boolean;
}

/** Builds the handler around a runtime (tests and the CLI pass one pointed at moto). */
export function createRedeployHandler(
  runtime: FlowRuntime,
  options: RedeployHandlerOptions = {},
): LambdaHandler {
  const events = new IdempotencyConfig({ eventKeyJmesPath: "id", expiresAfterSeconds: 24 * 60 * 60 });
  const handler = middy()
    .use(injectLambdaContext(runtime.logger, { correlationIdPath: "id" }))
    .use(parser({ schema: EcrImageActionEvent, safeParse: true }))
    .use(rejectInvalidEvents(runtime));
  if (!options.dryRun) {
    // The same event delivered twice (EventBridge is at-least-once) is answered from its record.
    handler.use(
      makeHandlerIdempotent({
        persistenceStore: idempotencyStore(runtime.clients, runtime.tableName, "redeploy-events"),
        config: events,
        keyPrefix: "redeploy-event",
      }),
    );
  }
  return handler.handler(async (input, context) => {
    // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event.
    const event = input as unknown as EcrImageActionEvent;
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
  }) as unknown as LambdaHandler; // middy's types follow the parser's output, not the raw event
}

export const handler = createRedeployHandler(createRuntime("redeploy"));
