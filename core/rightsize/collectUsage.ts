import { type CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { chunk } from "../aws/concurrency.ts";
import {
  addResults,
  type CollectedPoints,
  incompleteUsage,
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
 * percentiles are computed on our side. A query CloudWatch answers with `InternalError` or
 * `Forbidden` after its last page fails the whole read (IncompleteUsageError). Which queries a service gets and what its results
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
  const incomplete = incompleteUsage(targets, collected, period);
  if (incomplete.length > 0)
    throw new IncompleteUsageError(
      `CloudWatch did not return the whole ${options.lookbackDays ?? 14}-day window of ${incomplete.length} metric(s): ${incomplete.slice(0, 5).join("; ")}${incomplete.length > 5 ? `; …and ${incomplete.length - 5} more` : ""}. No service is sized on part of its usage; the run fails so that it is retried.`,
    );
  return usageFromPoints(targets, collected, period);
}

/** GetMetricData answered, but said some queries' data is incomplete (`InternalError`, `Forbidden`). */
export class IncompleteUsageError extends Error {
  override name = "IncompleteUsageError";
}
