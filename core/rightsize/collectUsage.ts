import { type CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { chunk } from "../aws/concurrency.ts";
import {
  addResults,
  type CollectedPoints,
  type ServiceUsage,
  type UsageTarget,
  usageFromPoints,
  usageQueries,
} from "./usageSeries.ts";

/** GetMetricData accepts at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;

/**
 * Reads CPU, memory and task counts of many services over a lookback window: every query of
 * every service batched into GetMetricData requests of at most 500 queries, each request
 * followed through its NextToken pages. Per-period statistics only (Average, Maximum), so
 * percentiles are computed on our side. Which queries a service gets and what its results
 * become are in usageSeries.ts.
 *
 * @example
 * const usage = await collectUsage(cloudwatch, targets, { end: new Date(), lookbackDays: 14 });
 */
export async function collectUsage(
  cloudwatch: CloudWatchClient,
  targets: readonly UsageTarget[],
  options: { end: Date; lookbackDays?: number; periodSeconds?: number },
): Promise<ServiceUsage[]> {
  const period = options.periodSeconds ?? 300;
  const start = new Date(options.end.getTime() - (options.lookbackDays ?? 14) * 86_400_000);
  const collected: CollectedPoints = new Map();
  for (const batch of chunk(usageQueries(targets, period), MAX_QUERIES_PER_REQUEST)) {
    let nextToken: string | undefined;
    do {
      const response = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: batch,
          StartTime: start,
          EndTime: options.end,
          ScanBy: "TimestampAscending",
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      addResults(collected, response.MetricDataResults ?? []);
      nextToken = response.NextToken;
    } while (nextToken);
  }
  return usageFromPoints(targets, collected, period);
}
