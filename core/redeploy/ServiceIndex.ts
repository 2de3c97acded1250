import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { describeServices, describeTaskDefinitions, listAllServices } from "../ecs/describe.ts";
import { parseImageReference } from "../ecs/ImageReference.ts";
import { type StateTable, type StateWrite, stateKeys } from "../state/index.ts";

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

/** Partition of a repository in the index: the ECR repository is identified by account, region and name. */
export const repositoryKey = stateKeys.repository;

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
  readonly #ecs: AwsClients["ecs"];
  readonly #table: StateTable;

  constructor(clients: Pick<AwsClients, "ecs">, table: StateTable) {
    this.#ecs = clients.ecs;
    this.#table = table;
  }

  /** True once a full build has completed. */
  async isBuilt(): Promise<boolean> {
    return (await this.#table.get(stateKeys.indexBuilt())) !== undefined;
  }

  /** The services using a repository. */
  async lookup(key: string): Promise<IndexEntry[]> {
    const items = await this.#table.queryPrefix(stateKeys.indexEntries(key));
    return items.map((item) => ({
      serviceArn: String(item.serviceArn),
      clusterArn: String(item.clusterArn),
      taskDefinitionArn: String(item.taskDefinitionArn),
      containers: (item.containers as string[] | undefined) ?? [],
    }));
  }

  /** Builds the index when no full build has completed yet (the first push after install). */
  async ensureBuilt(): Promise<RebuildSummary | undefined> {
    return (await this.isBuilt()) ? undefined : this.rebuild();
  }

  /** Rebuilds the whole index from ECS: every cluster, every service. */
  async rebuild(): Promise<RebuildSummary> {
    const byCluster = await listAllServices(this.#ecs);
    const services: Service[] = [];
    for (const [cluster, arns] of byCluster)
      services.push(...(await describeServices(this.#ecs, cluster, arns)).services);
    const active = services.filter((s) => s.status === "ACTIVE" && s.taskDefinition);
    const definitions = await describeTaskDefinitions(
      this.#ecs,
      active.map((s) => s.taskDefinition ?? ""),
    );
    const previous = await this.#indexedServices();
    const writes: StateWrite[] = [];
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
    await this.#table.batchWriteAll(writes);
    await this.#table.put({
      ...stateKeys.indexBuilt(),
      kind: "index-meta",
      builtAt: new Date().toISOString(),
      services: seen.size,
    });
    return { clusters: byCluster.size, services: seen.size, repositories: repositories.size, removed };
  }

  /**
   * Re-reads one service and updates its entries (CloudTrail CreateService, UpdateService,
   * TagResource, UntagResource). A service that is gone or inactive is removed.
   */
  async refreshService(cluster: string, service: string): Promise<"indexed" | "removed"> {
    const described = await describeServices(this.#ecs, cluster, [service]);
    const found = described.services.find((s) => s.status === "ACTIVE" && s.taskDefinition);
    const serviceArn = found?.serviceArn ?? described.services[0]?.serviceArn ?? described.missing[0];
    const previous = serviceArn ? await this.#repositoriesIndexedFor(serviceArn) : [];
    if (!found?.serviceArn) {
      if (serviceArn) await this.#table.batchWriteAll(this.#deletesFor(serviceArn, previous));
      return "removed";
    }
    const definitions = await describeTaskDefinitions(this.#ecs, [found.taskDefinition ?? ""]);
    const definition = definitions.get(found.taskDefinition ?? "");
    if (!definition) return "removed";
    await this.#table.batchWriteAll(
      this.#writesFor(found, repositoriesOf(definition.taskDefinition), previous),
    );
    return "indexed";
  }

  /** Removes a service's entries (DeleteService, or found missing at push time). */
  async removeService(serviceArn: string): Promise<void> {
    await this.#table.batchWriteAll(
      this.#deletesFor(serviceArn, await this.#repositoriesIndexedFor(serviceArn)),
    );
  }

  #writesFor(service: Service, repos: Map<string, string[]>, previousKeys: readonly string[]): StateWrite[] {
    const serviceArn = service.serviceArn ?? "";
    const writes: StateWrite[] = [];
    for (const [key, containers] of repos) {
      writes.push({
        put: {
          ...stateKeys.indexEntry(key, serviceArn),
          kind: "index-entry",
          serviceArn,
          clusterArn: service.clusterArn ?? "",
          serviceName: service.serviceName ?? nameFromArn(serviceArn),
          taskDefinitionArn: service.taskDefinition ?? "",
          containers,
        },
      });
    }
    for (const key of previousKeys)
      if (!repos.has(key)) writes.push({ delete: stateKeys.indexEntry(key, serviceArn) });
    writes.push({
      put: {
        ...stateKeys.indexedRepositories(serviceArn),
        kind: "index-service",
        serviceArn,
        repositories: [...repos.keys()],
      },
    });
    return writes;
  }

  #deletesFor(serviceArn: string, keys: readonly string[]): StateWrite[] {
    return [
      ...keys.map((key) => ({ delete: stateKeys.indexEntry(key, serviceArn) })),
      { delete: stateKeys.indexedRepositories(serviceArn) },
    ];
  }

  async #repositoriesIndexedFor(serviceArn: string): Promise<string[]> {
    const item = await this.#table.get(stateKeys.indexedRepositories(serviceArn));
    return (item?.repositories as string[] | undefined) ?? [];
  }

  /** Service ARN → repository keys, for every service in the index (a scan: rebuilds only). */
  async #indexedServices(): Promise<Map<string, string[]>> {
    const items = await this.#table.scanKind("index-service");
    return new Map(items.map((item) => [String(item.serviceArn), (item.repositories as string[]) ?? []]));
  }
}
