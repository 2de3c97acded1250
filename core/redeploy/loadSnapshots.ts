import { ClusterNotFoundException, type ECSClient } from "@aws-sdk/client-ecs";
import { describeServices, describeTaskDefinitions, tagMap } from "../ecs/describe.ts";
import { runningDigests } from "../ecs/serviceRevisions.ts";
import type { IndexEntry } from "./ServiceIndex.ts";
import type { ServiceSnapshot } from "./types.ts";

export interface LoadedSnapshots {
  readonly snapshots: ServiceSnapshot[];
  /** Services the index named that ECS no longer has. */
  readonly missing: string[];
}

/**
 * Reads the fresh state of the services the index named: one DescribeServices per cluster and
 * 10 services, one DescribeTaskDefinition per distinct revision. Tags come with both.
 */
export async function loadSnapshots(
  ecs: ECSClient,
  entries: readonly IndexEntry[],
): Promise<LoadedSnapshots> {
  const byCluster = new Map<string, string[]>();
  for (const entry of entries)
    byCluster.set(entry.clusterArn, [...(byCluster.get(entry.clusterArn) ?? []), entry.serviceArn]);
  const missing: string[] = [];
  const services = [];
  for (const [cluster, arns] of byCluster) {
    try {
      const described = await describeServices(ecs, cluster, arns);
      services.push(...described.services);
      missing.push(...described.missing);
    } catch (error) {
      // The cluster itself is gone (deleted, then no longer even INACTIVE): so are its services.
      if (!(error instanceof ClusterNotFoundException)) throw error;
      missing.push(...arns);
    }
  }
  const active = services.filter((s) => s.status === "ACTIVE" && s.taskDefinition);
  missing.push(...services.filter((s) => s.status !== "ACTIVE").map((s) => s.serviceArn ?? ""));
  const definitions = await describeTaskDefinitions(
    ecs,
    active.map((s) => s.taskDefinition ?? ""),
  );
  const snapshots: ServiceSnapshot[] = [];
  for (const service of active) {
    const definition = definitions.get(service.taskDefinition ?? "");
    if (!definition) continue;
    snapshots.push({
      service,
      tags: tagMap(service.tags),
      taskDefinition: definition.taskDefinition,
      taskDefinitionTags: definition.tags,
    });
  }
  return { snapshots, missing: missing.filter(Boolean) };
}

/** The fresh state of services known by their ARNs (a queued push's, a service planned again). */
export const loadSnapshotsOf = (
  ecs: ECSClient,
  services: ReadonlyArray<{ readonly serviceArn: string; readonly clusterArn: string }>,
): Promise<LoadedSnapshots> =>
  loadSnapshots(
    ecs,
    services.map(({ serviceArn, clusterArn }) => ({
      serviceArn,
      clusterArn,
      taskDefinitionArn: "",
      containers: [],
    })),
  );

/**
 * Adds which digest ECS runs for each container (`runningDigests`) to the snapshots `needs` selects:
 * one DescribeServiceRevisions per 20 of their current service revisions (core/ecs/serviceRevisions.ts).
 */
export async function withRunningDigests(
  ecs: ECSClient,
  snapshots: readonly ServiceSnapshot[],
  needs: (snapshot: ServiceSnapshot) => boolean,
): Promise<ServiceSnapshot[]> {
  const asked = new Set(snapshots.filter(needs).map((s) => s.service.serviceArn));
  const digests = await runningDigests(
    ecs,
    snapshots.map((s) => s.service),
    (service) => asked.has(service.serviceArn),
  );
  return snapshots.map((snapshot) => {
    const running = digests.get(snapshot.service.serviceArn ?? "");
    return running ? { ...snapshot, runningDigests: running } : snapshot;
  });
}
