/**
 * The AWS list prices the monthly bill uses: US East (N. Virginia), USD, on-demand, without free
 * tiers (an installation shares its account's free tier with everything else in it). Each price
 * names where it was read and when. AWS's own pricing pages render their rates with scripts, so
 * their stored text often has no figures; where that is so, the figure comes from a dated page
 * that quotes it, named as such.
 */
export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}

const READ = "read 2026-11-26";

export const PRICES = {
  lambdaRequests: {
    usd: 0.2,
    per: "1 million requests",
    source: `aws.amazon.com/lambda/pricing as transcribed by api-evangelist/aws-lambda plans/aws-lambda-plans-pricing.yml (page read 2026-09-20, "$0.20 per million requests", found verbatim on the page) and the lambda_local_runner docs on git.mcrn.ar, lambda-13-cost.md (2026-05-11: $0.20 per 1M, x86_64 and arm64 alike), ${READ}`,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: "GB-second, arm64 (first 7.5 billion GB-s a month)",
    source: `aws.amazon.com/lambda/pricing as quoted by cloudchipr.com "AWS Lambda Pricing Breakdown: Ultimate Guide 2024" (US East, ARM: first 7.5 billion GB-s a month) and the lambda_local_runner docs on git.mcrn.ar, lambda-13-cost.md (2026-05-11); AWS's page renders its rates with scripts, ${READ}`,
  },
  dynamoWriteUnits: {
    usd: 0.625,
    per: "1 million write request units (on-demand)",
    source: `after AWS's 50% cut of on-demand throughput of 2024-11-01, as quoted by airbyte.com "DynamoDB pricing" (2025-07-21) and jusdb.com (2025-08-19), ${READ}`,
  },
  dynamoReadUnits: {
    usd: 0.125,
    per: "1 million read request units (on-demand)",
    source: `as above (airbyte.com 2025-07-21), ${READ}`,
  },
  eventBridgeServiceEvents: {
    usd: 0,
    per: "event from an AWS service on the default bus (ECR, ECS, CloudTrail)",
    source: `AWS Knowledge Center "eventbridge-reduce-charges" (updated 2021-12-13: events that originate from AWS services are free), ${READ}`,
  },
  eventBridgeScheduler: {
    usd: 1.0,
    per: "1 million scheduler invocations (after 14 million free a month)",
    source: `cloudburn.io "Amazon EventBridge Pricing" (2026-03-13, US East), ${READ}`,
  },
  cloudWatchGetMetricData: {
    usd: 0.01,
    per: "1,000 metrics requested (GetMetricData; no free tier)",
    source: `support.site24x7.com "CloudWatch metrics cost calculation"; AWS's CloudWatch pricing page excludes GetMetricData from the 1 million free API requests, ${READ}`,
  },
  cloudWatchRequests: {
    usd: 0.01,
    per: "1,000 requests (GetMetricStatistics and other API requests; first 1 million a month free)",
    source: `api-evangelist/cloudwatch plans/cloudwatch-plans-pricing.yml (from aws.amazon.com/cloudwatch/pricing, 2026-05-05, a generated file: weakest source here); the free million: AWS Knowledge Center "cloudwatch-getmetricdata-api", ${READ}`,
  },
  sqsRequests: {
    usd: 0.4,
    per: "1 million standard-queue requests (per 64 KB chunk; first 1 million a month free)",
    source: `cloudburn.io "Amazon SQS Pricing" (2026-03-14) and factualminds.com (2026-06-13), both US East, ${READ}`,
  },
} as const satisfies Record<string, Price>;
