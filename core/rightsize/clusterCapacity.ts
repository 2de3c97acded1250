/**
 * What an EC2 cluster pays for and does not use, from its container instances' registered and
 * remaining resources and its running tasks' reservations (the services' task definitions):
 * stranded capacity, a managed-scaling target capacity that keeps spare instances, placement
 * strategies that spread where binpack would free instances, idle instances and instances whose
 * agent is disconnected — each with $/month. Pure: the reads are in loadClusterCapacity.ts.
 */
import type { ContainerInstanceFacts, Resources } from "../ecs/containerInstanceFacts.ts";
import { HOURS_PER_MONTH } from "./ec2Plan.ts";

export type { ContainerInstanceFacts, Resources };

export interface RunningTaskFacts {
  readonly containerInstanceArn: string;
  /** `service:<name>` for service tasks, `family:<name>` for standalone ones. */
  readonly group: string;
  /** What the task reserves on its instance. */
  readonly reservation: Resources;
}

export interface CapacityProviderFacts {
  readonly name: string;
  readonly managedScaling?: { readonly status: string; readonly targetCapacity: number };
}

export interface ServicePlacement {
  readonly serviceName: string;
  readonly placementStrategy: ReadonlyArray<{ readonly type: string; readonly field?: string }>;
  readonly placementConstraints: ReadonlyArray<{ readonly type: string }>;
}

export interface ClusterFacts {
  readonly clusterName: string;
  readonly instances: readonly ContainerInstanceFacts[];
  readonly tasks: readonly RunningTaskFacts[];
  /** The cluster's Auto Scaling group capacity providers (FARGATE ones left out). */
  readonly providers: readonly CapacityProviderFacts[];
  readonly services: readonly ServicePlacement[];
  /** What could not be read (said in the report). */
  readonly notes?: readonly string[];
}

export type ClusterFinding =
  | {
      readonly kind: "stranded";
      readonly monthly: number;
      readonly instances: ReadonlyArray<{
        readonly ec2InstanceId: string;
        readonly instanceType: string;
        readonly left: Resources;
        readonly strandedShare: number;
      }>;
      readonly message: string;
    }
  | {
      readonly kind: "target-capacity";
      readonly monthly: number;
      readonly provider: string;
      readonly targetCapacity: number;
      readonly spareInstances: number;
      readonly message: string;
    }
  | {
      readonly kind: "spread";
      readonly monthly: number;
      readonly services: readonly string[];
      readonly freedInstances: number;
      readonly suggestedStrategy: ReadonlyArray<{ readonly type: string; readonly field: string }>;
      readonly message: string;
    }
  | {
      readonly kind: "idle";
      readonly monthly: number;
      readonly freedInstances: number;
      readonly message: string;
    }
  | {
      readonly kind: "agent-disconnected";
      readonly monthly: number;
      readonly ec2InstanceIds: readonly string[];
      readonly message: string;
    };

export interface ClusterCapacityReport {
  readonly clusterName: string;
  /** ACTIVE container instances. */
  readonly instances: number;
  readonly instanceTypes: Readonly<Record<string, number>>;
  /** $/month of the ACTIVE instances that have a price. */
  readonly monthly: number;
  /** Instance types without a price in the price book (their findings carry no $). */
  readonly unpriced: readonly string[];
  /** Instances the running tasks need when bin-packed (first-fit decreasing over CPU and memory). */
  readonly neededInstances: number;
  readonly reserved: Resources;
  readonly registered: Resources;
  readonly findings: readonly ClusterFinding[];
  /** Said when an assumption had to be made (e.g. which provider launched the instances). */
  readonly notes: readonly string[];
}

/** AWS's documented example: spread across Availability Zones, then bin pack on memory within each. */
export const AZ_SPREAD_THEN_BINPACK = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "binpack", field: "memory" },
] as const;

const round = (n: number) => Math.round(n * 100) / 100;

/** Whether ECS bin packs a service's tasks (a service without a strategy spreads across Availability Zones). */
export const binpacks = (service: ServicePlacement) =>
  service.placementStrategy.some((s) => s.type.toLowerCase() === "binpack");

/** The bins (instances) first-fit decreasing needs for `tasks`, bins taken largest first from `instances`. */
function packInto(tasks: readonly Resources[], instances: readonly ContainerInstanceFacts[]): number {
  const bins = [...instances]
    .sort((a, b) => b.registered.cpu + b.registered.memory / 4 - (a.registered.cpu + a.registered.memory / 4))
    .map((i) => ({ cpu: i.registered.cpu, memory: i.registered.memory, used: false }));
  const share = (t: Resources) => Math.max(t.cpu / (bins[0]?.cpu || 1), t.memory / (bins[0]?.memory || 1));
  let overflow = 0;
  for (const task of [...tasks].sort((a, b) => share(b) - share(a))) {
    const bin = bins.find((b) => b.cpu >= task.cpu && b.memory >= task.memory);
    if (!bin) {
      overflow++;
      continue;
    }
    bin.cpu -= task.cpu;
    bin.memory -= task.memory;
    bin.used = true;
  }
  // Tasks that fit no bin (should not happen: they run) count as needing one each.
  return bins.filter((b) => b.used).length + overflow;
}

/**
 * The capacity findings of one EC2 cluster with $/month, priced by `prices` (Linux On-Demand
 * $/hour per instance type).
 *
 * @example
 * planClusterCapacity(facts, new Map([["c5.xlarge", 0.17]])).findings;
 */
export function planClusterCapacity(
  facts: ClusterFacts,
  prices: ReadonlyMap<string, number>,
): ClusterCapacityReport {
  const notes: string[] = [...(facts.notes ?? [])];
  const active = facts.instances.filter((i) => i.status === "ACTIVE");
  const monthlyOf = (i: ContainerInstanceFacts) => (prices.get(i.instanceType ?? "") ?? 0) * HOURS_PER_MONTH;
  const unpriced = [...new Set(active.map((i) => i.instanceType ?? "unknown"))].filter((t) => !prices.has(t));
  const instanceTypes: Record<string, number> = {};
  for (const i of active)
    instanceTypes[i.instanceType ?? "unknown"] = (instanceTypes[i.instanceType ?? "unknown"] ?? 0) + 1;
  const connected = active.filter((i) => i.agentConnected);
  const findings: ClusterFinding[] = [];

  const disconnected = active.filter((i) => !i.agentConnected);
  if (disconnected.length > 0) {
    const monthly = round(disconnected.reduce((n, i) => n + monthlyOf(i), 0));
    findings.push({
      kind: "agent-disconnected",
      monthly,
      ec2InstanceIds: disconnected.map((i) => i.ec2InstanceId),
      message: `${disconnected.length} instance${disconnected.length === 1 ? "" : "s"} with a disconnected ECS agent (ECS places nothing there) cost $${monthly.toFixed(2)}/month: check the agent (systemctl status ecs) or replace the instance`,
    });
  }

  // Stranded: room left that no running task's shape fits into (one dimension full, the other not).
  const shapes = facts.tasks.map((t) => t.reservation);
  const fits = (left: Resources) => shapes.some((s) => s.cpu <= left.cpu && s.memory <= left.memory);
  const stranded = connected
    .filter((i) => i.runningTasks > 0 && shapes.length > 0 && !fits(i.remaining))
    .map((i) => ({
      instance: i,
      strandedShare: Math.max(i.remaining.cpu / i.registered.cpu, i.remaining.memory / i.registered.memory),
    }))
    .filter((s) => s.strandedShare > 0);
  if (stranded.length > 0) {
    const monthly = round(stranded.reduce((n, s) => n + s.strandedShare * monthlyOf(s.instance), 0));
    const cpuLeft = stranded.filter(
      (s) =>
        s.instance.remaining.cpu / s.instance.registered.cpu >=
        s.instance.remaining.memory / s.instance.registered.memory,
    ).length;
    findings.push({
      kind: "stranded",
      monthly,
      instances: stranded.map((s) => ({
        ec2InstanceId: s.instance.ec2InstanceId,
        instanceType: s.instance.instanceType ?? "unknown",
        left: s.instance.remaining,
        strandedShare: Math.round(s.strandedShare * 1000) / 1000,
      })),
      message: `${stranded.length} instance${stranded.length === 1 ? "" : "s"} ha${stranded.length === 1 ? "s" : "ve"} room no task fits (${cpuLeft === stranded.length ? "CPU left, memory full" : cpuLeft === 0 ? "memory left, CPU full" : "one resource full, the other not"}): $${monthly.toFixed(2)}/month stranded; an instance type with a ${cpuLeft >= stranded.length / 2 ? "lower CPU-to-memory ratio (r or m instead of c)" : "higher CPU-to-memory ratio (c or m instead of r)"} fits these tasks`,
    });
  }

  // Bin packing: the instances the running tasks need, against those running.
  const tasksOn = (instances: readonly ContainerInstanceFacts[]) => {
    const arns = new Set(instances.map((i) => i.arn));
    return facts.tasks.filter((t) => arns.has(t.containerInstanceArn)).map((t) => t.reservation);
  };
  const needed = packInto(tasksOn(connected), connected);
  // Group by the provider that launched each instance. moto 5.2.1 never sets capacityProviderName:
  // when no instance names one and the cluster has exactly one provider, the instances are taken
  // as that provider's, and the report says so.
  const groups = new Map<string, ContainerInstanceFacts[]>();
  const unnamed = connected.every((i) => !i.capacityProvider);
  for (const i of connected) {
    const provider =
      i.capacityProvider ??
      (unnamed && facts.providers.length === 1 ? facts.providers[0]?.name : undefined) ??
      "";
    groups.set(provider, [...(groups.get(provider) ?? []), i]);
  }
  if (unnamed && facts.providers.length === 1 && connected.length > 0)
    notes.push(
      `no instance names its capacity provider; all ${connected.length} are taken as ${facts.providers[0]?.name}'s, the cluster's only one`,
    );
  const nonBinpacking = facts.services
    .filter((s) => !binpacks(s))
    .sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  for (const [provider, instances] of groups) {
    const groupNeeded = packInto(tasksOn(instances), instances);
    let surplus = instances.length - groupNeeded;
    // A freed instance is priced at the group's average (a group runs one instance type as a rule).
    const perInstance = instances.reduce((n, i) => n + monthlyOf(i), 0) / instances.length;
    const scaling = facts.providers.find((p) => p.name === provider)?.managedScaling;
    // A provider's instances only (unnamed ones find no provider). At a 100 % target, or with no
    // task to run, managed scaling keeps no spare instance: `spare` is 0 then.
    if (scaling?.status === "ENABLED") {
      const spare = Math.min(surplus, Math.ceil((groupNeeded * 100) / scaling.targetCapacity) - groupNeeded);
      if (spare > 0) {
        const monthly = round(spare * perInstance);
        findings.push({
          kind: "target-capacity",
          monthly,
          provider,
          targetCapacity: scaling.targetCapacity,
          spareInstances: spare,
          message: `capacity provider ${provider} keeps ${spare} spare instance${spare === 1 ? "" : "s"} with managed scaling target ${scaling.targetCapacity}% ($${monthly.toFixed(2)}/month): set targetCapacity to 100 to run only what the tasks reserve, or keep the spare for faster scale-out`,
        });
        surplus -= spare;
      }
    }
    if (surplus <= 0) continue;
    const monthly = round(surplus * perInstance);
    const idleOnly = instances.filter((i) => i.runningTasks === 0).length >= surplus;
    if (nonBinpacking.length > 0 && !idleOnly) {
      // The suggested strategy keeps the tasks' Availability Zone balance and packs within each zone:
      // what it frees is what packing each zone's tasks onto that zone's instances frees, not what
      // packing the whole group would (that would move tasks across zones).
      const zones = new Map<string, ContainerInstanceFacts[]>();
      for (const i of instances)
        zones.set(i.availabilityZone ?? "", [...(zones.get(i.availabilityZone ?? "") ?? []), i]);
      const zoneNeeded = [...zones.values()].reduce((n, zone) => n + packInto(tasksOn(zone), zone), 0);
      const spare = instances.length - groupNeeded - surplus;
      const freed = Math.min(surplus, instances.length - zoneNeeded - spare);
      const unzoned = zones.get("")?.length ?? 0;
      if (unzoned > 0)
        notes.push(
          `${unzoned} instance${unzoned === 1 ? "" : "s"}${provider ? ` of ${provider}` : ""} without an ecs.availability-zone attribute: packed as one zone`,
        );
      if (freed > 0) {
        const zoneMonthly = round(freed * perInstance);
        const acrossZones = surplus - freed;
        findings.push({
          kind: "spread",
          monthly: zoneMonthly,
          services: nonBinpacking.map((s) => s.serviceName),
          freedInstances: freed,
          suggestedStrategy: AZ_SPREAD_THEN_BINPACK,
          message: `${nonBinpacking.map((s) => s.serviceName).join(", ")} spread${nonBinpacking.length === 1 ? "s" : ""} tasks over instances${provider ? ` of ${provider}` : ""}; bin packing within each Availability Zone would free ${freed} of ${instances.length} instances ($${zoneMonthly.toFixed(2)}/month): use placementStrategy [spread attribute:ecs.availability-zone, binpack memory] to keep Availability Zone balance and pack within each zone${acrossZones > 0 ? ` (packing across zones would free ${acrossZones} more, at the cost of that balance)` : ""}`,
        });
      } else
        notes.push(
          `${nonBinpacking.map((s) => s.serviceName).join(", ")}: bin packing within each Availability Zone frees no instance${provider ? ` of ${provider}` : ""}; only packing across zones would (${surplus}), at the cost of zone balance`,
        );
    } else {
      findings.push({
        kind: "idle",
        monthly,
        freedInstances: surplus,
        message: `${surplus} of ${instances.length} instances${provider ? ` of ${provider}` : ""} are not needed by the running tasks ($${monthly.toFixed(2)}/month): ${scaling?.status === "ENABLED" ? "managed scaling should scale them in; check the group's minimum size and scale-in protection" : "turn on managed scaling for the cluster's capacity provider, or lower the Auto Scaling group's desired and minimum size"}`,
      });
    }
  }
  const sum = (pick: (i: ContainerInstanceFacts) => number) => active.reduce((n, i) => n + pick(i), 0);
  return {
    clusterName: facts.clusterName,
    instances: active.length,
    instanceTypes,
    monthly: round(sum(monthlyOf)),
    unpriced,
    neededInstances: needed,
    registered: { cpu: sum((i) => i.registered.cpu), memory: sum((i) => i.registered.memory) },
    reserved: {
      cpu: sum((i) => i.registered.cpu - i.remaining.cpu),
      memory: sum((i) => i.registered.memory - i.remaining.memory),
    },
    findings,
    notes,
  };
}
