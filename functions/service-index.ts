/**
 * Lambda entry that keeps the repository → services index current: CloudTrail CreateService,
 * UpdateService and DeleteService refresh one service; the schedule rebuilds the whole index.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { runServiceIndex } from "../core/redeploy/runServiceIndex.ts";
import * as z from "../core/zod.ts";
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

/** The AWS SDK clients this function calls, the only ones it bundles (equal to its IAM services). */
export const CLIENT_CLASSES: AwsClientClasses = {
  ecs: ECSClient,
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
  ssm: SSMClient,
};

const runtime = createRuntime("service-index", { clientClasses: CLIENT_CLASSES });
// The build `sst deploy` asks for answers with a report, never an error (runtime/deployTimeBuild.ts).
export const handler = reportDeployBuild(createServiceIndexHandler(runtime), runtime);
