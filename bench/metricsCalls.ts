/**
 * CloudWatch calls of one right-sizing run's metrics read: what the code does (every query of
 * every service batched into GetMetricData, `collectUsage`) against one GetMetricStatistics per
 * metric per service, both sent to moto for the same services and the same 14 days.
 */
import {
  type CloudWatchClient,
  GetMetricStatisticsCommand,
  type Statistic,
} from "@aws-sdk/client-cloudwatch";
import { mapWithConcurrency } from "../core/aws/concurrency.ts";
import { ApiCallCounter } from "../core/aws/index.ts";
import { createInsightClients } from "../core/aws/insightClients.ts";
import { collectUsage } from "../core/rightsize/collectUsage.ts";
import type { UsageTarget } from "../core/rightsize/usageSeries.ts";

const LOOKBACK_DAYS = 14;
const PERIOD_SECONDS = 300;
/**
 * GetMetricStatistics returns at most 1,440 data points per call (AWS Knowledge Center,
 * "GetMetricData or GetMetricStatistics", read 2026-11-26): 14 days of 5-minute periods are 4,032,
 * so each metric takes 3 calls over adjacent windows.
 */
export const STATISTICS_MAX_POINTS = 1_440;

/** What the code reads per service without Container Insights (core/rightsize/collectUsage.ts). */
const METRICS: Array<{ name: string; statistics: Statistic[] }> = [
  { name: "CPUUtilization", statistics: ["Average"] },
  { name: "MemoryUtilization", statistics: ["Average", "Maximum"] },
];

/** The baseline: one GetMetricStatistics per metric per service (per 1,440-point window). */
async function perMetricStatistics(
  cloudwatch: CloudWatchClient,
  targets: readonly UsageTarget[],
  end: Date,
): Promise<void> {
  const start = end.getTime() - LOOKBACK_DAYS * 86_400_000;
  const windowMs = STATISTICS_MAX_POINTS * PERIOD_SECONDS * 1000;
  const requests: Array<() => Promise<unknown>> = [];
  for (const target of targets)
    for (const metric of METRICS)
      for (let from = start; from < end.getTime(); from += windowMs)
        requests.push(() =>
          cloudwatch.send(
            new GetMetricStatisticsCommand({
              Namespace: "AWS/ECS",
              MetricName: metric.name,
              Dimensions: [
                { Name: "ClusterName", Value: target.clusterName },
                { Name: "ServiceName", Value: target.serviceName },
              ],
              StartTime: new Date(from),
              EndTime: new Date(Math.min(from + windowMs, end.getTime())),
              Period: PERIOD_SECONDS,
              Statistics: metric.statistics,
            }),
          ),
        );
  await mapWithConcurrency(requests, 8, (request) => request());
}

export interface MetricsCallsRow {
  readonly services: number;
  /** GetMetricData requests and the metrics (queries) they asked for: what CloudWatch bills. */
  readonly batched: { readonly requests: number; readonly metricsRequested: number; readonly ms: number };
  /** GetMetricStatistics requests: billed per request. */
  readonly perMetric: { readonly requests: number };
}

export async function metricsCalls(region: string, sizes: readonly number[]): Promise<MetricsCallsRow[]> {
  const counter = new ApiCallCounter();
  const { cloudwatch } = createInsightClients({ region, counter });
  const end = new Date();
  const rows: MetricsCallsRow[] = [];
  for (const services of sizes) {
    const targets: UsageTarget[] = Array.from({ length: services }, (_, i) => ({
      clusterName: `bench-${i % 20}`,
      serviceName: `svc-${i}`,
      containerInsights: false,
    }));
    // Count the queries the batched read sends, from the requests themselves.
    let metricsRequested = 0;
    cloudwatch.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { MetricDataQueries?: unknown[] };
        metricsRequested += input.MetricDataQueries?.length ?? 0;
        return next(args);
      },
      { step: "initialize", name: "benchQueryCounter" },
    );
    counter.reset();
    const started = performance.now();
    await collectUsage(cloudwatch, targets, {
      end,
      lookbackDays: LOOKBACK_DAYS,
      periodSeconds: PERIOD_SECONDS,
    });
    const batched = {
      requests: counter.total(),
      metricsRequested,
      ms: Math.round(performance.now() - started),
    };
    cloudwatch.middlewareStack.remove("benchQueryCounter");
    counter.reset();
    await perMetricStatistics(cloudwatch, targets, end);
    rows.push({ services, batched, perMetric: { requests: counter.total() } });
  }
  return rows;
}
