import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ComputeOptimizerClient } from "@aws-sdk/client-compute-optimizer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ApiCallCounter } from "../../core/aws/ApiCallCounter.ts";
import { type AwsClients, clientConfig, counted } from "../../core/aws/clients.ts";
import type { InsightClients } from "../../core/aws/insightClients.ts";

export type AllClients = AwsClients & InsightClients & { readonly sts: STSClient };

/**
 * Every client the project uses, configured as {@link createAwsClients} configures them (region,
 * adaptive retries, user agent, counting) but bound to an explicit endpoint instead of
 * `AWS_ENDPOINT_URL`: the harness seeds and reads moto directly with these while the code under
 * test talks to the fault proxy.
 *
 * @example
 * const direct = clientsAt(moto.endpoint, { region: "eu-west-1" });
 */
export function clientsAt(
  endpoint: string,
  options: { region: string; counter?: ApiCallCounter; maxAttempts?: number },
): AllClients {
  const config = { ...clientConfig(options), endpoint };
  const { counter } = options;
  const dynamodb = counted(new DynamoDBClient(config), "DynamoDB", counter);
  return {
    ecs: counted(new ECSClient(config), "ECS", counter),
    ecsSingleAttempt: counted(new ECSClient({ ...config, maxAttempts: 1 }), "ECS", counter),
    ecr: counted(new ECRClient(config), "ECR", counter),
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    sqs: counted(new SQSClient(config), "SQS", counter),
    ssm: counted(new SSMClient(config), "SSM", counter),
    autoscaling: counted(new ApplicationAutoScalingClient(config), "ApplicationAutoScaling", counter),
    cloudwatch: counted(new CloudWatchClient(config), "CloudWatch", counter),
    ec2: counted(new EC2Client(config), "EC2", counter),
    computeOptimizer: counted(new ComputeOptimizerClient(config), "ComputeOptimizer", counter),
    sts: counted(new STSClient(config), "STS", counter),
  };
}
