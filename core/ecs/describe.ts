import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  paginateListClusters,
  paginateListServices,
  type Service,
  type Tag,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { chunk, mapWithConcurrency } from "../aws/concurrency.ts";

/** ECS tags as a plain map. */
export function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key ?? "", t.value ?? ""]));
}

export interface DescribedServices {
  readonly services: Service[];
  /** ARNs ECS reported as failures (usually `MISSING`: the service is gone). */
  readonly missing: string[];
}

/** Describes services of one cluster with their tags, 10 per call (the API's limit). */
export async function describeServices(
  ecs: ECSClient,
  cluster: string,
  serviceArns: readonly string[],
): Promise<DescribedServices> {
  const services: Service[] = [];
  const missing: string[] = [];
  for (const batch of chunk(serviceArns, 10)) {
    const response = await ecs.send(
      new DescribeServicesCommand({ cluster, services: batch, include: ["TAGS"] }),
    );
    services.push(...(response.services ?? []));
    for (const failure of response.failures ?? []) if (failure.arn) missing.push(failure.arn);
  }
  return { services, missing };
}

export interface DescribedTaskDefinition {
  readonly taskDefinition: TaskDefinition;
  readonly tags: Record<string, string>;
}

/** Describes each distinct task definition once, with its tags. */
export async function describeTaskDefinitions(
  ecs: ECSClient,
  arns: readonly string[],
  concurrency = 5,
): Promise<Map<string, DescribedTaskDefinition>> {
  const distinct = [...new Set(arns)];
  const described = await mapWithConcurrency(distinct, concurrency, async (arn) => {
    const response = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
    );
    if (!response.taskDefinition)
      throw new Error(`DescribeTaskDefinition returned no task definition for ${arn}`);
    return [arn, { taskDefinition: response.taskDefinition, tags: tagMap(response.tags) }] as const;
  });
  return new Map(described);
}

/** Every service ARN of every cluster in the region, grouped by cluster ARN. */
export async function listAllServices(ecs: ECSClient): Promise<Map<string, string[]>> {
  const clusters: string[] = [];
  for await (const page of paginateListClusters({ client: ecs }, {}))
    clusters.push(...(page.clusterArns ?? []));
  const byCluster = new Map<string, string[]>();
  for (const cluster of clusters) {
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: ecs, pageSize: 100 }, { cluster }))
      arns.push(...(page.serviceArns ?? []));
    byCluster.set(cluster, arns);
  }
  return byCluster;
}

export interface SettledTaskDefinitions {
  readonly found: Map<string, DescribedTaskDefinition>;
  /** Revisions that could not be read, with the reason (`ErrorName: message`). */
  readonly failed: Map<string, string>;
}

/** Like {@link describeTaskDefinitions}, but a revision that cannot be read is reported, not thrown. */
export async function describeTaskDefinitionsSettled(
  ecs: ECSClient,
  arns: readonly string[],
  concurrency = 5,
): Promise<SettledTaskDefinitions> {
  const found = new Map<string, DescribedTaskDefinition>();
  const failed = new Map<string, string>();
  await mapWithConcurrency([...new Set(arns)], concurrency, async (arn) => {
    try {
      const response = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
      );
      if (response.taskDefinition)
        found.set(arn, { taskDefinition: response.taskDefinition, tags: tagMap(response.tags) });
      else failed.set(arn, "DescribeTaskDefinition returned no task definition");
    } catch (error) {
      failed.set(arn, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  });
  return { found, failed };
}
