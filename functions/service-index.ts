/**
 * Lambda entry that keeps the repository → services index current: CloudTrail CreateService,
 * UpdateService and DeleteService refresh one service; the schedule rebuilds the whole index.
 */
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { ServiceIndex, serviceChangeFromCloudTrail } from "../core/redeploy/index.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const ServiceIndexEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);

export function createServiceIndexHandler(runtime: FlowRuntime): LambdaHandler {
  return flowHandler(runtime, { schema: ServiceIndexEvent }, async (event) => {
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
  });
}

export const handler = createServiceIndexHandler(createRuntime("service-index"));
