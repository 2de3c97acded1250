/**
 * The scale run's moto answers GetMetricData exactly as moto 5.2.1 does.
 *
 * Why the patch exists (scale only): moto's `CloudWatchBackend.get_metric_data` scans every
 * stored datapoint once per period of every query, so the weekly right-sizing job's requests (500
 * queries × 14 days at 5-minute periods = 4,032 periods, 2,000 services' datapoints) take moto
 * many minutes each and the job ran into Lambda's timeout inside moto. `npm run test:scale`
 * therefore starts moto through test/faults/moto_fast_metrics.py, which replaces that one method
 * with the same computation bucketed by period once. Nothing else uses it: the test setup, the
 * bench and `npm start` run plain `moto_server`. These tests are what make its figures trustworthy:
 *
 * - randomized small accounts × 4 requests (100 in `npm test`, 400 for the record in
 *   docs/reliability.md; moto_fast_metrics_check.py: namespaces, names,
 *   dimension sets in both orders, units, values / value lists / statistic sets, timestamps on
 *   and off period boundaries and with microseconds, S3 metrics moto adds itself; every statistic,
 *   unknown ones, labels, ReturnData, metric math, SELECT queries, both ScanBy orders, ranges off
 *   boundaries, empty, equal and reversed): moto's method and the fast one get the same arguments
 *   and must return the same values (types and float bits) or raise the same error, and the whole
 *   boto3 response must be the same with either installed;
 * - the same check (40 accounts) against deliberately wrong fast paths finds differences, so the cases reach
 *   period boundaries, moto's namespace quirk, the scan order and the order of float sums;
 * - the launcher, started as the scale run starts it, and plain `moto_server` give the project's
 *   SDK client the same answers, including the right-sizing flow's own `collectUsage`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectUsage } from "../../core/rightsize/collectUsage.ts";
import { putContainerInsights } from "../../sandbox/seed.ts";
import { locateMotoPython, type MotoServer, startMotoServer } from "../../scripts/moto-server.ts";
import { clientsAt } from "./clientsAt.ts";
import { FAST_METRICS_CHECK, FAST_METRICS_LAUNCHER } from "./fastMetricsLauncher.ts";

const run = promisify(execFile);

interface CheckReport {
  cases: number;
  requests: number;
  comparisons: number;
  differences: number;
  answeredByOriginal: number;
  answeredByFast: number;
  errorsCompared: number;
  nonEmptyResults: number;
  s3Cases: number;
  oddDimensionCases: number;
  examples: unknown[];
}

/**
 * Randomized accounts compared in `npm test`: 100 keeps the suite's share small (the 400 of the
 * scale run's record take about 30 s on a quiet machine); `FAST_METRICS_CASES=400` repeats that.
 */
const CASES = Number(process.env.FAST_METRICS_CASES ?? 100);

async function check(args: string[]): Promise<CheckReport> {
  const { stdout } = await run(locateMotoPython(), [FAST_METRICS_CHECK, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 170_000,
    killSignal: "SIGKILL",
  });
  return JSON.parse(stdout) as CheckReport;
}

describe("moto_fast_metrics.py: moto's GetMetricData answers, bucketed by period once", () => {
  it(`gives moto's own answers for ${CASES} randomized accounts × 4 requests, in the backend and on the wire`, async () => {
    const report = await check(["--cases", String(CASES), "--requests", "4", "--seed", "11"]);
    expect(report.examples).toEqual([]);
    expect(report.differences).toBe(0);
    expect(report.cases).toBe(CASES);
    expect(report.requests).toBe(4 * CASES);
    // Every request compared twice: the backend's return values and the boto3 response.
    expect(report.comparisons).toBe(8 * CASES);
    // The fast path answered every request moto answered (no fallback to moto's method, which
    // would make the comparison trivially equal), and the cases are not all empty or errors.
    expect(report.answeredByFast).toBe(report.answeredByOriginal);
    expect(report.answeredByOriginal + report.errorsCompared).toBe(report.requests);
    expect(report.nonEmptyResults).toBeGreaterThan(report.requests * 0.4);
    expect(report.errorsCompared).toBeGreaterThan(0);
    // Every tenth case (index 3, 13, …) has S3 buckets.
    expect(report.s3Cases).toBe(Math.floor((CASES + 6) / 10));
    expect(report.oddDimensionCases).toBeGreaterThan(0);
  }, 180_000);

  it("finds differences in fast paths with planted bugs: boundaries, namespace quirk, scan order, sum order", async () => {
    const { stdout } = await run(
      locateMotoPython(),
      [FAST_METRICS_CHECK, "--cases", "40", "--seed", "11", "--plant-bugs", "all"],
      { timeout: 170_000, killSignal: "SIGKILL" },
    );
    const report = JSON.parse(stdout) as { differencesByPlantedBug: Record<string, number> };
    expect(Object.keys(report.differencesByPlantedBug).sort()).toEqual([
      "boundary",
      "namespace",
      "order",
      "sum-order",
    ]);
    for (const [bug, differences] of Object.entries(report.differencesByPlantedBug))
      expect(differences, bug).toBeGreaterThan(0);
  }, 180_000);
});

describe("the launcher as the scale run starts it, next to plain moto_server", () => {
  let plain: MotoServer;
  let fast: MotoServer;
  const end = new Date(Math.floor(Date.now() / 300_000) * 300_000 + 137_000);
  const services = ["api", "worker", "web", "cron"];

  beforeAll(async () => {
    [plain, fast] = await Promise.all([
      startMotoServer(),
      startMotoServer({ launcher: FAST_METRICS_LAUNCHER }),
    ]);
    // Two hours of points, every 5 minutes, some off the minute, for four services in two clusters.
    const points = Array.from({ length: 24 }, (_, i) => ({
      at: new Date(end.getTime() - (i + 1) * 300_000 + (i % 3) * 41_000),
      tasks: 1 + (i % 3),
      cpu: 100 + 7 * i,
      memory: 500 + 13 * i,
    }));
    for (const server of [plain, fast]) {
      const { cloudwatch } = clientsAt(server.endpoint, { region: "eu-west-1" });
      for (const [index, service] of services.entries())
        await putContainerInsights(cloudwatch, index % 2 === 0 ? "blue" : "green", service, points);
    }
  }, 120_000);
  afterAll(async () => Promise.all([plain?.stop(), fast?.stop()]));

  it("runs the launcher, not moto_server, with moto_server's arguments", () => {
    expect(fast.command).toContain(FAST_METRICS_LAUNCHER);
    expect(fast.command.slice(-4)).toEqual(["-H", "127.0.0.1", "-p", new URL(fast.endpoint).port]);
    expect(plain.command.slice(-4)).toEqual(["-H", "127.0.0.1", "-p", new URL(plain.endpoint).port]);
    expect(plain.command).not.toContain(FAST_METRICS_LAUNCHER);
  });

  it("answers the SDK's GetMetricData requests as plain moto does", async () => {
    // In the order putContainerInsights writes them: moto's Dimension sort is order-sensitive
    // (its `__lt__` compares a value with a name), so the reversed order below matches nothing.
    const dims = (cluster: string, service: string) => [
      { Name: "ClusterName", Value: cluster },
      { Name: "ServiceName", Value: service },
    ];
    const requests: GetMetricDataCommandInput[] = [
      {
        StartTime: new Date(end.getTime() - 86_400_000 + 1_234),
        EndTime: end,
        ScanBy: "TimestampAscending",
        MetricDataQueries: services.flatMap((service, i) => [
          {
            Id: `c${i}`,
            MetricStat: {
              Metric: {
                Namespace: "ECS/ContainerInsights",
                MetricName: "CpuUtilized",
                Dimensions: dims(i % 2 === 0 ? "blue" : "green", service),
              },
              Period: 300,
              Stat: "Average",
            },
          },
          {
            Id: `m${i}`,
            MetricStat: {
              Metric: {
                Namespace: "ECS/ContainerInsights",
                MetricName: "MemoryUtilized",
                Dimensions: dims("blue", service),
              },
              Period: 900,
              Stat: "Maximum",
            },
            ReturnData: i % 2 === 0,
          },
          {
            Id: `r${i}`,
            MetricStat: {
              Metric: {
                Namespace: "ECS/ContainerInsights",
                MetricName: "CpuUtilized",
                Dimensions: dims(i % 2 === 0 ? "blue" : "green", service).reverse(),
              },
              Period: 300,
              Stat: "Minimum",
            },
          },
        ]),
      },
      {
        StartTime: new Date(end.getTime() - 3 * 3_600_000),
        EndTime: new Date(end.getTime() - 1_800_000),
        MetricDataQueries: [
          {
            Id: "all",
            Label: "every running task",
            MetricStat: {
              Metric: { Namespace: "ECS/ContainerInsights", MetricName: "RunningTaskCount" },
              Period: 600,
              Stat: "Sum",
            },
          },
          { Id: "copy", Expression: "all" },
          {
            Id: "count",
            MetricStat: {
              Metric: { Namespace: "ECS/ContainerInsights", MetricName: "CpuUtilized" },
              Period: 60,
              Stat: "SampleCount",
            },
          },
        ],
      },
    ];
    let values = 0;
    for (const request of requests) {
      const ask = (server: MotoServer) =>
        clientsAt(server.endpoint, { region: "eu-west-1" }).cloudwatch.send(
          new GetMetricDataCommand(request),
        );
      const [a, b] = await Promise.all([ask(plain), ask(fast)]);
      expect(b.MetricDataResults).toEqual(a.MetricDataResults);
      values += (a.MetricDataResults ?? []).reduce((n, r) => n + (r.Values?.length ?? 0), 0);
    }
    // The requests did return data (the comparison is not between empty answers).
    expect(values).toBeGreaterThan(100);
  });

  it("gives the right-sizing flow's collectUsage the same usage, 14 days at 5-minute periods", async () => {
    const targets = services.map((service, i) => ({
      clusterName: i % 2 === 0 ? "blue" : "green",
      serviceName: service,
      containerInsights: true,
    }));
    const usage = (server: MotoServer) =>
      collectUsage(clientsAt(server.endpoint, { region: "eu-west-1" }).cloudwatch, targets, { end });
    const [a, b] = await Promise.all([usage(plain), usage(fast)]);
    expect(b).toEqual(a);
    expect(a.every((usage) => usage.timestamps.length === 24)).toBe(true);
  }, 120_000);
});
