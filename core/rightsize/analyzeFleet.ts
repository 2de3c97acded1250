import { DescribeClustersCommand, type Service, type TaskDefinition } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { chunk, mapWithConcurrency } from "../aws/concurrency.ts";
import type { InsightClients } from "../aws/insightClients.ts";
import { describeServices, describeTaskDefinitions, listAllServices } from "../ecs/describe.ts";
import { readStopStats, StateTable } from "../state/index.ts";
import type { InstanceShape } from "./binPacking.ts";
import { collectUsage, type ServiceUsage } from "./collectUsage.ts";
import { profileService, serviceFacts } from "./profile.ts";
import { type PriceBook, type Recommendation, recommend } from "./recommend.ts";

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

const EMPTY: ServiceUsage = {
  target: { clusterName: "", serviceName: "", containerInsights: false },
  cpu: [],
  memory: [],
  memoryMax: [],
  runningTasks: [],
  unit: "per-task",
};

export interface FleetReport {
  readonly generatedAt: string;
  readonly region: string;
  readonly lookbackDays: number;
  readonly prices: { readonly region: string; readonly source: string };
  readonly recommendations: readonly Recommendation[];
  /** Services without enough data to recommend anything. */
  readonly unmeasured: readonly string[];
  readonly totals: {
    readonly currentMonthly: number;
    readonly recommendedMonthly: number;
    readonly saving: number;
  };
}

/**
 * Right-sizing for every service of every cluster: facts from ECS, usage from CloudWatch
 * (Container Insights where the cluster has it), OOM kills from the monitor's statistics,
 * a recommendation per service, largest saving first.
 */
export async function analyzeFleet(
  clients: Pick<AwsClients, "ecs" | "documents"> & Pick<InsightClients, "cloudwatch">,
  tableName: string,
  options: AnalyzeOptions,
): Promise<FleetReport> {
  return (await analyzeFleetWithState(clients, tableName, options)).report;
}

export interface AnalyzeOptions {
  readonly prices: PriceBook;
  readonly candidates: readonly InstanceShape[];
  readonly end?: Date;
  readonly lookbackDays?: number;
  readonly periodSeconds?: number;
  readonly headroom?: number;
}

/** What the analysis described, by service ARN: what {@link planRightsize} needs to register a revision. */
export type FleetState = Map<
  string,
  { service: Service; taskDefinition: TaskDefinition; tags: Record<string, string> }
>;

/** {@link analyzeFleet}, also returning the services and task definitions it described (no second round of calls). */
export async function analyzeFleetWithState(
  clients: Pick<AwsClients, "ecs" | "documents"> & Pick<InsightClients, "cloudwatch">,
  tableName: string,
  options: AnalyzeOptions,
): Promise<{ report: FleetReport; state: FleetState }> {
  const end = options.end ?? new Date();
  const lookbackDays = options.lookbackDays ?? 14;
  const byCluster = await listAllServices(clients.ecs);
  const insights = new Map<string, boolean>();
  for (const batch of chunk([...byCluster.keys()], 100)) {
    const described = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: batch, include: ["SETTINGS"] }),
    );
    for (const cluster of described.clusters ?? [])
      insights.set(
        cluster.clusterArn ?? "",
        (cluster.settings ?? []).some((s) => s.name === "containerInsights" && s.value !== "disabled"),
      );
  }
  const services: Service[] = [];
  for (const [cluster, arns] of byCluster)
    services.push(
      ...(await describeServices(clients.ecs, cluster, arns)).services.filter((s) => s.status === "ACTIVE"),
    );
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
  const table = new StateTable(clients.documents, tableName);
  // Usage is read and profiled one batch of services at a time, and a batch's series are dropped
  // once profiled: memory holds a few batches' points, never the fleet's (2,000 services × 14
  // days × 288 periods × 4 series are 32 million points). See USAGE_BATCH_SERVICES.
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
      // OOM history only for services with usage to size (one Query each, ten at a time).
      return mapWithConcurrency(batch, 10, async (fact, i) => {
        const serviceUsage = usage[i] ?? EMPTY;
        if (!profileService(fact, serviceUsage, 0)) return { fact, profile: undefined };
        const oomKills = (await readStopStats(table, fact.serviceArn, lookbackDays, end)).reduce(
          (n, stats) => n + stats.outOfMemory,
          0,
        );
        return { fact, profile: profileService(fact, serviceUsage, oomKills) };
      });
    },
  );
  const recommendations: Recommendation[] = [];
  const unmeasured: string[] = [];
  for (const { fact, profile } of batches.flat()) {
    if (!profile) {
      unmeasured.push(`${fact.clusterName}/${fact.serviceName}`);
      continue;
    }
    recommendations.push(
      recommend(profile, options.prices, options.candidates, {
        ...(options.headroom !== undefined ? { headroom: options.headroom } : {}),
      }),
    );
  }
  recommendations.sort((a, b) => (b.saving ?? 0) - (a.saving ?? 0));
  const sum = (pick: (r: Recommendation) => number | undefined) =>
    Math.round(recommendations.reduce((n, r) => n + (pick(r) ?? 0), 0) * 100) / 100;
  const report: FleetReport = {
    generatedAt: end.toISOString(),
    region: options.prices.region,
    lookbackDays,
    prices: { region: options.prices.region, source: options.prices.source },
    recommendations,
    unmeasured,
    totals: {
      currentMonthly: sum((r) => r.currentMonthly),
      recommendedMonthly: sum((r) => r.recommendedMonthly),
      saving: sum((r) => r.saving),
    },
  };
  return { report, state: fleet };
}
