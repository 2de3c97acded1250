/**
 * Lambda entry of right-sizing: weekly, analyse every service's usage, post the savings to Slack,
 * and take one step down for services tagged `autopilot:rightsize=apply`.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import { createInsightClients, createPricingClient } from "../core/aws/insightClients.ts";
import { ScheduledEvent } from "../core/events/index.ts";
import { type RightsizeSources, runRightsize } from "../core/rightsize/runRightsize.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

/** Tests and `invoke` may pass the clients and a price book (instead of the Pricing API). */
export type RightsizeHandlerOptions = { readonly dryRun?: boolean } & Partial<RightsizeSources>;

export function createRightsizeHandler(
  runtime: FlowRuntime,
  options: RightsizeHandlerOptions = {},
): LambdaHandler {
  const pricing = options.pricing ?? createPricingClient(runtime.clientOptions);
  let insight = options.insight;
  return flowHandler(runtime, { schema: ScheduledEvent, claims: !options.dryRun }, async (event, lambda) => {
    insight ??= createInsightClients(runtime.clientOptions);
    const { prices } = options;
    const context = await runtime.flowContext({
      dryRun: options.dryRun ?? false,
      remainingTimeMs: () => lambda.getRemainingTimeInMillis(),
    });
    return runtime.deliver(
      await runRightsize(context, { insight, pricing, ...(prices && { prices }) }, event.id),
      event.id,
    );
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

export const handler = createRightsizeHandler(createRuntime("rightsize", { clientClasses: CLIENT_CLASSES }));
