/**
 * Lambda entry of the task-definition policy: CloudTrail RegisterTaskDefinition, CreateService
 * and UpdateService (audit or enforce), and the daily audit of every revision in use.
 */
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { runPolicy } from "../core/policy/runPolicy.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const PolicyEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);

export function createPolicyHandler(runtime: FlowRuntime, options: { dryRun?: boolean } = {}): LambdaHandler {
  return flowHandler(runtime, { schema: PolicyEvent }, async (event, lambda) =>
    runtime.deliver(
      await runPolicy(
        event,
        await runtime.flowContext({
          dryRun: options.dryRun ?? false,
          remainingTimeMs: () => lambda.getRemainingTimeInMillis(),
        }),
      ),
      event.id,
    ),
  );
}

export const handler = createPolicyHandler(createRuntime("policy"));
