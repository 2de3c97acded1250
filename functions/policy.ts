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
  // Claimed: a second delivery of an event (EventBridge delivers at least once) is answered from
  // the first one's record; planned again, it would find this flow's own rollback and tell
  // "nothing was rolled back".
  return flowHandler(runtime, { schema: PolicyEvent, claims: !options.dryRun }, async (event, lambda) =>
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
