/**
 * Lambda entry of the scheduled-scaling flow: every 15 minutes (and on deploy) reconcile every
 * service; on a CloudTrail TagResource/UntagResource of a service, reconcile that service now.
 */
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { runSchedule } from "../core/schedule/runSchedule.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const ScheduleEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);

export function createScheduleHandler(
  runtime: FlowRuntime,
  options: { dryRun?: boolean } = {},
): LambdaHandler {
  return flowHandler(runtime, { schema: ScheduleEvent }, async (event) =>
    runtime.deliver(
      await runSchedule(event, await runtime.flowContext({ dryRun: options.dryRun ?? false })),
      event.id,
    ),
  );
}

export const handler = createScheduleHandler(createRuntime("schedule"));
