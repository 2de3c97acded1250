/**
 * Lambda entry of the redeploy flow: ECR pushes, the deployment ends that release a queued push,
 * and the sweep of queued pushes. Composition only; the flow lives in core/redeploy.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import { EcrImageActionEvent, EcsDeploymentStateChangeEvent, ScheduledEvent } from "../core/events/index.ts";
import { runRedeploy } from "../core/redeploy/runRedeploy.ts";
import * as z from "../core/zod.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const RedeployEvent = z.discriminatedUnion("detail-type", [
  EcrImageActionEvent,
  EcsDeploymentStateChangeEvent,
  ScheduledEvent,
]);

/** Builds the handler around a runtime (tests and the CLI pass one pointed at moto). */
export function createRedeployHandler(
  runtime: FlowRuntime,
  options: { dryRun?: boolean } = {},
): LambdaHandler {
  // Each event is handled once; a dry run records nothing.
  return flowHandler(runtime, { schema: RedeployEvent, claims: !options.dryRun }, async (event, lambda) => {
    const context = await runtime.flowContext({
      dryRun: options.dryRun ?? false,
      remainingTimeMs: () => lambda.getRemainingTimeInMillis(),
    });
    return runtime.deliver(await runRedeploy(event, context), event.id);
  });
}

/** The AWS SDK clients this function calls, the only ones it bundles (equal to its IAM services). */
export const CLIENT_CLASSES: AwsClientClasses = {
  ecs: ECSClient,
  ecr: ECRClient,
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
  ssm: SSMClient,
};

export const handler = createRedeployHandler(createRuntime("redeploy", { clientClasses: CLIENT_CLASSES }));
