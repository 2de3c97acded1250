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
  const usage = await collectUsage(
    clients.cloudwatch,
    measured.map((f) => ({
      clusterName: f.clusterName,
      serviceName: f.serviceName,
      containerInsights: insights.get(fleet.get(f.serviceArn)?.service.clusterArn ?? "") ?? false,
    })),
    { end, lookbackDays, ...(options.periodSeconds ? { periodSeconds: options.periodSeconds } : {}) },
  );
  const table = new StateTable(clients.documents, tableName);
  const recommendations: Recommendation[] = [];
  const unmeasured: string[] = [];
  const EMPTY: ServiceUsage = {
    target: { clusterName: "", serviceName: "", containerInsights: false },
    cpu: [],
    memory: [],
    memoryMax: [],
    runningTasks: [],
    unit: "per-task",
  };
  // OOM history only for services with usage to size (one Query each, ten at a time).
  const oomKills = await mapWithConcurrency(measured, 10, async (fact, i) =>
    profileService(fact, usage[i] ?? EMPTY, 0)
      ? (await readStopStats(table, fact.serviceArn, lookbackDays, end)).reduce(
          (n, s) => n + s.outOfMemory,
          0,
        )
      : 0,
  );
  for (const [i, fact] of measured.entries()) {
    const profile = profileService(fact, usage[i] ?? EMPTY, oomKills[i] ?? 0);
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
