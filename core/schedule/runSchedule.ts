import { AutopilotError } from "../errors.ts";
import type { CloudTrailApiCallEvent, ScheduledEvent } from "../events/schemas.ts";
import { type FlowContext, type FlowResult, quietResult } from "../flow.ts";
import { scheduleMessages } from "./messages.ts";
import { reconcileSchedules } from "./reconcileSchedules.ts";
import { serviceFromTagCall } from "./serviceFromTagCall.ts";

/** Some services' schedules could not be applied (the others were): the invocation fails and is retried. */
export class ScheduleApplyError extends AutopilotError {
  override readonly name = "ScheduleApplyError";
  readonly code = "schedule-apply-failed";
  constructor(readonly failures: readonly string[]) {
    super(`${failures.length} service schedule(s) not applied: ${failures.join("; ")}`);
  }
}

/**
 * The scheduled-scaling entry: a scheduled event reconciles every service; a CloudTrail
 * TagResource / UntagResource of a service reconciles that one now.
 */
export async function runSchedule(
  event: CloudTrailApiCallEvent | ScheduledEvent,
  context: FlowContext,
): Promise<FlowResult> {
  let only: { cluster: string; service: string } | undefined;
  if (event["detail-type"] === "AWS API Call via CloudTrail") {
    const target = serviceFromTagCall(event.detail);
    if ("ignore" in target) {
      context.log.info("nothing to reconcile", { reason: target.ignore });
      return quietResult({ action: "ignored", reason: target.ignore });
    }
    only = target;
  }
  const report = await reconcileSchedules(context.clients, context.state, context.config, {
    dryRun: context.dryRun,
    ...(only ? { only } : {}),
  });
  const summary = {
    action: only ? "reconciled-service" : "reconciled",
    dryRun: report.dryRun,
    services: report.services.map((s) => ({
      service: `${s.service.clusterName}/${s.service.serviceName}`,
      status: s.status,
      writes: s.writes.length,
      ...(s.error ? { error: s.error } : {}),
      ...(s.failure ? { failure: s.failure, writesDone: s.writesDone?.length ?? 0 } : {}),
    })),
    // Writes made: a failed service's count only as far as they were made.
    writes: report.services.reduce(
      (sum, s) => sum + (s.failure ? (s.writesDone?.length ?? 0) : s.writes.length),
      0,
    ),
  };
  context.log.info("schedules reconciled", summary);
  const failed = report.services.filter((s) => s.failure);
  return {
    summary,
    messages: scheduleMessages(report),
    ...(failed.length > 0
      ? {
          failure: new ScheduleApplyError(
            failed.map((s) => `${s.service.clusterName}/${s.service.serviceName}: ${s.failure}`),
          ),
        }
      : {}),
  };
}
