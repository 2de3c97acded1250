import {
  AccessDeniedException,
  type CapacityProvider,
  DescribeCapacityProvidersCommand,
  DescribeTasksCommand,
  type ECSClient,
  paginateListTasks,
  type Service,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { chunk } from "../aws/concurrency.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { taskReservation } from "../ecs/containerInstanceFacts.ts";
import { listContainerInstances } from "../ecs/containerInstances.ts";
import { describeTaskDefinitions } from "../ecs/describe.ts";
import type { ClusterFacts, RunningTaskFacts } from "./clusterCapacity.ts";

export interface ClusterToLoad {
  readonly clusterArn: string;
  /** The cluster's capacity providers (DescribeClusters), FARGATE ones included or not. */
  readonly capacityProviders: readonly string[];
  readonly services: readonly Service[];
}

/**
 * Reads what {@link planClusterCapacity} needs for clusters with container instances:
 * ListContainerInstances + DescribeContainerInstances (100 a call), ListTasks + DescribeTasks for
 * running tasks (100 a call), the task definitions not already in `definitions` (one call each),
 * DescribeCapacityProviders for the clusters' Auto Scaling group providers. Fargate-only clusters
 * cost one ListContainerInstances call.
 */
export async function loadClusterCapacity(
  ecs: ECSClient,
  clusters: readonly ClusterToLoad[],
  definitions: Map<string, TaskDefinition>,
): Promise<ClusterFacts[]> {
  const result: ClusterFacts[] = [];
  for (const cluster of clusters) {
    const instances = await listContainerInstances(ecs, cluster.clusterArn);
    if (instances.length === 0) continue;
    const taskArns: string[] = [];
    for await (const page of paginateListTasks(
      { client: ecs },
      { cluster: cluster.clusterArn, desiredStatus: "RUNNING" },
    ))
      taskArns.push(...(page.taskArns ?? []));
    const tasks: Array<{ containerInstanceArn: string; group: string; taskDefinitionArn: string }> = [];
    for (const batch of chunk(taskArns, 100)) {
      const described = await ecs.send(
        new DescribeTasksCommand({ cluster: cluster.clusterArn, tasks: batch }),
      );
      for (const task of described.tasks ?? [])
        if (task.containerInstanceArn)
          tasks.push({
            containerInstanceArn: task.containerInstanceArn,
            group: task.group ?? "",
            taskDefinitionArn: task.taskDefinitionArn ?? "",
          });
    }
    const missing = [...new Set(tasks.map((t) => t.taskDefinitionArn))].filter(
      (arn) => !definitions.has(arn),
    );
    for (const [arn, described] of await describeTaskDefinitions(ecs, missing))
      definitions.set(arn, described.taskDefinition);
    const running: RunningTaskFacts[] = tasks.map((t) => ({
      containerInstanceArn: t.containerInstanceArn,
      group: t.group,
      reservation: taskReservation(definitions.get(t.taskDefinitionArn)),
    }));
    const asgProviders = cluster.capacityProviders.filter((p) => p !== "FARGATE" && p !== "FARGATE_SPOT");
    const providers = [];
    const notes: string[] = [];
    for (const batch of chunk(asgProviders, 10)) {
      let described: { capacityProviders?: CapacityProvider[] };
      try {
        described = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: batch }));
      } catch (error) {
        // Capacity providers only refine the findings (target capacity): without them the rest stands.
        if (!(error instanceof AccessDeniedException)) throw error;
        notes.push(
          `capacity providers ${batch.join(", ")} not read (AccessDeniedException): target capacity not checked`,
        );
        continue;
      }
      for (const provider of described.capacityProviders ?? []) {
        const scaling = provider.autoScalingGroupProvider?.managedScaling;
        providers.push({
          name: provider.name ?? "",
          ...(scaling
            ? {
                managedScaling: {
                  status: scaling.status ?? "DISABLED",
                  targetCapacity: scaling.targetCapacity ?? 100,
                },
              }
            : {}),
        });
      }
    }
    const grouped = new Set(running.map((t) => t.group));
    result.push({
      clusterName: nameFromArn(cluster.clusterArn),
      ...(notes.length ? { notes } : {}),
      instances,
      tasks: running,
      providers,
      services: cluster.services
        .filter((s) => grouped.has(`service:${s.serviceName}`))
        .map((s) => ({
          serviceName: s.serviceName ?? "",
          placementStrategy: (s.placementStrategy ?? []).map((p) => ({
            type: p.type ?? "",
            ...(p.field ? { field: p.field } : {}),
          })),
          placementConstraints: (s.placementConstraints ?? []).map((c) => ({ type: c.type ?? "" })),
        })),
    });
  }
  return result;
}
