import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { chunk } from "../aws/concurrency.ts";

/** GetMetricData accepts at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;

export interface UsageTarget {
  readonly clusterName: string;
  readonly serviceName: string;
  /** Whether the cluster publishes Container Insights (`ECS/ContainerInsights`). */
  readonly containerInsights: boolean;
}

/** Per-period values of one service over the lookback window, oldest first. */
export interface ServiceUsage {
  readonly target: UsageTarget;
  /** Start of each period (ms since the epoch), oldest first; the other series are aligned to it. */
  readonly timestamps: readonly number[];
  /**
   * With Container Insights: CPU units used per task (CpuUtilized / RunningTaskCount).
   * Without: percent of the service's reserved CPU (AWS/ECS CPUUtilization).
   */
  readonly cpu: readonly number[];
  /** Like `cpu`, in MiB per task (Container Insights) or percent of reserved memory (AWS/ECS). */
  readonly memory: readonly number[];
  /** Per-period maxima of memory (same unit as `memory`). */
  readonly memoryMax: readonly number[];
  /** Running tasks per period (Container Insights only; empty otherwise). */
  readonly runningTasks: readonly number[];
  readonly unit: "per-task" | "percent-of-reservation";
  /** The period of each value, seconds (what a timestamp stands for). */
  readonly periodSeconds: number;
}

type Series = "cpu" | "memory" | "memoryMax" | "runningTasks" | "cpuTotal" | "memoryTotal" | "memoryTotalMax";

function queries(target: UsageTarget, index: number, period: number): MetricDataQuery[] {
  const dimensions = [
    { Name: "ClusterName", Value: target.clusterName },
    { Name: "ServiceName", Value: target.serviceName },
  ];
  const stat = (id: Series, namespace: string, metric: string, statistic: string): MetricDataQuery => ({
    Id: `s${index}_${id}`,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: metric, Dimensions: dimensions },
      Period: period,
      Stat: statistic,
    },
    ReturnData: true,
  });
  if (target.containerInsights) {
    return [
      stat("cpuTotal", "ECS/ContainerInsights", "CpuUtilized", "Average"),
      stat("memoryTotal", "ECS/ContainerInsights", "MemoryUtilized", "Average"),
      stat("memoryTotalMax", "ECS/ContainerInsights", "MemoryUtilized", "Maximum"),
      stat("runningTasks", "ECS/ContainerInsights", "RunningTaskCount", "Average"),
    ];
  }
  return [
    stat("cpu", "AWS/ECS", "CPUUtilization", "Average"),
    stat("memory", "AWS/ECS", "MemoryUtilization", "Average"),
    stat("memoryMax", "AWS/ECS", "MemoryUtilization", "Maximum"),
  ];
}

/** Values ordered oldest first (GetMetricData returns newest first by default). */
function ordered(result: { timestamps: number[]; values: number[] }): number[] {
  return pairs(result).map(([, v]) => v);
}

function pairs(result: { timestamps: number[]; values: number[] }): Array<readonly [number, number]> {
  return result.timestamps.map((t, i) => [t, result.values[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
}

/**
 * Reads CPU, memory and task counts of many services over a lookback window: every query of
 * every service batched into GetMetricData requests of at most 500 queries, each request
 * followed through its NextToken pages. Per-period statistics only (Average, Maximum), so
 * percentiles are computed on our side.
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
  const all = targets.flatMap((target, index) => queries(target, index, period));
  const collected = new Map<string, { timestamps: number[]; values: number[] }>();
  for (const batch of chunk(all, MAX_QUERIES_PER_REQUEST)) {
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
      for (const result of response.MetricDataResults ?? []) append(collected, result);
      nextToken = response.NextToken;
    } while (nextToken);
  }
  return targets.map((target, index) => {
    const series = (id: Series) =>
      ordered(collected.get(`s${index}_${id}`) ?? { timestamps: [], values: [] });
    const timestamps = pairs(
      collected.get(`s${index}_${target.containerInsights ? "cpuTotal" : "cpu"}`) ?? {
        timestamps: [],
        values: [],
      },
    ).map(([t]) => t);
    if (!target.containerInsights) {
      return {
        target,
        timestamps,
        cpu: series("cpu"),
        memory: series("memory"),
        memoryMax: series("memoryMax"),
        runningTasks: [],
        unit: "percent-of-reservation" as const,
        periodSeconds: period,
      };
    }
    // Container Insights reports the service's total; per task is total / running tasks of the same period.
    const tasks = series("runningTasks");
    const perTask = (values: number[]) => values.map((v, i) => v / Math.max(1, tasks[i] ?? 1));
    return {
      target,
      timestamps,
      cpu: perTask(series("cpuTotal")),
      memory: perTask(series("memoryTotal")),
      memoryMax: perTask(series("memoryTotalMax")),
      runningTasks: tasks,
      unit: "per-task" as const,
      periodSeconds: period,
    };
  });
}

function append(
  collected: Map<string, { timestamps: number[]; values: number[] }>,
  result: MetricDataResult,
): void {
  const id = result.Id ?? "";
  const entry = collected.get(id) ?? { timestamps: [], values: [] };
  entry.timestamps.push(...(result.Timestamps ?? []).map((t) => t.getTime()));
  entry.values.push(...(result.Values ?? []));
  collected.set(id, entry);
}
