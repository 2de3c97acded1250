/**
 * Lambda entry of the scheduled-scaling flow: every 15 minutes (and on deploy) reconcile every
 * service; on a CloudTrail TagResource/UntagResource of a service, reconcile that service now.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { reconcileSchedules, scheduleMessages, serviceFromTagCall } from "../core/schedule/index.ts";

import { type LambdaHandler, rejectInvalidEvents } from "./shared/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "./shared/runtime.ts";

const ScheduleEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);
type ScheduleEvent = z.infer<typeof ScheduleEvent>;

export function createScheduleHandler(
  runtime: FlowRuntime,
  options: { dryRun?: boolean } = {},
): LambdaHandler {
  return middy()
    .use(injectLambdaContext(runtime.logger, { correlationIdPath: "id" }))
    .use(parser({ schema: ScheduleEvent, safeParse: true }))
    .use(rejectInvalidEvents(runtime))
    .handler(async (input) => {
      // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event.
      const event = input as unknown as ScheduleEvent;
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
    }) as unknown as LambdaHandler; // middy's types follow the parser's output, not the raw event
}

export const handler = createScheduleHandler(createRuntime("schedule"));
