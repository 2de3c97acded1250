/**
 * Lambda entry of the scheduled-scaling flow: every 15 minutes (and on deploy) reconcile every
 * service; on a CloudTrail TagResource/UntagResource of a service, reconcile that service now.
 */
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { reconcileSchedules, scheduleMessages, serviceFromTagCall } from "../core/schedule/index.ts";

import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const ScheduleEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);

export function createScheduleHandler(
  runtime: FlowRuntime,
  options: { dryRun?: boolean } = {},
): LambdaHandler {
  return flowHandler(runtime, { schema: ScheduleEvent }, async (event) => {
    let only: { cluster: string; service: string } | undefined;
    if (event["detail-type"] === "AWS API Call via CloudTrail") {
      const target = serviceFromTagCall(event.detail);
      if ("ignore" in target) {
        runtime.logger.info("nothing to reconcile", { reason: target.ignore });
        return { action: "ignored", reason: target.ignore };
      }
      only = target;
    }
    const config = await runtime.config();
    const report = await reconcileSchedules(runtime.clients, runtime.tableName, config, {
      dryRun: options.dryRun ?? false,
      ...(only ? { only } : {}),
    });
    for (const message of await scheduleMessages(report, runtime.clients, runtime.tableName))
      await runtime.notifier.post(message);
    const summary = {
      action: only ? "reconciled-service" : "reconciled",
      dryRun: report.dryRun,
      services: report.services.map((s) => ({
        service: `${s.service.clusterName}/${s.service.serviceName}`,
        status: s.status,
        writes: s.writes.length,
        ...(s.error ? { error: s.error } : {}),
      })),
      writes: report.services.reduce((sum, s) => sum + s.writes.length, 0),
    };
    runtime.logger.info("schedules reconciled", summary);
    return summary;
  });
}

export const handler = createScheduleHandler(createRuntime("schedule"));
