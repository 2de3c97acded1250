/**
 * What an EC2 service costs today, from the instances of its cluster (DescribeContainerInstances
 * and its running tasks, loadClusterCapacity.ts): the savings of a recommendation are against
 * this bill, not against an estimate on a type the cluster does not run.
 */

import type { ClusterFacts, Resources } from "./clusterCapacity.ts";
import { HOURS_PER_MONTH } from "./ec2Plan.ts";

/** Where "now" of an EC2 service comes from. */
export type CurrentEc2 =
  | {
      /** Its running tasks' share of the instances they run on (each instance split by what its tasks reserve). */
      readonly kind: "running";
      readonly monthly: number;
      readonly tasks: number;
      readonly instanceTypes: Readonly<Record<string, number>>;
      readonly clusterName: string;
    }
  | {
      /** No task of it is running: its peak tasks at today's size packed onto the cluster's instance type. */
      readonly kind: "cluster-type";
      readonly instanceType: string;
      /** What ECS registered for that type in the cluster. */
      readonly registered: Resources;
      readonly hourly: number;
      readonly clusterName: string;
    };

const weight = (task: Resources, registered: Resources) =>
  Math.max(
    registered.cpu > 0 ? task.cpu / registered.cpu : 0,
    registered.memory > 0 ? task.memory / registered.memory : 0,
  );

/**
 * The cost basis of an EC2 service's "now" in its cluster, or undefined when the cluster has no
 * priced container instance to go by (the recommendation then estimates, and says so).
 *
 * Each ACTIVE instance that runs tasks of the service is split among all its running tasks by what
 * each reserves (the larger of its CPU and memory share of the registered resources), so an
 * instance the service has to itself is its cost entirely, and a shared one in part.
 *
 * @example
 * currentEc2Cost(cluster, "renderer", prices); // { kind: "running", monthly: 496.4, tasks: 4, … }
 */
export function currentEc2Cost(
  cluster: ClusterFacts | undefined,
  serviceName: string,
  prices: ReadonlyMap<string, number>,
): CurrentEc2 | undefined {
  if (!cluster) return undefined;
  const active = cluster.instances.filter((i) => i.status === "ACTIVE" || i.status === "DRAINING");
  const group = `service:${serviceName}`;
  const own = cluster.tasks.filter((t) => t.group === group);
  const hosting = active.filter((i) => own.some((t) => t.containerInstanceArn === i.arn));
  if (hosting.length > 0 && hosting.every((i) => prices.has(i.instanceType ?? ""))) {
    let monthly = 0;
    const instanceTypes: Record<string, number> = {};
    for (const instance of hosting) {
      const on = cluster.tasks.filter((t) => t.containerInstanceArn === instance.arn);
      const total = on.reduce((n, t) => n + weight(t.reservation, instance.registered), 0);
      const mine = on
        .filter((t) => t.group === group)
        .reduce((n, t) => n + weight(t.reservation, instance.registered), 0);
      // Tasks that reserve nothing: the instance is split by task count.
      const share =
        total > 0 ? mine / total : on.filter((t) => t.group === group).length / Math.max(1, on.length);
      monthly += share * (prices.get(instance.instanceType ?? "") ?? 0) * HOURS_PER_MONTH;
      const type = instance.instanceType ?? "unknown";
      instanceTypes[type] = (instanceTypes[type] ?? 0) + 1;
    }
    return {
      kind: "running",
      monthly,
      tasks: own.filter((t) => hosting.some((i) => i.arn === t.containerInstanceArn)).length,
      instanceTypes,
      clusterName: cluster.clusterName,
    };
  }
  // No task running (or on an unpriced type): the cluster's most common priced type, as registered.
  // Only instances that registered CPU and memory: their registration is what a task is packed onto.
  const usable = active.filter(
    (i): i is typeof i & { instanceType: string } =>
      prices.has(i.instanceType ?? "") && i.registered.cpu > 0 && i.registered.memory > 0,
  );
  const counts = new Map<string, number>();
  for (const i of usable) counts.set(i.instanceType, (counts.get(i.instanceType) ?? 0) + 1);
  const [type] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  const instance = usable.find((i) => i.instanceType === type);
  if (!instance) return undefined;
  return {
    kind: "cluster-type",
    instanceType: instance.instanceType,
    registered: instance.registered,
    hourly: prices.get(instance.instanceType) ?? 0,
    clusterName: cluster.clusterName,
  };
}
