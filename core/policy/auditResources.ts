import {
  type CapacityProvider,
  type Cluster,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  type ECSClient,
  type Service,
} from "@aws-sdk/client-ecs";
import { chunk } from "../aws/concurrency.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { type Evaluation, evaluateResource, type PolicySettings } from "./evaluate.ts";
import { homeOfArn } from "./inputs/ecsJsonResources.ts";
import { normalize, suppressionsFromTags } from "./normalize.ts";
import { serviceExemptions } from "./serviceContext.ts";
import type { ResourceDoc, ResourceKind, Severity } from "./types.ts";

/** AWS's own Fargate capacity providers: no Auto Scaling group, nothing to describe or check. */
const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

/** One service, cluster, task set or capacity provider of the account and what the audit found. */
export interface AuditedResource {
  readonly resourceType: ResourceKind;
  /** `cluster/service`, the cluster's or provider's name, `cluster/service/task-set-id`. */
  readonly name: string;
  readonly findings: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly rules: readonly string[];
  /** Rule ids that could not be decided (e.g. a service's cluster could not be read). */
  readonly unknown: readonly string[];
}

/** The audit line of one evaluation. */
export function auditedResource(name: string, evaluation: Evaluation): AuditedResource {
  const count = (severity: Severity) => evaluation.findings.filter((f) => f.severity === severity).length;
  return {
    resourceType: evaluation.resourceType,
    name,
    findings: evaluation.findings.length,
    bySeverity: { high: count("high"), medium: count("medium"), low: count("low") },
    rules: [...new Set(evaluation.findings.map((f) => f.ruleId))].sort(),
    unknown: [...new Set(evaluation.unknown.map((u) => u.ruleId))].sort(),
  };
}

/** DescribeClusters with settings, configuration and tags, 100 clusters per call (the API's limit). */
export async function describeClusters(ecs: ECSClient, clusterArns: readonly string[]): Promise<Cluster[]> {
  const clusters: Cluster[] = [];
  for (const batch of chunk([...new Set(clusterArns)], 100)) {
    const response = await ecs.send(
      new DescribeClustersCommand({ clusters: batch, include: ["SETTINGS", "CONFIGURATIONS", "TAGS"] }),
    );
    clusters.push(...(response.clusters ?? []));
  }
  return clusters;
}

/**
 * DescribeCapacityProviders for the providers the clusters use (by name, so that IAM can scope
 * the call and moto, which lists nothing without names, answers), Fargate's own excluded.
 */
export async function describeCapacityProviders(
  ecs: ECSClient,
  clusters: readonly Cluster[],
): Promise<CapacityProvider[]> {
  const names = [
    ...new Set(clusters.flatMap((c) => c.capacityProviders ?? []).filter((n) => !FARGATE_PROVIDERS.has(n))),
  ];
  const providers: CapacityProvider[] = [];
  for (const batch of chunk(names, 10)) {
    let nextToken: string | undefined;
    do {
      const response = await ecs.send(
        new DescribeCapacityProvidersCommand({
          capacityProviders: batch,
          include: ["TAGS"],
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      providers.push(...(response.capacityProviders ?? []));
      nextToken = response.nextToken;
    } while (nextToken);
  }
  return providers;
}

const document = (value: object) => normalize(value, false) as ResourceDoc;

/** A cluster from DescribeClusters against the cluster rules. */
export function evaluateCluster(cluster: Cluster, settings: PolicySettings): Evaluation {
  const name = cluster.clusterName ?? nameFromArn(cluster.clusterArn ?? "");
  return evaluateResource(
    {
      document: document(cluster),
      subject: name,
      name,
      resourceType: "cluster",
      run: homeOfArn(cluster.clusterArn),
      suppressions: suppressionsFromTags(cluster.tags, "tags"),
    },
    settings,
  );
}

/** A capacity provider from DescribeCapacityProviders against the capacity-provider rules. */
export function evaluateCapacityProvider(provider: CapacityProvider, settings: PolicySettings): Evaluation {
  const name = provider.name ?? nameFromArn(provider.capacityProviderArn ?? "");
  return evaluateResource(
    {
      document: document(provider),
      subject: name,
      name,
      resourceType: "capacityProvider",
      run: homeOfArn(provider.capacityProviderArn),
      suppressions: suppressionsFromTags(provider.tags, "tags"),
    },
    settings,
  );
}

/**
 * A service from DescribeServices against the service rules, and its task sets (EXTERNAL
 * deployments) against the task-set rules, with the service's cluster and task definition for the
 * rules that need them. The service's `autopilot:policy-exempt` tag applies to both.
 */
export function evaluateService(
  service: Service,
  cluster: Cluster | undefined,
  taskDefinition: object | undefined,
  settings: PolicySettings,
): Array<{ name: string; evaluation: Evaluation }> {
  const clusterName = nameFromArn(service.clusterArn ?? "");
  const name = `${clusterName}/${service.serviceName ?? nameFromArn(service.serviceArn ?? "")}`;
  const related = {
    ...(cluster ? { cluster: document(cluster) } : {}),
    ...(taskDefinition ? { taskDefinition: document(taskDefinition) } : {}),
  };
  const exemptions = { extraExemptions: serviceExemptions(service) };
  const evaluations = [
    {
      name,
      evaluation: evaluateResource(
        {
          document: document(service),
          subject: name,
          name: service.serviceName ?? name,
          resourceType: "service",
          run: homeOfArn(service.serviceArn),
          related,
          suppressions: suppressionsFromTags(service.tags, "tags"),
        },
        settings,
        exemptions,
      ),
    },
  ];
  for (const taskSet of service.taskSets ?? []) {
    const taskSetName = `${name}/${taskSet.id ?? nameFromArn(taskSet.taskSetArn ?? "")}`;
    evaluations.push({
      name: taskSetName,
      evaluation: evaluateResource(
        {
          document: document(taskSet),
          subject: taskSetName,
          name: service.serviceName ?? name,
          resourceType: "taskSet",
          run: homeOfArn(taskSet.taskSetArn),
          related,
          suppressions: suppressionsFromTags(taskSet.tags, "tags"),
        },
        settings,
        exemptions,
      ),
    });
  }
  return evaluations;
}
