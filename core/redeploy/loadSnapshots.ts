import { ClusterNotFoundException, type ECSClient } from "@aws-sdk/client-ecs";
import { describeServices, describeTaskDefinitionsSettled, tagMap } from "../ecs/describe.ts";
import { runningDigests } from "../ecs/serviceRevisions.ts";
import { describeError } from "../errors.ts";
import type { IndexEntry } from "./ServiceIndex.ts";
import type { ServiceSnapshot } from "./types.ts";

export interface LoadedSnapshots {
  readonly snapshots: ServiceSnapshot[];
  /** Services the index named that ECS no longer has. */
  readonly missing: string[];
  /**
   * Services whose state could not be read (their cluster's DescribeServices, their task
   * definition's DescribeTaskDefinition failed), with the error: the others are read all the same.
   */
  readonly unread: UnreadService[];
}

/** A service whose state could not be read, and why (`Step: ErrorName: message`). */
export interface UnreadService {
  readonly serviceArn: string;
  readonly clusterArn: string;
  readonly error: string;
}

/**
 * Reads the fresh state of the services the index named: one DescribeServices per cluster and
 * 10 services, one DescribeTaskDefinition per distinct revision. Tags come with both. A read that
 * fails leaves its services `unread` and the others read: one service's lasting failure (a
 * throttled or refused read of its task definition) does not hold back the rest of the push.
 */
export async function loadSnapshots(
  ecs: ECSClient,
  entries: readonly IndexEntry[],
): Promise<LoadedSnapshots> {
  const byCluster = new Map<string, string[]>();
  for (const entry of entries)
    byCluster.set(entry.clusterArn, [...(byCluster.get(entry.clusterArn) ?? []), entry.serviceArn]);
  const missing: string[] = [];
  const unread: UnreadService[] = [];
  const services = [];
  for (const [cluster, arns] of byCluster) {
    try {
      const described = await describeServices(ecs, cluster, arns);
      services.push(...described.services);
      missing.push(...described.missing);
    } catch (error) {
      // The cluster itself is gone (deleted, then no longer even INACTIVE): so are its services.
      if (error instanceof ClusterNotFoundException) missing.push(...arns);
      else
        unread.push(
          ...arns.map((serviceArn) => ({
            serviceArn,
            clusterArn: cluster,
            error: `DescribeServices: ${describeError(error)}`,
          })),
        );
    }
  }
  const active = services.filter((s) => s.status === "ACTIVE" && s.taskDefinition);
  missing.push(...services.filter((s) => s.status !== "ACTIVE").map((s) => s.serviceArn ?? ""));
  const definitions = await describeTaskDefinitionsSettled(
    ecs,
    active.map((s) => s.taskDefinition ?? ""),
  );
  const snapshots: ServiceSnapshot[] = [];
  for (const service of active) {
    const arn = service.taskDefinition ?? "";
    const definition = definitions.found.get(arn);
    if (!definition) {
      unread.push({
        serviceArn: service.serviceArn ?? "",
        clusterArn: service.clusterArn ?? "",
        error: `DescribeTaskDefinition of ${arn}: ${definitions.failed.get(arn) ?? "no answer"}`,
      });
      continue;
    }
    snapshots.push({
      service,
      tags: tagMap(service.tags),
      taskDefinition: definition.taskDefinition,
      taskDefinitionTags: definition.tags,
    });
  }
  return { snapshots, missing: missing.filter(Boolean), unread };
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
