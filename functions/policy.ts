/**
 * Lambda entry of the task-definition policy: CloudTrail RegisterTaskDefinition, CreateService
 * and UpdateService (audit or enforce), and the daily audit of every revision in use.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { runPolicy } from "../core/policy/runPolicy.ts";
import * as z from "../core/zod.ts";
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

/** The AWS SDK clients this function calls, the only ones it bundles (equal to its IAM services). */
export const CLIENT_CLASSES: AwsClientClasses = {
  ecs: ECSClient,
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
  ssm: SSMClient,
};

export const handler = createPolicyHandler(createRuntime("policy", { clientClasses: CLIENT_CLASSES }));
