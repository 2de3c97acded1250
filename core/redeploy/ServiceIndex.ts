import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
} from "@aws-sdk/lib-dynamodb";
import type { AwsClients } from "../aws/clients.ts";
import { chunk } from "../aws/concurrency.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { describeServices, describeTaskDefinitions, listAllServices } from "../ecs/describe.ts";
import { parseImageReference } from "../ecs/ImageReference.ts";

/** One service that uses a repository, as the index stores it. */
export interface IndexEntry {
  readonly serviceArn: string;
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  readonly containers: readonly string[];
}

export interface RebuildSummary {
  readonly clusters: number;
  readonly services: number;
  readonly repositories: number;
  readonly removed: number;
}

/** Partition key of a repository: the ECR repository is identified by account, region and name. */
export function repositoryKey(account: string, region: string, name: string): string {
  return `repo#${account}#${region}#${name}`;
}

const META = { pk: "index#meta", sk: "built" } as const;
const SERVICE_REPOS_SK = "repos";

/** Repository key → containers of this task definition that use it (ECR images only). */
function repositoriesOf(taskDefinition: TaskDefinition): Map<string, string[]> {
  const repositories = new Map<string, string[]>();
  for (const container of taskDefinition.containerDefinitions ?? []) {
    const reference = container.image ? parseImageReference(container.image) : undefined;
    if (!reference?.ecr) continue;
    const key = repositoryKey(reference.ecr.account, reference.ecr.region, reference.repository);
    repositories.set(key, [...(repositories.get(key) ?? []), container.name ?? ""]);
  }
  return repositories;
}

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * The repository → services index, kept in the state table so that a push costs the same
 * number of AWS calls whatever the size of the fleet. It indexes every service of every cluster
 * in the region whose task definition uses an ECR image; whether a service is *tracked* is
 * decided at push time from its fresh tags and the config, so a tag or config change never
 * leaves the index stale.
 *
 * Kept current by: a full {@link rebuild} on the first push after install (lazily) and on a
 * schedule; {@link refreshService} on CloudTrail CreateService/UpdateService/TagResource events;
 * {@link removeService} on DeleteService; and self-repair when a push finds a service missing.
 *
 * @example
 * const index = new ServiceIndex(clients, "autopilot-state");
 * const entries = await index.lookup(repositoryKey("123456789012", "eu-west-1", "shop/web"));
 */
export class ServiceIndex {
  readonly #documents: DynamoDBDocumentClient;
  readonly #clients: Pick<AwsClients, "ecs" | "documents">;
  readonly #table: string;

  constructor(clients: Pick<AwsClients, "ecs" | "documents">, tableName: string) {
    this.#clients = clients;
    this.#documents = clients.documents;
    this.#table = tableName;
  }

  /** True once a full build has completed. */
  async isBuilt(): Promise<boolean> {
    const response = await this.#documents.send(new GetCommand({ TableName: this.#table, Key: META }));
    return response.Item !== undefined;
  }

  /** The services using a repository. */
  async lookup(key: string): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    const pages = paginateQuery(
      { client: this.#documents },
      {
        TableName: this.#table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :svc)",
        ExpressionAttributeValues: { ":pk": key, ":svc": "svc#" },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        entries.push({
          serviceArn: String(item.serviceArn),
          clusterArn: String(item.clusterArn),
          taskDefinitionArn: String(item.taskDefinitionArn),
          containers: (item.containers as string[] | undefined) ?? [],
        });
      }
    }
    return entries;
  }

  /** Builds the index when no full build has completed yet (the first push after install). */
  async ensureBuilt(): Promise<RebuildSummary | undefined> {
    return (await this.isBuilt()) ? undefined : this.rebuild();
  }

  /** Rebuilds the whole index from ECS: every cluster, every service. */
  async rebuild(): Promise<RebuildSummary> {
    const byCluster = await listAllServices(this.#clients.ecs);
    const services: Service[] = [];
    for (const [cluster, arns] of byCluster)
      services.push(...(await describeServices(this.#clients.ecs, cluster, arns)).services);
    const active = services.filter((s) => s.status === "ACTIVE" && s.taskDefinition);
    const definitions = await describeTaskDefinitions(
      this.#clients.ecs,
      active.map((s) => s.taskDefinition ?? ""),
    );
    const previous = await this.#indexedServices();
    const writes: WriteRequest[] = [];
    const seen = new Set<string>();
    const repositories = new Set<string>();
    for (const service of active) {
      const definition = definitions.get(service.taskDefinition ?? "");
      if (!definition || !service.serviceArn) continue;
      seen.add(service.serviceArn);
      const repos = repositoriesOf(definition.taskDefinition);
      for (const key of repos.keys()) repositories.add(key);
      writes.push(...this.#writesFor(service, repos, previous.get(service.serviceArn) ?? []));
    }
    let removed = 0;
    for (const [serviceArn, keys] of previous) {
      if (seen.has(serviceArn)) continue;
      removed++;
      writes.push(...this.#deletesFor(serviceArn, keys));
    }
    await this.#batchWrite(writes);
    await this.#documents.send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...META, kind: "index-meta", builtAt: new Date().toISOString(), services: seen.size },
      }),
    );
    return { clusters: byCluster.size, services: seen.size, repositories: repositories.size, removed };
  }

  /**
   * Re-reads one service and updates its entries (CloudTrail CreateService, UpdateService,
   * TagResource, UntagResource). A service that is gone or inactive is removed.
   */
  async refreshService(cluster: string, service: string): Promise<"indexed" | "removed"> {
    const described = await describeServices(this.#clients.ecs, cluster, [service]);
    const found = described.services.find((s) => s.status === "ACTIVE" && s.taskDefinition);
    const serviceArn = found?.serviceArn ?? described.services[0]?.serviceArn ?? described.missing[0];
    const previous = serviceArn ? await this.#repositoriesIndexedFor(serviceArn) : [];
    if (!found?.serviceArn) {
      if (serviceArn) await this.#batchWrite(this.#deletesFor(serviceArn, previous));
      return "removed";
    }
    const definitions = await describeTaskDefinitions(this.#clients.ecs, [found.taskDefinition ?? ""]);
    const definition = definitions.get(found.taskDefinition ?? "");
    if (!definition) return "removed";
    await this.#batchWrite(this.#writesFor(found, repositoriesOf(definition.taskDefinition), previous));
    return "indexed";
  }

  /** Removes a service's entries (DeleteService, or found missing at push time). */
  async removeService(serviceArn: string): Promise<void> {
    await this.#batchWrite(this.#deletesFor(serviceArn, await this.#repositoriesIndexedFor(serviceArn)));
  }

  #writesFor(
    service: Service,
    repos: Map<string, string[]>,
    previousKeys: readonly string[],
  ): WriteRequest[] {
    const serviceArn = service.serviceArn ?? "";
    const writes: WriteRequest[] = [];
    for (const [key, containers] of repos) {
      writes.push({
        PutRequest: {
          Item: {
            pk: key,
            sk: `svc#${serviceArn}`,
            kind: "index-entry",
            serviceArn,
            clusterArn: service.clusterArn ?? "",
            serviceName: service.serviceName ?? nameFromArn(serviceArn),
            taskDefinitionArn: service.taskDefinition ?? "",
            containers,
          },
        },
      });
    }
    for (const key of previousKeys) {
      if (!repos.has(key)) writes.push({ DeleteRequest: { Key: { pk: key, sk: `svc#${serviceArn}` } } });
    }
    writes.push({
      PutRequest: {
        Item: {
          pk: `svc#${serviceArn}`,
          sk: SERVICE_REPOS_SK,
          kind: "index-service",
          serviceArn,
          repositories: [...repos.keys()],
        },
      },
    });
    return writes;
  }

  #deletesFor(serviceArn: string, keys: readonly string[]): WriteRequest[] {
    return [
      ...keys.map((key) => ({ DeleteRequest: { Key: { pk: key, sk: `svc#${serviceArn}` } } })),
      { DeleteRequest: { Key: { pk: `svc#${serviceArn}`, sk: SERVICE_REPOS_SK } } },
    ];
  }

  async #repositoriesIndexedFor(serviceArn: string): Promise<string[]> {
    const response = await this.#documents.send(
      new GetCommand({ TableName: this.#table, Key: { pk: `svc#${serviceArn}`, sk: SERVICE_REPOS_SK } }),
    );
    return (response.Item?.repositories as string[] | undefined) ?? [];
  }

  /** Service ARN → repository keys, for every service in the index (a scan: rebuilds only). */
  async #indexedServices(): Promise<Map<string, string[]>> {
    const services = new Map<string, string[]>();
    const pages = paginateScan(
      { client: this.#documents },
      {
        TableName: this.#table,
        FilterExpression: "kind = :kind",
        ExpressionAttributeValues: { ":kind": "index-service" },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? [])
        services.set(String(item.serviceArn), (item.repositories as string[]) ?? []);
    }
    return services;
  }

  async #batchWrite(writes: readonly WriteRequest[]): Promise<void> {
    for (const batch of chunk(writes, 25)) {
      let pending: WriteRequest[] = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= 8)
          throw new Error(
            `BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`,
          );
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const response = await this.#documents.send(
          new BatchWriteCommand({ RequestItems: { [this.#table]: pending } }),
        );
        pending = (response.UnprocessedItems?.[this.#table] as WriteRequest[] | undefined) ?? [];
      }
    }
  }
}
