import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ComputeOptimizerClient } from "@aws-sdk/client-compute-optimizer";
import { EC2Client } from "@aws-sdk/client-ec2";
import { PricingClient } from "@aws-sdk/client-pricing";
import { type AwsClientOptions, type AwsClients, clientConfig, counted } from "./clients.ts";

/**
 * The clients only right-sizing needs (metrics, instance shapes, Compute Optimizer). Kept out of
 * {@link AwsClients} on purpose: these SDKs would add about a megabyte to every other function's bundle.
 */
export interface InsightClients {
  readonly cloudwatch: CloudWatchClient;
  readonly ec2: EC2Client;
  readonly computeOptimizer: ComputeOptimizerClient;
}

/**
 * What a right-sizing run reads: the fleet (ECS), image platforms (ECR), OOM history (the state
 * table), metrics, instance shapes and Compute Optimizer's recommendations.
 */
export type FleetClients = Pick<AwsClients, "ecs" | "ecsSingleAttempt" | "ecr" | "documents"> &
  InsightClients;

/**
 * The clients a right-sizing run uses. Picks ECS, ECR and DynamoDB from `aws` rather than spreading
 * it: its clients are lazy getters, and a spread would build every one of them.
 */
export function fleetClients(aws: AwsClients, insight: InsightClients): FleetClients {
  return {
    ecs: aws.ecs,
    // RegisterTaskDefinition has no client token: the step down registers without SDK retries.
    get ecsSingleAttempt() {
      return aws.ecsSingleAttempt;
    },
    ecr: aws.ecr,
    documents: aws.documents,
    cloudwatch: insight.cloudwatch,
    ec2: insight.ec2,
    computeOptimizer: insight.computeOptimizer,
  };
}

export function createInsightClients(options: AwsClientOptions = {}): InsightClients {
  const config = clientConfig(options);
  return {
    cloudwatch: counted(new CloudWatchClient(config), "CloudWatch", options.counter),
    ec2: counted(new EC2Client(config), "EC2", options.counter),
    computeOptimizer: counted(new ComputeOptimizerClient(config), "ComputeOptimizer", options.counter),
  };
}

/**
 * The Pricing API client, configured like every other client. Its endpoints are us-east-1 (and
 * eu-central-1, ap-south-1); from there it prices every region.
 */
export function createPricingClient(options: AwsClientOptions = {}): PricingClient {
  return counted(
    new PricingClient(clientConfig({ ...options, region: "us-east-1" })),
    "Pricing",
    options.counter,
  );
}
