/**
 * Lambda entry that keeps the repository → services index current: CloudTrail CreateService,
 * UpdateService and DeleteService refresh one service; the schedule rebuilds the whole index.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { ServiceIndex, serviceChangeFromCloudTrail } from "../core/redeploy/index.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./shared/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "./shared/runtime.ts";

const ServiceIndexEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);
type ServiceIndexEvent = z.infer<typeof ServiceIndexEvent>;

export function createServiceIndexHandler(runtime: FlowRuntime): LambdaHandler {
  return middy()
    .use(injectLambdaContext(runtime.logger, { correlationIdPath: "id" }))
    .use(parser({ schema: ServiceIndexEvent, safeParse: true }))
    .use(rejectInvalidEvents(runtime))
    .handler(async (input) => {
      // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event.
      const event = input as unknown as ServiceIndexEvent;
      const index = new ServiceIndex(runtime.clients, runtime.tableName);
      if (event["detail-type"] === "Scheduled Event") {
        const summary = await index.rebuild();
        runtime.logger.info("service index rebuilt", { ...summary });
        return { action: "rebuilt", ...summary };
      }
      const change = serviceChangeFromCloudTrail(event.detail);
      if (change.kind === "ignore") {
        runtime.logger.info("nothing to index", { reason: change.reason });
        return { action: "ignored", reason: change.reason };
      }
      const result = await index.refreshService(change.cluster, change.service);
      runtime.logger.info("service index updated", { ...change, result });
      return { action: result, cluster: change.cluster, service: change.service };
    }) as unknown as LambdaHandler; // middy's types follow the parser's output, not the raw event
}

export const handler = createServiceIndexHandler(createRuntime("service-index"));
