import {
  type AgentReserve,
  cheapestEc2,
  DEFAULT_AGENT_RESERVE,
  type InstanceShape,
  packTasks,
  placeable,
  type TaskShape,
} from "./binPacking.ts";

export const HOURS_PER_MONTH = 730;

/**
 * The capacity provider and Auto Scaling group settings that run a service on EC2 as recommended:
 * what to type into `CreateCapacityProvider` and the group's mixed instances policy.
 */
export interface CapacityProviderSettings {
  readonly managedScaling: {
    readonly status: "ENABLED";
    /** Percent of the provider's capacity ECS keeps reserved by tasks (100 = no spare instance). */
    readonly targetCapacity: number;
    readonly minimumScalingStepSize: number;
    readonly maximumScalingStepSize: number;
  };
  /** Instances running tasks are not terminated by a scale-in. */
  readonly managedTerminationProtection: "ENABLED";
  readonly autoScalingGroup: {
    readonly minSize: number;
    readonly maxSize: number;
    /** The recommended type first, then types of the same vCPU and memory, cheapest first. */
    readonly instanceTypes: readonly string[];
    readonly onDemandBaseCapacity: number;
    readonly onDemandPercentageAboveBaseCapacity: number;
    readonly spotAllocationStrategy?: "price-capacity-optimized";
  };
}

/** What the recommended capacity costs beyond what the tasks reserve. */
export interface Headroom {
  /** Spare instances kept by a target capacity below 100 (0 or 1). */
  readonly spareInstances: number;
  readonly spareMonthly: number;
  /** Share of the peak capacity (binding dimension: CPU or memory) no task reserves. */
  readonly unreservedShare: number;
  readonly unreservedMonthly: number;
  readonly monthly: number;
}

/** An actionable EC2 recommendation: type, count from bin packing, provider settings, headroom. */
export interface Ec2Plan {
  readonly instance: InstanceShape;
  /** Instances that hold the peak task count (bin packing), plus the spare ones. */
  readonly instances: number;
  /** $/hour of those instances, On-Demand. */
  readonly hourly: number;
  readonly capacityProvider: CapacityProviderSettings;
  readonly headroom: Headroom;
  /** Said when part of the capacity is meant for Spot but priced at On-Demand (no EC2 Spot prices are bundled). */
  readonly spotNote?: string;
}

export interface Ec2PlanInput {
  /** What one task needs (CPU units, MiB). */
  readonly need: TaskShape;
  readonly tasks: { readonly min: number; readonly max: number };
  readonly interruptible: boolean;
  readonly candidates: readonly InstanceShape[];
  readonly prices: ReadonlyMap<string, number>;
  readonly reserveOf?: (instance: InstanceShape) => AgentReserve;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The cheapest EC2 capacity for a service's peak task count, and how to run it: a capacity
 * provider with managed scaling (target 100 when the task count never changes; otherwise one
 * spare instance, so a scale-out does not wait for an instance to boot), the group's instance
 * types (same shape, for Spot diversity and launch fallback), the On-Demand/Spot split (the
 * minimum task count stays On-Demand; above it Spot only for interruption-tolerant services), and
 * what the headroom costs per month.
 *
 * @example
 * planEc2({ need: { cpu: 3720, memory: 7200 }, tasks: { min: 20, max: 20 }, interruptible: false, candidates, prices });
 */
export function planEc2(input: Ec2PlanInput): Ec2Plan | undefined {
  const reserveOf = input.reserveOf ?? (() => DEFAULT_AGENT_RESERVE);
  const peak = Math.max(1, input.tasks.max);
  const peakTasks = Array.from({ length: peak }, () => input.need);
  // Bin packing per type with its own reserve (registered resources where a cluster runs the type).
  const best = cheapestEc2(peakTasks, input.candidates, input.prices, reserveOf);
  if (!best) return undefined;
  const { instance } = best;
  const price = input.prices.get(instance.instanceType) ?? 0;
  const reserve = reserveOf(instance);
  const room = placeable(instance, reserve);
  const steady = input.tasks.min === input.tasks.max;
  const spare = steady ? 0 : 1;
  const packed = best.instances;
  const instances = packed + spare;
  // ECS keeps ceil(100 × needed / target) instances: the smallest target that keeps exactly one spare.
  const targetCapacity = steady ? 100 : Math.ceil((100 * packed) / instances);
  const minTasks = Math.max(0, input.tasks.min);
  const baseInstances =
    minTasks === 0
      ? 0
      : (packTasks(
          Array.from({ length: minTasks }, () => input.need),
          instance,
          reserve,
        ) ?? packed);
  const sameShape = input.candidates
    .filter(
      (c) =>
        c.architecture === instance.architecture &&
        c.vcpus === instance.vcpus &&
        c.memory === instance.memory &&
        input.prices.has(c.instanceType),
    )
    .sort(
      (a, b) =>
        (input.prices.get(a.instanceType) ?? 0) - (input.prices.get(b.instanceType) ?? 0) ||
        a.instanceType.localeCompare(b.instanceType),
    )
    .map((c) => c.instanceType);
  const instanceTypes = [instance.instanceType, ...sameShape.filter((t) => t !== instance.instanceType)];
  const reservedCpu = peak * input.need.cpu;
  const reservedMemory = peak * input.need.memory;
  const unreservedShare = Math.max(
    0,
    1 - Math.max(reservedCpu / (packed * room.cpu), reservedMemory / (packed * room.memory)),
  );
  const monthlyPerInstance = price * HOURS_PER_MONTH;
  const spareMonthly = round(spare * monthlyPerInstance);
  const unreservedMonthly = round(unreservedShare * packed * monthlyPerInstance);
  return {
    instance,
    instances,
    hourly: instances * price,
    capacityProvider: {
      managedScaling: {
        status: "ENABLED",
        targetCapacity,
        minimumScalingStepSize: 1,
        maximumScalingStepSize: Math.max(1, instances - baseInstances),
      },
      managedTerminationProtection: "ENABLED",
      autoScalingGroup: {
        minSize: baseInstances,
        maxSize: instances,
        instanceTypes,
        onDemandBaseCapacity: input.interruptible ? baseInstances : 0,
        onDemandPercentageAboveBaseCapacity: input.interruptible ? 0 : 100,
        ...(input.interruptible ? { spotAllocationStrategy: "price-capacity-optimized" as const } : {}),
      },
    },
    headroom: {
      spareInstances: spare,
      spareMonthly,
      unreservedShare: Math.round(unreservedShare * 1000) / 1000,
      unreservedMonthly,
      monthly: round(spareMonthly + unreservedMonthly),
    },
    ...(input.interruptible && instances > baseInstances
      ? {
          spotNote: `${instances - baseInstances} of ${instances} instances may run as Spot; priced at On-Demand here (no EC2 Spot prices are bundled), so the real cost is lower`,
        }
      : {}),
  };
}
