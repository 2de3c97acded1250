/**
 * Lambda entry of the scheduled-scaling flow: every 15 minutes (and on deploy) reconcile every
 * service; on a CloudTrail TagResource/UntagResource of a service, reconcile that service now.
 */

import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { runSchedule } from "../core/schedule/runSchedule.ts";
import * as z from "../core/zod.ts";
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

/** The AWS SDK clients this function calls, the only ones it bundles (equal to its IAM services). */
export const CLIENT_CLASSES: AwsClientClasses = {
  ecs: ECSClient,
  autoscaling: ApplicationAutoScalingClient,
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
  ssm: SSMClient,
};

export const handler = createScheduleHandler(createRuntime("schedule", { clientClasses: CLIENT_CLASSES }));
