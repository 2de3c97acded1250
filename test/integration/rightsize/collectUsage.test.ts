import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, describe, expect, it } from "vitest";
import { collectUsage, IncompleteUsageError } from "../../../core/rightsize/collectUsage.ts";
import type { UsageTarget } from "../../../core/rightsize/usageSeries.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;
const END = new Date("2026-11-25T00:00:00Z");
const targets = (n: number, containerInsights = false): UsageTarget[] =>
  Array.from({ length: n }, (_, i) => ({ clusterName: "prod", serviceName: `svc-${i}`, containerInsights }));

describe("collectUsage", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("batches at most 500 queries per GetMetricData request (1, 500 and 1,200 services)", async () => {
    const requests: number[] = [];
    for (const n of [1, 500, 1200]) {
      world.counter.reset();
      await collectUsage(world.insight.cloudwatch, targets(n), { end: END });
      requests.push(world.counter.byOperation()["CloudWatch.GetMetricData"] ?? 0);
    }
    // AWS/ECS: 3 queries per service → 3, 1,500 and 3,600 queries.
    expect(requests).toEqual([1, 3, 8]);
    // moto answers 3,600 queries slowly; on a loaded 2-core machine this takes up to a minute.
  }, 90_000);

  it("reads what CloudWatch (moto) stored, oldest first, per task with Container Insights", async () => {
    const dimensions = [
      { Name: "ClusterName", Value: "prod" },
      { Name: "ServiceName", Value: "svc-0" },
    ];
    const hours = [0, 1, 2].map((h) => new Date(END.getTime() - (3 - h) * 3_600_000));
    const put = (name: string, values: number[]) =>
      world.insight.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "ECS/ContainerInsights",
          MetricData: values.map((v, i) => ({
            MetricName: name,
            Dimensions: dimensions,
            Timestamp: hours[i],
            Value: v,
          })),
        }),
      );
    await put("CpuUtilized", [200, 400, 900]);
    await put("MemoryUtilized", [1000, 1200, 3000]);
    await put("RunningTaskCount", [2, 2, 3]);
    const [usage] = await collectUsage(world.insight.cloudwatch, targets(1, true), {
      end: END,
      periodSeconds: 3600,
      lookbackDays: 1,
    });
    expect(usage?.runningTasks).toEqual([2, 2, 3]);
    expect(usage?.cpu).toEqual([100, 200, 300]);
    expect(usage?.memory).toEqual([500, 600, 1000]);
    expect(usage?.unit).toBe("per-task");
  });

  it("divides a period's totals by that period's task count, dropping a period the count lacks (moto)", async () => {
    // CloudWatch returns no data point for a period without data: here RunningTaskCount lacks
    // the middle hour that CpuUtilized and MemoryUtilized have.
    const dimensions = [
      { Name: "ClusterName", Value: "gaps" },
      { Name: "ServiceName", Value: "svc-gap" },
    ];
    const hours = [0, 1, 2].map((h) => new Date(END.getTime() - (3 - h) * 3_600_000));
    const put = (name: string, points: Array<[number, number]>) =>
      world.insight.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "ECS/ContainerInsights",
          MetricData: points.map(([hour, v]) => ({
            MetricName: name,
            Dimensions: dimensions,
            Timestamp: hours[hour],
            Value: v,
          })),
        }),
      );
    await put("CpuUtilized", [
      [0, 200],
      [1, 999],
      [2, 900],
    ]);
    await put("MemoryUtilized", [
      [0, 1000],
      [1, 9999],
      [2, 3000],
    ]);
    await put("RunningTaskCount", [
      [0, 2],
      [2, 3],
    ]);
    const [usage] = await collectUsage(
      world.insight.cloudwatch,
      [{ clusterName: "gaps", serviceName: "svc-gap", containerInsights: true }],
      { end: END, periodSeconds: 3600, lookbackDays: 1 },
    );
    expect(usage?.timestamps).toEqual([hours[0]?.getTime(), hours[2]?.getTime()]);
    expect(usage?.runningTasks).toEqual([2, 3]);
    expect(usage?.cpu).toEqual([100, 300]);
    expect(usage?.memory).toEqual([500, 1000]);
    expect(usage?.memoryMax).toEqual([500, 1000]);
  });

  it("follows NextToken pages", async () => {
    // moto 5.2.1 never pages GetMetricData; the paging is simulated on the client (a fault moto cannot produce).
    const mock = mockClient(CloudWatchClient);
    mock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: "s0_cpu", Timestamps: [new Date(1000)], Values: [10] },
          { Id: "s0_memory", Timestamps: [new Date(1000), new Date(2000)], Values: [30, 40] },
          { Id: "s0_memoryMax", Timestamps: [new Date(1000)], Values: [50] },
        ],
        NextToken: "page-2",
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: "s0_cpu", Timestamps: [new Date(2000)], Values: [20] },
          { Id: "s0_memoryMax", Timestamps: [new Date(2000)], Values: [60] },
        ],
      });
    const [usage] = await collectUsage(new CloudWatchClient({ region: "eu-west-1" }), targets(1), {
      end: END,
    });
    expect(usage?.cpu).toEqual([10, 20]);
    expect(usage?.memoryMax).toEqual([50, 60]);
    expect(mock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      "page-2",
    ]);
    mock.restore();
  });

  it("fails the read when a query's last page says InternalError or Forbidden, naming the service and metric", async () => {
    // moto 5.2.1 always answers StatusCode Complete; the statuses are simulated on the client (a case moto cannot produce).
    const mock = mockClient(CloudWatchClient);
    mock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: "s0_cpu", StatusCode: "InternalError", Timestamps: [new Date(1000)], Values: [10] },
          { Id: "s0_memory", StatusCode: "Complete", Timestamps: [new Date(1000)], Values: [30] },
          { Id: "s0_memoryMax", StatusCode: "Complete", Timestamps: [new Date(1000)], Values: [50] },
        ],
        NextToken: "retry",
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: "s0_cpu", StatusCode: "Complete", Timestamps: [new Date(2000)], Values: [20] },
          {
            Id: "s1_memoryMax",
            StatusCode: "Forbidden",
            Messages: [{ Code: "Forbidden", Value: "User is not authorized" }],
          },
        ],
      });
    const read = collectUsage(new CloudWatchClient({ region: "eu-west-1" }), targets(2), { end: END });
    await expect(read).rejects.toBeInstanceOf(IncompleteUsageError);
    await expect(read).rejects.toThrow(
      "CloudWatch did not return the whole 14-day window of 1 metric(s): prod/svc-1 MemoryUtilization Maximum: Forbidden (Forbidden: User is not authorized).",
    );
    mock.restore();
  });
});

describe("describeInstanceShapes", () => {
  it("reads vCPUs, memory and architecture from DescribeInstanceTypes (moto)", async () => {
    const { describeInstanceShapes } = await import("../../../core/rightsize/instanceShapes.ts");
    const shapes = await describeInstanceShapes(world.insight.ec2, ["m6i.large", "m7g.xlarge", "r6i.large"]);
    expect(shapes).toEqual([
      { instanceType: "m6i.large", vcpus: 2, memory: 8192, architecture: "x86_64" },
      { instanceType: "m7g.xlarge", vcpus: 4, memory: 16384, architecture: "arm64" },
      { instanceType: "r6i.large", vcpus: 2, memory: 16384, architecture: "x86_64" },
    ]);
  });
});
