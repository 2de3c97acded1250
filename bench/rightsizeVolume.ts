/**
 * The data volume of a weekly right-sizing run over 2,000 services with Container Insights:
 * 14 days of 5-minute periods, 4 series per service = 32.3 million points. The analysis
 * (core/rightsize/analyzeFleet.ts) reads and profiles them in batches of services; this measures
 * its requests, points, peak memory and time in this process.
 *
 * CloudWatch, ECS and DynamoDB are stand-ins in this process (moto cannot hold 32 million points):
 * GetMetricData answers like AWS's — at most 500 queries and 100,800 data points per response,
 * paged with NextToken (GetMetricData API reference) — with `Date` timestamps as the SDK returns
 * them. So the time measured is this process's work (paging, profiling), not AWS's latency: the
 * request count says what the network adds.
 *
 * Run: `npx tsx bench/rightsizeVolume.ts` (also part of `npm run bench`).
 */
import { CloudWatchClient, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  analyzeFleetWithState,
  USAGE_BATCH_CONCURRENCY,
  USAGE_BATCH_SERVICES,
} from "../core/rightsize/analyzeFleet.ts";
import { bundledPriceBook } from "../core/rightsize/priceBook.ts";

const SERVICES = 2_000;
const CLUSTERS = 20;
const LOOKBACK_DAYS = 14;
const PERIOD = 300;
const MAX_POINTS_PER_RESPONSE = 100_800;

export interface VolumeResult {
  readonly services: number;
  readonly points: number;
  readonly getMetricDataRequests: number;
  readonly batchServices: number;
  readonly batchConcurrency: number;
  readonly peakHeapMiB: number;
  readonly peakRssMiB: number;
  readonly seconds: number;
  readonly recommendations: number;
  /** The V8 heap limit of the process it ran in (`--max-old-space-size`), when `npm run bench` set one. */
  readonly heapLimitMiB?: number;
}

const arnOf = (cluster: number, service: number) =>
  `arn:aws:ecs:us-east-1:123456789012:service/c${cluster}/s${service}`;

type Answer = (command: string, input: Record<string, unknown>) => unknown;

/** A real SDK client whose requests are answered in this process, before anything is sent. */
function answering<T extends { middlewareStack: object }>(client: T, answer: Answer): T {
  (
    client.middlewareStack as {
      add: (m: unknown, o: { step: string; name: string; priority: string }) => void;
    }
  ).add(
    (_next: unknown, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => ({
        output: await answer(String(context.commandName), args.input),
        response: {},
      }),
    { step: "initialize", name: "benchAnswer", priority: "high" },
  );
  return client;
}

const STAND_IN = { region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } };

/** ECS answering the analysis's five calls for 2,000 Fargate services in 20 clusters. */
function fakeEcs(): ECSClient {
  const perCluster = SERVICES / CLUSTERS;
  return answering(new ECSClient(STAND_IN), (command, input) => {
    switch (command) {
      case "ListClustersCommand":
        return {
          clusterArns: Array.from(
            { length: CLUSTERS },
            (_, c) => `arn:aws:ecs:us-east-1:123456789012:cluster/c${c}`,
          ),
        };
      case "ListServicesCommand": {
        const cluster = Number(String(input.cluster).split("/c")[1]);
        const start = Number(input.nextToken ?? 0);
        const arns = Array.from({ length: perCluster }, (_, i) => arnOf(cluster, cluster * perCluster + i));
        const page = arns.slice(start, start + 100);
        return {
          serviceArns: page,
          ...(start + 100 < arns.length ? { nextToken: String(start + 100) } : {}),
        };
      }
      case "DescribeClustersCommand":
        return {
          clusters: (input.clusters as string[]).map((clusterArn) => ({
            clusterArn,
            settings: [{ name: "containerInsights", value: "enabled" }],
          })),
        };
      case "DescribeServicesCommand":
        return {
          services: (input.services as string[]).map((serviceArn) => ({
            serviceArn,
            serviceName: serviceArn.split("/").pop(),
            clusterArn: String(input.cluster),
            status: "ACTIVE",
            launchType: "FARGATE",
            desiredCount: 2,
            taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
            tags: [],
          })),
          failures: [],
        };
      case "DescribeTaskDefinitionCommand":
        return {
          taskDefinition: {
            taskDefinitionArn: String(input.taskDefinition),
            family: "app",
            cpu: "1024",
            memory: "2048",
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            containerDefinitions: [{ name: "app", image: "nginx:1" }],
          },
          tags: [],
        };
      default:
        // Listings of EC2 capacity (container instances, tasks): none, every service is on Fargate.
        return {};
    }
  });
}

/** CloudWatch answering GetMetricData like AWS: ≤ 100,800 points per response, NextToken paging. */
function fakeCloudWatch(counter: { requests: number; points: number }): CloudWatchClient {
  return answering(new CloudWatchClient(STAND_IN), (_command, raw) => {
    const input = raw as {
      MetricDataQueries: MetricDataQuery[];
      StartTime: Date;
      EndTime: Date;
      NextToken?: string;
    };
    counter.requests++;
    const { MetricDataQueries: queries, StartTime, EndTime } = input;
    const periods = Math.floor((EndTime.getTime() - StartTime.getTime()) / (PERIOD * 1000));
    const perQuery = Math.max(1, Math.floor(MAX_POINTS_PER_RESPONSE / queries.length));
    const offset = Number(input.NextToken ?? 0);
    const count = Math.min(perQuery, periods - offset);
    const results = queries.map((q, qi) => {
      const timestamps: Date[] = [];
      const values: number[] = [];
      for (let i = 0; i < count; i++) {
        const period = offset + i;
        timestamps.push(new Date(StartTime.getTime() + period * PERIOD * 1000));
        // Plausible usage: tasks 2, CPU 200-400 units, memory 600-900 MiB per service total.
        values.push(q.Id?.endsWith("runningTasks") ? 2 : 400 + ((period * 7 + qi * 13) % 400));
      }
      counter.points += values.length;
      return { Id: q.Id, Timestamps: timestamps, Values: values, StatusCode: "Complete" };
    });
    const next = offset + count;
    return { MetricDataResults: results, ...(next < periods ? { NextToken: String(next) } : {}) };
  });
}

/** The state table answering the OOM-history Query with no stops. */
const fakeDocuments = DynamoDBDocumentClient.from(
  answering(new DynamoDBClient(STAND_IN), () => ({ Items: [] })),
);

export async function rightsizeVolume(): Promise<VolumeResult> {
  const counter = { requests: 0, points: 0 };
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const sampler = setInterval(sample, 20);
  const started = performance.now();
  const { report } = await analyzeFleetWithState(
    {
      ecs: fakeEcs(),
      ecr: answering(new ECRClient(STAND_IN), () => ({ images: [], failures: [] })),
      documents: fakeDocuments,
      cloudwatch: fakeCloudWatch(counter),
    },
    "state",
    {
      prices: bundledPriceBook("us-east-1"),
      candidates: [],
      lookbackDays: LOOKBACK_DAYS,
      // What the weekly function asks for (core/rightsize/runRightsize.ts): no per-period charts.
      series: false,
      computeOptimizer: false,
      end: new Date("2026-11-30T07:00:00Z"),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  return {
    services: SERVICES,
    points: counter.points,
    getMetricDataRequests: counter.requests,
    batchServices: USAGE_BATCH_SERVICES,
    batchConcurrency: USAGE_BATCH_CONCURRENCY,
    peakHeapMiB: Math.round(peakHeap / 2 ** 20),
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    seconds: Math.round(seconds * 10) / 10,
    recommendations: report.recommendations.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await rightsizeVolume(), null, 2));
}
