import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import {
  addResults,
  type CollectedPoints,
  incompleteUsage,
  type UsageTarget,
  usageFromPoints,
  usageQueries,
} from "../../../core/rightsize/usageSeries.ts";

const INSIGHTS: UsageTarget = { clusterName: "prod", serviceName: "api", containerInsights: true };
const PLAIN: UsageTarget = { clusterName: "batch", serviceName: "worker", containerInsights: false };

/** Period starts of 5-minute periods (ms since the epoch), oldest first. */
const T = [1_795_554_000_000, 1_795_554_300_000, 1_795_554_600_000, 1_795_554_900_000] as const;

/** One GetMetricData result: `points` are [period start, value]. */
const result = (id: string, points: Array<readonly [number, number]>): MetricDataResult => ({
  Id: id,
  StatusCode: "Complete",
  Timestamps: points.map(([t]) => new Date(t)),
  Values: points.map(([, v]) => v),
});

/** The usage of `targets` from one page of GetMetricData results. */
function usageFromResults(
  targets: readonly UsageTarget[],
  results: readonly MetricDataResult[],
  period: number,
) {
  const collected: CollectedPoints = new Map();
  addResults(collected, results);
  return usageFromPoints(targets, collected, period);
}

describe("usageQueries", () => {
  it("asks ECS/ContainerInsights for the totals and the task count, AWS/ECS for the percents, one Id per series and target", () => {
    const dimensions = (cluster: string, service: string) => [
      { Name: "ClusterName", Value: cluster },
      { Name: "ServiceName", Value: service },
    ];
    const query = (id: string, namespace: string, metric: string, stat: string, dims: unknown) => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metric, Dimensions: dims },
        Period: 300,
        Stat: stat,
      },
      ReturnData: true,
    });
    const api = dimensions("prod", "api");
    const worker = dimensions("batch", "worker");
    expect(usageQueries([INSIGHTS, PLAIN], 300)).toEqual([
      query("s0_cpuTotal", "ECS/ContainerInsights", "CpuUtilized", "Average", api),
      query("s0_memoryTotal", "ECS/ContainerInsights", "MemoryUtilized", "Average", api),
      query("s0_memoryTotalMax", "ECS/ContainerInsights", "MemoryUtilized", "Maximum", api),
      query("s0_runningTasks", "ECS/ContainerInsights", "RunningTaskCount", "Average", api),
      query("s1_cpu", "AWS/ECS", "CPUUtilization", "Average", worker),
      query("s1_memory", "AWS/ECS", "MemoryUtilization", "Average", worker),
      query("s1_memoryMax", "AWS/ECS", "MemoryUtilization", "Maximum", worker),
    ]);
  });

  it("uses the period it is given", () => {
    expect(usageQueries([PLAIN], 3600).map((q) => q.MetricStat?.Period)).toEqual([3600, 3600, 3600]);
  });

  it("asks nothing for no target", () => {
    expect(usageQueries([], 300)).toEqual([]);
  });
});

describe("usageFromResults", () => {
  it("without Container Insights: percents of the reservation, oldest first, no task counts", () => {
    // Newest first, as GetMetricData returns them without ScanBy.
    const [usage] = usageFromResults(
      [PLAIN],
      [
        result("s0_cpu", [
          [T[2], 30],
          [T[1], 20],
          [T[0], 10],
        ]),
        result("s0_memory", [
          [T[2], 60],
          [T[1], 50],
          [T[0], 40],
        ]),
        result("s0_memoryMax", [
          [T[2], 90],
          [T[1], 80],
          [T[0], 70],
        ]),
      ],
      300,
    );
    expect(usage).toEqual({
      target: PLAIN,
      timestamps: [T[0], T[1], T[2]],
      cpu: [10, 20, 30],
      memory: [40, 50, 60],
      memoryMax: [70, 80, 90],
      runningTasks: [],
      unit: "percent-of-reservation",
      periodSeconds: 300,
    });
  });

  it("with Container Insights: each period's totals divided by that period's running tasks, in CPU units and MiB per task", () => {
    const [usage] = usageFromResults(
      [INSIGHTS],
      [
        result("s0_cpuTotal", [
          [T[0], 200],
          [T[1], 600],
          [T[2], 900],
        ]),
        result("s0_memoryTotal", [
          [T[0], 1000],
          [T[1], 1500],
          [T[2], 3000],
        ]),
        result("s0_memoryTotalMax", [
          [T[0], 1200],
          [T[1], 2400],
          [T[2], 3600],
        ]),
        result("s0_runningTasks", [
          [T[0], 2],
          [T[1], 3],
          [T[2], 4],
        ]),
      ],
      60,
    );
    expect(usage).toEqual({
      target: INSIGHTS,
      timestamps: [T[0], T[1], T[2]],
      cpu: [100, 200, 225],
      memory: [500, 500, 750],
      memoryMax: [600, 800, 900],
      runningTasks: [2, 3, 4],
      unit: "per-task",
      periodSeconds: 60,
    });
  });

  it("divides by at least one task: a period counting no task keeps the service's total", () => {
    const [usage] = usageFromResults(
      [INSIGHTS],
      [
        result("s0_cpuTotal", [[T[0], 12]]),
        result("s0_memoryTotal", [[T[0], 300]]),
        result("s0_memoryTotalMax", [[T[0], 320]]),
        result("s0_runningTasks", [[T[0], 0]]),
      ],
      300,
    );
    expect([usage?.cpu, usage?.memory, usage?.memoryMax, usage?.runningTasks]).toEqual([
      [12],
      [300],
      [320],
      [0],
    ]);
  });

  it("pairs a period's total with the task count of the same period, dropping a period the count lacks", () => {
    // CloudWatch returns no data point for a period without data: RunningTaskCount lacks T[1].
    const [usage] = usageFromResults(
      [INSIGHTS],
      [
        result("s0_cpuTotal", [
          [T[0], 200],
          [T[1], 999],
          [T[2], 900],
        ]),
        result("s0_memoryTotal", [
          [T[0], 1000],
          [T[1], 9999],
          [T[2], 3000],
        ]),
        result("s0_memoryTotalMax", [
          [T[0], 1200],
          [T[1], 9999],
          [T[2], 3600],
        ]),
        result("s0_runningTasks", [
          [T[0], 2],
          [T[2], 3],
        ]),
      ],
      300,
    );
    expect(usage).toMatchObject({
      timestamps: [T[0], T[2]],
      cpu: [100, 300],
      memory: [500, 1000],
      memoryMax: [600, 1200],
      runningTasks: [2, 3],
    });
  });

  it("drops a period a task count has but CPU or memory lacks", () => {
    const [usage] = usageFromResults(
      [INSIGHTS],
      [
        // CpuUtilized lacks T[0], MemoryUtilized's Maximum lacks T[2].
        result("s0_cpuTotal", [
          [T[1], 600],
          [T[2], 900],
          [T[3], 400],
        ]),
        result("s0_memoryTotal", [
          [T[0], 1000],
          [T[1], 1500],
          [T[2], 3000],
          [T[3], 800],
        ]),
        result("s0_memoryTotalMax", [
          [T[0], 1200],
          [T[1], 2400],
          [T[3], 1000],
        ]),
        result("s0_runningTasks", [
          [T[0], 2],
          [T[1], 3],
          [T[2], 4],
          [T[3], 2],
        ]),
      ],
      300,
    );
    expect(usage).toMatchObject({
      timestamps: [T[1], T[3]],
      cpu: [200, 200],
      memory: [500, 400],
      memoryMax: [800, 500],
      runningTasks: [3, 2],
    });
  });

  it("without Container Insights, drops a period memory lacks instead of shifting memory onto CPU's periods", () => {
    const [usage] = usageFromResults(
      [PLAIN],
      [
        result("s0_cpu", [
          [T[0], 10],
          [T[1], 20],
          [T[2], 30],
        ]),
        result("s0_memory", [
          [T[0], 40],
          [T[2], 60],
        ]),
        result("s0_memoryMax", [
          [T[0], 70],
          [T[2], 90],
        ]),
      ],
      300,
    );
    expect(usage).toMatchObject({
      timestamps: [T[0], T[2]],
      cpu: [10, 30],
      memory: [40, 60],
      memoryMax: [70, 90],
    });
  });

  it("joins the pages of one series, oldest first by time (not by text: 900,000 ms before 1,200,000 ms)", () => {
    const [usage] = usageFromResults(
      [PLAIN],
      [
        result("s0_cpu", [[1_200_000, 2]]),
        result("s0_memory", [
          [1_200_000, 20],
          [900_000, 10],
        ]),
        result("s0_memoryMax", [
          [900_000, 30],
          [1_200_000, 40],
        ]),
        // The next page.
        result("s0_cpu", [[900_000, 1]]),
      ],
      300,
    );
    expect(usage).toMatchObject({
      timestamps: [900_000, 1_200_000],
      cpu: [1, 2],
      memory: [10, 20],
      memoryMax: [30, 40],
    });
  });

  it("gives each target the results of its own Ids, and none to a target CloudWatch returned nothing for", () => {
    const other: UsageTarget = { clusterName: "prod", serviceName: "web", containerInsights: false };
    const usage = usageFromResults(
      [PLAIN, other, INSIGHTS],
      [
        result("s1_cpu", [[T[0], 11]]),
        result("s1_memory", [[T[0], 22]]),
        result("s1_memoryMax", [[T[0], 33]]),
        result("s2_cpuTotal", [[T[0], 100]]),
        result("s2_memoryTotal", [[T[0], 200]]),
        result("s2_memoryTotalMax", [[T[0], 300]]),
        result("s2_runningTasks", [[T[0], 1]]),
      ],
      300,
    );
    expect(usage).toEqual([
      {
        target: PLAIN,
        timestamps: [],
        cpu: [],
        memory: [],
        memoryMax: [],
        runningTasks: [],
        unit: "percent-of-reservation",
        periodSeconds: 300,
      },
      {
        target: other,
        timestamps: [T[0]],
        cpu: [11],
        memory: [22],
        memoryMax: [33],
        runningTasks: [],
        unit: "percent-of-reservation",
        periodSeconds: 300,
      },
      {
        target: INSIGHTS,
        timestamps: [T[0]],
        cpu: [100],
        memory: [200],
        memoryMax: [300],
        runningTasks: [1],
        unit: "per-task",
        periodSeconds: 300,
      },
    ]);
  });

  it("takes a data point only where a timestamp has a value (the SDK types both lists as optional)", () => {
    const [usage] = usageFromResults(
      [PLAIN],
      [
        { Id: "s0_cpu", Timestamps: [new Date(T[0]), new Date(T[1])], Values: [10] },
        { Id: "s0_cpu", Values: [99] },
        { Id: "s0_memory", Timestamps: [new Date(T[0]), new Date(T[1])], Values: [40, 50] },
        { Id: "s0_memory", Timestamps: [new Date(T[2])] },
        { Id: "s0_memoryMax", Timestamps: [new Date(T[0]), new Date(T[1])], Values: [70, 80] },
      ],
      300,
    );
    expect(usage).toMatchObject({ timestamps: [T[0]], cpu: [10], memory: [40], memoryMax: [70] });
  });
});

describe("incompleteUsage", () => {
  const collect = (...pages: MetricDataResult[][]) => {
    const collected: CollectedPoints = new Map();
    for (const page of pages) addResults(collected, page);
    return collected;
  };

  it("names each query whose last page said InternalError or Forbidden, with the service, metric, statistic and CloudWatch's message", () => {
    const collected = collect([
      {
        ...result("s0_cpu", [[T[0], 10]]),
        StatusCode: "Forbidden",
        Messages: [{ Code: "Forbidden", Value: "not authorized" }],
      },
      result("s0_memory", [[T[0], 40]]),
      result("s0_memoryMax", [[T[0], 70]]),
      result("s1_cpuTotal", [[T[0], 100]]),
      { ...result("s1_memoryTotalMax", []), StatusCode: "InternalError" },
    ]);
    expect(incompleteUsage([PLAIN, INSIGHTS], collected, 300)).toEqual([
      "batch/worker CPUUtilization Average: Forbidden (Forbidden: not authorized)",
      "prod/api MemoryUtilized Maximum: InternalError",
    ]);
  });

  it("takes the last page's status: InternalError then Complete is whole, Complete then InternalError is not", () => {
    const recovered = collect(
      [
        {
          ...result("s0_cpu", [[T[0], 10]]),
          StatusCode: "InternalError",
          Messages: [{ Code: "InternalError" }],
        },
      ],
      [result("s0_cpu", [[T[1], 20]])],
    );
    expect(incompleteUsage([PLAIN], recovered, 300)).toEqual([]);
    const broken = collect(
      [result("s0_cpu", [[T[0], 10]])],
      [{ ...result("s0_cpu", []), StatusCode: "InternalError" }],
    );
    expect(incompleteUsage([PLAIN], broken, 300)).toEqual([
      "batch/worker CPUUtilization Average: InternalError",
    ]);
  });

  it("keeps an earlier page's InternalError when a later page gives no status, and quotes a message without a code as it is", () => {
    const collected = collect(
      [{ ...result("s0_cpu", [[T[0], 10]]), StatusCode: "InternalError" }],
      [{ Id: "s0_cpu", Timestamps: [new Date(T[1])], Values: [20] }],
      [{ ...result("s0_memory", []), StatusCode: "Forbidden", Messages: [{ Value: "not authorized" }] }],
    );
    expect(incompleteUsage([PLAIN], collected, 300)).toEqual([
      "batch/worker CPUUtilization Average: InternalError",
      "batch/worker MemoryUtilization Average: Forbidden (not authorized)",
    ]);
  });

  it("counts Complete, PartialData (followed through NextToken) and a missing status as whole", () => {
    const collected = collect([
      result("s0_cpu", [[T[0], 10]]),
      { ...result("s0_memory", [[T[0], 40]]), StatusCode: "PartialData" },
      { Id: "s0_memoryMax", Timestamps: [new Date(T[0])], Values: [70] },
    ]);
    expect(incompleteUsage([PLAIN], collected, 300)).toEqual([]);
  });
});
