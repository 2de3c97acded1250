import { DescribeClustersCommand, type Service, type TaskDefinition } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { chunk, mapWithConcurrency } from "../aws/concurrency.ts";
import type { InsightClients } from "../aws/insightClients.ts";
import { describeServices, describeTaskDefinitions, listAllServices } from "../ecs/describe.ts";
import { readImagePlatforms } from "../ecs/imagePlatforms.ts";
import { type PriceSource, priceAgeDays } from "../pricing/PriceSource.ts";
import { readStopStats, StateTable } from "../state/index.ts";
import { agentReserveOf } from "./agentReserve.ts";
import type { AgentReserve, InstanceShape } from "./binPacking.ts";
import { type ClusterCapacityReport, planClusterCapacity } from "./clusterCapacity.ts";
import { collectUsage } from "./collectUsage.ts";
import { readComputeOptimizer } from "./computeOptimizer.ts";
import { type ComputeOptimizerComparison, compareWithComputeOptimizer } from "./computeOptimizerView.ts";
import { currentEc2Cost } from "./currentEc2Cost.ts";
import { imageArchitectures } from "./imageArchitectures.ts";
import { loadClusterCapacity } from "./loadClusterCapacity.ts";
import { profileService, serviceFacts } from "./profile.ts";
import { type PriceBook, type Recommendation, recommend } from "./recommend.ts";
import type { ServiceUsage } from "./usageSeries.ts";

/** A price source as reports show it: with its age on the day of the report. */
export interface DatedPriceSource extends PriceSource {
  readonly ageDays: number;
}

/** A recommendation with Compute Optimizer's view next to it, where the account has one. */
export type FleetRecommendation = Recommendation & { readonly computeOptimizer?: ComputeOptimizerComparison };

/** Per service, per period: CPU units and MiB per task (what the HTML report draws). */
export interface UsageSeries {
  /** Period starts, seconds since the epoch. */
  readonly t: readonly number[];
  readonly cpu: readonly number[];
  readonly memory: readonly number[];
}

export interface FleetReport {
  readonly generatedAt: string;
  readonly region: string;
  readonly lookbackDays: number;
  /**
   * The metrics the figures rest on, across the fleet: the earliest period to the end of the latest
   * (hours 0 when no service had any). Often less than the lookback: a new service, a new cluster.
   */
  readonly data: { readonly from?: string; readonly to?: string; readonly hours: number };
  readonly prices: {
    readonly region: string;
    readonly source: string;
    readonly sources: readonly DatedPriceSource[];
  };
  readonly recommendations: readonly FleetRecommendation[];
  /** Services without enough data to recommend anything. */
  readonly unmeasured: readonly string[];
  readonly totals: {
    readonly currentMonthly: number;
    readonly recommendedMonthly: number;
    readonly saving: number;
    /** What Graviton would save on top, for services whose images are not built for arm64 yet. */
    readonly ifBuiltForArm64: number;
  };
  /** EC2 clusters: what their instances cost and what of it is stranded, spare or spread out. */
  readonly clusters: readonly ClusterCapacityReport[];
  readonly computeOptimizer: { readonly status: string; readonly detail: string };
  /** Per service ARN. Left out of the JSON report (large); drawn by the HTML one. */
  readonly series?: Readonly<Record<string, UsageSeries>>;
}

export interface AnalyzeOptions {
  readonly prices: PriceBook;
  readonly candidates: readonly InstanceShape[];
  readonly end?: Date;
  readonly lookbackDays?: number;
  readonly periodSeconds?: number;
  readonly headroom?: number;
  /** Ask Compute Optimizer too (default true). */
  readonly computeOptimizer?: boolean;
  /**
   * Keep each service's per-period usage in the report for the HTML charts (default true). The
   * weekly run sends a Slack summary and leaves them out: they are the one part of the analysis
   * that grows with the fleet × the window (2,000 services × 4,032 periods × 3 series).
   */
  readonly series?: boolean;
}

/**
 * Services whose usage is read and profiled together: 125 × 4 queries (Container Insights; 3
 * without) stays within one GetMetricData request's 500 queries, and one batch's 14 days of
 * 5-minute points (125 × 4 × 4,032 ≈ 2 million) is what memory holds per batch in flight.
 */
export const USAGE_BATCH_SERVICES = 125;

/**
 * Batches read at once: the run's wall time divides by it, its memory grows with it.
 * `npm run bench` measures a 2,000-service run (bench/rightsizeVolume.ts).
 */
export const USAGE_BATCH_CONCURRENCY = 3;

/** What the analysis described, by service ARN: what `planRightsize` (planRightsize.ts) needs to register a revision. */
export type FleetState = Map<
  string,
  { service: Service; taskDefinition: TaskDefinition; tags: Record<string, string> }
>;

type Clients = Pick<AwsClients, "ecs" | "ecr" | "documents"> &
  Pick<InsightClients, "cloudwatch"> &
  Partial<Pick<InsightClients, "computeOptimizer">>;

/**
 * Right-sizing for every service of every cluster: facts from ECS, usage from CloudWatch
 * (Container Insights where the cluster has it), OOM kills from the monitor's statistics, image
 * platforms from ECR, EC2 cluster capacity from the container instances, Compute Optimizer's
 * view where the account has it, a recommendation per service, largest saving first.
 */
export async function analyzeFleet(
  clients: Clients,
  tableName: string,
  options: AnalyzeOptions,
): Promise<FleetReport> {
  return (await analyzeFleetWithState(clients, tableName, options)).report;
}

/** {@link analyzeFleet}, also returning the services and task definitions it described (no second round of calls). */
export async function analyzeFleetWithState(
  clients: Clients,
  tableName: string,
  options: AnalyzeOptions,
): Promise<{ report: FleetReport; state: FleetState }> {
  const end = options.end ?? new Date();
  const lookbackDays = options.lookbackDays ?? 14;
  const region = options.prices.region;
  const byCluster = await listAllServices(clients.ecs);
  const insights = new Map<string, boolean>();
  const clusterProviders = new Map<string, string[]>();
  for (const batch of chunk([...byCluster.keys()], 100)) {
    const described = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: batch, include: ["SETTINGS"] }),
    );
    for (const cluster of described.clusters ?? []) {
      insights.set(
        cluster.clusterArn ?? "",
        (cluster.settings ?? []).some((s) => s.name === "containerInsights" && s.value !== "disabled"),
      );
      clusterProviders.set(cluster.clusterArn ?? "", cluster.capacityProviders ?? []);
    }
  }
  const servicesByCluster = new Map<string, Service[]>();
  for (const [cluster, arns] of byCluster)
    servicesByCluster.set(
      cluster,
      (await describeServices(clients.ecs, cluster, arns)).services.filter((s) => s.status === "ACTIVE"),
    );
  const services = [...servicesByCluster.values()].flat();
  const definitions = await describeTaskDefinitions(
    clients.ecs,
    services.map((s) => s.taskDefinition ?? ""),
  );
  const fleet: FleetState = new Map();
  for (const service of services) {
    const definition = definitions.get(service.taskDefinition ?? "");
    if (definition)
      fleet.set(service.serviceArn ?? "", {
        service,
        taskDefinition: definition.taskDefinition,
        tags: definition.tags,
      });
  }
  const facts = [...fleet.values()].map(({ service, taskDefinition }) =>
    serviceFacts(service, taskDefinition),
  );
  const measured = facts.filter((f) => f.rightsizeMode !== "off");

  // EC2 clusters: container instances, running tasks, capacity providers.
  const knownDefinitions = new Map([...definitions].map(([arn, d]) => [arn, d.taskDefinition]));
  const clusterFacts = await loadClusterCapacity(
    clients.ecs,
    [...byCluster.keys()].map((clusterArn) => ({
      clusterArn,
      capacityProviders: clusterProviders.get(clusterArn) ?? [],
      services: servicesByCluster.get(clusterArn) ?? [],
    })),
    knownDefinitions,
  );
  const clusters = clusterFacts.map((c) => planClusterCapacity(c, options.prices.ec2));
  // What ECS registers of an instance type where a cluster runs it: the real agent reserve.
  const registeredMemory = new Map<string, number>();
  for (const c of clusterFacts)
    for (const i of c.instances)
      if (i.instanceType && i.registered.memory > 0)
        registeredMemory.set(i.instanceType, i.registered.memory);
  const reserveOf = (instance: InstanceShape): AgentReserve => agentReserveOf(registeredMemory, instance);

  const table = new StateTable(clients.documents, tableName);
  const EMPTY: ServiceUsage = {
    target: { clusterName: "", serviceName: "", containerInsights: false },
    timestamps: [],
    cpu: [],
    memory: [],
    memoryMax: [],
    runningTasks: [],
    unit: "per-task",
    periodSeconds: options.periodSeconds ?? 300,
  };
  const keepSeries = options.series ?? true;
  // Usage is read and profiled one batch of services at a time, and a batch's raw series are
  // dropped once profiled: memory holds a few batches' points, never the fleet's (2,000 services
  // × 14 days × 288 periods × 4 series are 32 million points). See USAGE_BATCH_SERVICES.
  const batches = await mapWithConcurrency(
    chunk(measured, USAGE_BATCH_SERVICES),
    USAGE_BATCH_CONCURRENCY,
    async (batch) => {
      const usage = await collectUsage(
        clients.cloudwatch,
        batch.map((f) => ({
          clusterName: f.clusterName,
          serviceName: f.serviceName,
          containerInsights: insights.get(fleet.get(f.serviceArn)?.service.clusterArn ?? "") ?? false,
        })),
        { end, lookbackDays, ...(options.periodSeconds ? { periodSeconds: options.periodSeconds } : {}) },
      );
      // Profiled once; the OOM count is filled in below (it only raises the memory floor).
      const profiled = batch.map((fact, i) => profileService(fact, usage[i] ?? EMPTY, 0));
      // OOM history only for services with usage to size (one Query each, ten at a time).
      const oom = await mapWithConcurrency(batch, 10, async (fact, i) =>
        profiled[i]
          ? (await readStopStats(table, fact.serviceArn, lookbackDays, end)).reduce(
              (n, s) => n + s.outOfMemory,
              0,
            )
          : 0,
      );
      return batch.map((fact, i) => {
        const serviceUsage = usage[i] ?? EMPTY;
        const perTask = (values: readonly number[], size: number) =>
          values.map((v) => (serviceUsage.unit === "per-task" ? v : (v / 100) * size));
        const chart: UsageSeries | undefined = keepSeries
          ? {
              t: serviceUsage.timestamps.map((t) => Math.round(t / 1000)),
              cpu: perTask(serviceUsage.cpu, fact.taskCpu).map((v) => Math.round(v * 10) / 10),
              memory: perTask(
                serviceUsage.memoryMax.length ? serviceUsage.memoryMax : serviceUsage.memory,
                fact.taskMemory,
              ).map((v) => Math.round(v * 10) / 10),
            }
          : undefined;
        return { profile: profiled[i], oomKills: oom[i] ?? 0, chart };
      });
    },
  );
  const analysed = batches.flat();
  const profiles = analysed.map((a) => a.profile);
  const oomKills = analysed.map((a) => a.oomKills);
  // Image platforms (Graviton) only for the services there is something to recommend for.
  const imagesOf = (arn: string) =>
    (fleet.get(arn)?.taskDefinition.containerDefinitions ?? []).map((c) => c.image ?? "").filter(Boolean);
  const platforms = await readImagePlatforms(
    clients.ecr,
    region,
    measured.filter((_, i) => profiles[i]).flatMap((f) => imagesOf(f.serviceArn)),
  );
  const computeOptimizer =
    options.computeOptimizer === false || !clients.computeOptimizer
      ? { status: "unavailable" as const, detail: "not asked", recommendations: new Map() }
      : await readComputeOptimizer(clients.computeOptimizer);

  const recommendations: FleetRecommendation[] = [];
  const unmeasured: string[] = [];
  const series: Record<string, UsageSeries> = {};
  for (const [i, fact] of measured.entries()) {
    const base = profiles[i];
    if (!base) {
      unmeasured.push(`${fact.clusterName}/${fact.serviceName}`);
      continue;
    }
    const profile = { ...base, oomKills: oomKills[i] ?? 0 };
    const currentEc2 =
      fact.runsOn === "EC2"
        ? currentEc2Cost(
            clusterFacts.find((c) => c.clusterName === fact.clusterName),
            fact.serviceName,
            options.prices.ec2,
          )
        : undefined;
    const recommendation = recommend(profile, options.prices, options.candidates, {
      ...(options.headroom !== undefined ? { headroom: options.headroom } : {}),
      images: imageArchitectures(imagesOf(fact.serviceArn), platforms),
      reserveOf,
      ...(currentEc2 ? { currentEc2 } : {}),
    });
    const theirs = computeOptimizer.recommendations.get(fact.serviceArn);
    recommendations.push(
      theirs
        ? {
            ...recommendation,
            computeOptimizer: compareWithComputeOptimizer(recommendation, theirs, lookbackDays),
          }
        : recommendation,
    );
    const chart = analysed[i]?.chart;
    if (chart) series[fact.serviceArn] = chart;
  }
  recommendations.sort((a, b) => (b.saving ?? 0) - (a.saving ?? 0));
  const sum = (pick: (r: FleetRecommendation) => number | undefined) =>
    Math.round(recommendations.reduce((n, r) => n + (pick(r) ?? 0), 0) * 100) / 100;
  const spans = recommendations.flatMap((r) => (r.profile.data ? [r.profile.data] : []));
  const from = spans.map((s) => s.from).sort()[0];
  const to = spans
    .map((s) => s.to)
    .sort()
    .at(-1);
  const report: FleetReport = {
    generatedAt: end.toISOString(),
    region,
    lookbackDays,
    data: from && to ? { from, to, hours: (Date.parse(to) - Date.parse(from)) / 3_600_000 } : { hours: 0 },
    prices: {
      region,
      source: options.prices.source,
      sources: (options.prices.sources ?? []).map((s) => ({ ...s, ageDays: priceAgeDays(s.asOf, end) })),
    },
    recommendations,
    unmeasured,
    totals: {
      currentMonthly: sum((r) => r.currentMonthly),
      recommendedMonthly: sum((r) => r.recommendedMonthly),
      saving: sum((r) => r.saving),
      ifBuiltForArm64: sum((r) =>
        r.graviton?.status === "if-you-build-for-arm64" && (r.graviton.saving ?? 0) > 0
          ? r.graviton.saving
          : 0,
      ),
    },
    clusters,
    computeOptimizer: { status: computeOptimizer.status, detail: computeOptimizer.detail },
    series,
  };
  return { report, state: fleet };
}
