import type { MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";

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

/**
 * The GetMetricData queries of every target, in order: `s<index>_<series>` Ids, one period.
 * With Container Insights the service's totals (CpuUtilized and MemoryUtilized Average,
 * MemoryUtilized Maximum) and RunningTaskCount; without, AWS/ECS CPUUtilization and
 * MemoryUtilization (Average, Maximum).
 */
export function usageQueries(targets: readonly UsageTarget[], periodSeconds: number): MetricDataQuery[] {
  return targets.flatMap((target, index) => queries(target, index, periodSeconds));
}

/** Values ordered oldest first (GetMetricData returns newest first by default). */
function ordered(result: { timestamps: number[]; values: number[] }): number[] {
  return pairs(result).map(([, v]) => v);
}

function pairs(result: { timestamps: number[]; values: number[] }): Array<readonly [number, number]> {
  return result.timestamps.map((t, i) => [t, result.values[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
}

/**
 * The data points GetMetricData returned, by query Id, pages appended as they come: period
 * starts (ms since the epoch) and values, in two plain number lists (the compact form: a weekly
 * run holds a batch of services' 14 days of points at once).
 */
export type CollectedPoints = Map<string, { timestamps: number[]; values: number[] }>;

/** Appends one page of GetMetricData results. */
export function addResults(collected: CollectedPoints, results: readonly MetricDataResult[]): void {
  for (const result of results) {
    const id = result.Id ?? "";
    const entry = collected.get(id) ?? { timestamps: [], values: [] };
    entry.timestamps.push(...(result.Timestamps ?? []).map((t) => t.getTime()));
    entry.values.push(...(result.Values ?? []));
    collected.set(id, entry);
  }
}

/**
 * The usage of every target (in the order of `targets`) from the points GetMetricData returned
 * for the queries `usageQueries` built, all pages (`addResults`).
 */
export function usageFromPoints(
  targets: readonly UsageTarget[],
  collected: CollectedPoints,
  periodSeconds: number,
): ServiceUsage[] {
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
        periodSeconds,
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
      periodSeconds,
    };
  });
}
