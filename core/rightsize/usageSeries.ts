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

type SeriesId =
  | "cpu"
  | "memory"
  | "memoryMax"
  | "runningTasks"
  | "cpuTotal"
  | "memoryTotal"
  | "memoryTotalMax";

function queries(target: UsageTarget, index: number, period: number): MetricDataQuery[] {
  const dimensions = [
    { Name: "ClusterName", Value: target.clusterName },
    { Name: "ServiceName", Value: target.serviceName },
  ];
  const stat = (id: SeriesId, namespace: string, metric: string, statistic: string): MetricDataQuery => ({
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

/**
 * The data points GetMetricData returned, by query Id, pages appended as they come: period
 * starts (ms since the epoch) and values, in two plain number lists (the compact form: a weekly
 * run holds a batch of services' 14 days of points at once).
 */
export type CollectedPoints = Map<
  string | undefined,
  {
    timestamps: number[];
    values: number[];
    /** The StatusCode of the last page that had this query, and its first message, if any. */
    status?: string;
    message?: string;
  }
>;

/** Appends one page of GetMetricData results; a timestamp without a value is no data point. */
export function addResults(collected: CollectedPoints, results: readonly MetricDataResult[]): void {
  for (const result of results) {
    const entry = collected.get(result.Id) ?? { timestamps: [], values: [] };
    for (const [i, timestamp] of (result.Timestamps ?? []).entries()) {
      const value = result.Values?.[i];
      if (value === undefined) continue;
      entry.timestamps.push(timestamp.getTime());
      entry.values.push(value);
    }
    if (result.StatusCode) entry.status = result.StatusCode;
    const message = result.Messages?.[0];
    if (message) entry.message = [message.Code, message.Value].filter(Boolean).join(": ");
    else delete entry.message;
    collected.set(result.Id, entry);
  }
}

/**
 * The statuses after which a query's points are not the whole window: `InternalError` (CloudWatch
 * says retry; its NextToken, when there is one, is followed like any page) and `Forbidden`.
 * `PartialData` is followed through NextToken; `Complete` is complete. (CloudWatch API
 * Reference, MetricDataResult, StatusCode.)
 */
const INCOMPLETE = new Set(["InternalError", "Forbidden"]);

/**
 * The services whose usage CloudWatch did not return whole, after every page: one line per query
 * whose last status was `InternalError` or `Forbidden` (`prod/api CpuUtilized: Forbidden (…)`).
 * Usage sized on part of the window could miss its peaks, so the caller fails instead.
 */
export function incompleteUsage(
  targets: readonly UsageTarget[],
  collected: CollectedPoints,
  periodSeconds: number,
): string[] {
  return usageQueries(targets, periodSeconds).flatMap((query) => {
    const entry = collected.get(query.Id);
    if (!entry?.status || !INCOMPLETE.has(entry.status)) return [];
    const target = targets[Number(query.Id?.slice(1, query.Id.indexOf("_")))];
    const metric = query.MetricStat?.Metric?.MetricName;
    const stat = query.MetricStat?.Stat;
    return [
      `${target?.clusterName}/${target?.serviceName} ${metric} ${stat}: ${entry.status}${entry.message ? ` (${entry.message})` : ""}`,
    ];
  });
}

type Series = ReadonlyMap<number, number>;

/**
 * The periods every series has a data point for, oldest first. GetMetricData leaves out a
 * period without data points, series by series, so a series' n-th value need not be of the same
 * period as another's: series are paired by timestamp, never by position.
 */
function periods(first: Series, ...others: readonly Series[]): number[] {
  return [...first.keys()].filter((t) => others.every((s) => s.has(t))).sort((a, b) => a - b);
}

/** A series' values at `timestamps`, which are all periods it has (from `periods`). */
function at(series: Series, timestamps: readonly number[]): number[] {
  return timestamps.map((t) => series.get(t) as number);
}

/**
 * The usage of every target (in the order of `targets`) from the points GetMetricData returned
 * for the queries `usageQueries` built, all pages (`addResults`): values oldest first, one per
 * period.
 *
 * A period is kept only when every series of the service has a data point for it: GetMetricData
 * returns none for a period without data, series by series. With Container Insights a per-task
 * value is the service's total divided by the running-task count OF THE SAME PERIOD (at least
 * 1), so a period without a task count is dropped, never divided by a made-up count or by
 * another period's; a period with CPU but no memory, or the reverse, is dropped too. So
 * `timestamps`, `cpu`, `memory`, `memoryMax` and `runningTasks` are index-aligned, as
 * profile.ts (running periods, duty cycle) and the report's charts read them. No zero-task
 * period is lost by dropping: ECS publishes no data point for a period without running tasks
 * (ECS developer guide, "Amazon ECS CloudWatch metrics"; Container Insights records no
 * performance event then either), in every series alike.
 */
export function usageFromPoints(
  targets: readonly UsageTarget[],
  collected: CollectedPoints,
  periodSeconds: number,
): ServiceUsage[] {
  return targets.map((target, index) => {
    // One service's points by period start, only while its usage is built.
    const read = (id: SeriesId): Series => {
      const series = new Map<number, number>();
      const points = collected.get(`s${index}_${id}`);
      if (points) for (const [i, t] of points.timestamps.entries()) series.set(t, points.values[i] as number);
      return series;
    };
    if (!target.containerInsights) {
      const [cpu, memory, memoryMax] = [read("cpu"), read("memory"), read("memoryMax")];
      const timestamps = periods(cpu, memory, memoryMax);
      return {
        target,
        timestamps,
        cpu: at(cpu, timestamps),
        memory: at(memory, timestamps),
        memoryMax: at(memoryMax, timestamps),
        runningTasks: [],
        unit: "percent-of-reservation" as const,
        periodSeconds,
      };
    }
    const [cpuTotal, memoryTotal, memoryTotalMax, tasks] = [
      read("cpuTotal"),
      read("memoryTotal"),
      read("memoryTotalMax"),
      read("runningTasks"),
    ];
    const timestamps = periods(cpuTotal, memoryTotal, memoryTotalMax, tasks);
    // Container Insights reports the service's total; per task is total / running tasks of the same period.
    const perTask = (total: Series) =>
      timestamps.map((t) => (total.get(t) as number) / Math.max(1, tasks.get(t) as number));
    return {
      target,
      timestamps,
      cpu: perTask(cpuTotal),
      memory: perTask(memoryTotal),
      memoryMax: perTask(memoryTotalMax),
      runningTasks: at(tasks, timestamps),
      unit: "per-task" as const,
      periodSeconds,
    };
  });
}
