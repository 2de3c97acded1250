/**
 * Lambda entry that keeps the repository → services index current: CloudTrail CreateService,
 * UpdateService and DeleteService refresh one service; the schedule rebuilds the whole index.
 */
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { runServiceIndex } from "../core/redeploy/runServiceIndex.ts";
import { reportDeployBuild } from "../runtime/deployTimeBuild.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const ServiceIndexEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);

export function createServiceIndexHandler(runtime: FlowRuntime): LambdaHandler {
  return flowHandler(runtime, { schema: ServiceIndexEvent }, async (event) =>
    runtime.deliver(await runServiceIndex(event, await runtime.flowContext()), event.id),
  );
}

const runtime = createRuntime("service-index");
// The build `sst deploy` asks for answers with a report, never an error (runtime/deployTimeBuild.ts).
export const handler = reportDeployBuild(createServiceIndexHandler(runtime), runtime);
