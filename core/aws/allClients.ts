import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type AwsClientClasses, type AwsClientOptions, type AwsClients, buildAwsClients } from "./clients.ts";

/** Every client class: for the CLI, the sandbox and the tests, which may act as any function. */
export const ALL_CLIENT_CLASSES: Required<AwsClientClasses> = {
  ecs: ECSClient,
  ecr: ECRClient,
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
  ssm: SSMClient,
  autoscaling: ApplicationAutoScalingClient,
};

/**
 * Every AWS client the flows draw from (see {@link buildAwsClients}). Lambda entries build theirs
 * from only the classes they call instead, to keep the other SDKs out of their bundles.
 *
 * @example
 * const { ecs } = createAwsClients({ region: "eu-west-1" });
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  return buildAwsClients(ALL_CLIENT_CLASSES, options);
}
