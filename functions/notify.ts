/**
 * Lambda entry of the Slack outbox: every flow queues its messages; this function posts them,
 * each once, and leaves what Slack does not take in the queue (partial batch responses).
 */

import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import middy from "@middy/core";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import { withFunctionScope } from "../core/aws/index.ts";
import { SqsEvent } from "../core/events/sqsEvent.ts";
import { createRuntimeWith, type FlowRuntime } from "../runtime/baseRuntime.ts";
import { postOutbox } from "../runtime/postOutbox.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";

export function createNotifyHandler(runtime: FlowRuntime): LambdaHandler {
  const handler = middy()
    .use(injectLambdaContext(runtime.logger))
    .use(parser({ schema: SqsEvent }))
    .handler(async (event: SqsEvent, context) =>
      postOutbox(event.Records, {
        state: runtime.state,
        notifierFor: runtime.notifierFor,
        log: runtime.log,
        owner: context.awsRequestId,
      }),
    ) as unknown as LambdaHandler;
  // Its AWS calls are recorded as the Notify function's (the IAM proof).
  return (event, context) => withFunctionScope(runtime.flow, () => handler(event, context));
}

/** The AWS SDK clients this function calls, the only ones it bundles (equal to its IAM services). */
export const CLIENT_CLASSES: AwsClientClasses = {
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
};

export const handler = createNotifyHandler(
  createRuntimeWith(undefined, "notify", { clientClasses: CLIENT_CLASSES }),
);
