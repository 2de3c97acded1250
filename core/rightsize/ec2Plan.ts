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
 * A service's rolling-update limits (`deploymentConfiguration`). ECS's defaults for a REPLICA
 * service are minimumHealthyPercent 100 and maximumPercent 200 (Amazon ECS API Reference,
 * DeploymentConfiguration); the same limits govern replacing tasks on a DRAINING instance.
 */
export interface DeploymentLimits {
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
}

export const ECS_DEFAULT_DEPLOYMENT: DeploymentLimits = { minimumHealthyPercent: 100, maximumPercent: 200 };

/** What a rolling deployment (or an instance drain) at the peak needs on top of the steady capacity. */
export interface DeploymentRoom {
  readonly limits: DeploymentLimits;
  /** The peak task count the steady capacity holds. */
  readonly peakTasks: number;
  /** Tasks RUNNING or PENDING at most while a deployment runs at the peak: floor(peak × maximumPercent / 100). */
  readonly maxTasks: number;
  /** Instances those tasks need when bin packed: the Auto Scaling group's maximum size. */
  readonly instances: number;
  /** Instances beyond the steady ones, launched by managed scaling only while a deployment or drain runs. */
  readonly extraInstances: number;
  /** $/hour of those extra instances while they run. */
  readonly extraHourly: number;
}

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
  /** The room a rolling deployment at the peak needs (what sets the group's maximum size). */
  readonly deployment: DeploymentRoom;
  /**
   * The memory the packing assumed ECS places on one instance: as registered in a cluster of the
   * account, or estimated (binPacking.ts DEFAULT_AGENT_RESERVE) where none runs the type.
   */
  readonly memoryPerInstance: { readonly usable: number; readonly basis: "registered" | "estimated" };
  /**
   * What each task must reserve for the packing to hold (task-level `cpu` and `memory` of the
   * task definition): the packing assumes every task reserves exactly this.
   */
  readonly taskReservation: TaskShape;
  /** How many tasks of today's size the same instances hold (when today's size is known and differs). */
  readonly atCurrentSize?: { readonly size: TaskShape; readonly tasks: number; readonly of: number };
}

export interface Ec2PlanInput {
  /** What one task needs (CPU units, MiB). */
  readonly need: TaskShape;
  readonly tasks: { readonly min: number; readonly max: number };
  readonly interruptible: boolean;
  readonly candidates: readonly InstanceShape[];
  readonly prices: ReadonlyMap<string, number>;
  readonly reserveOf?: (instance: InstanceShape) => AgentReserve;
  /** The service's rolling-update limits (default: ECS's, 100 / 200). */
  readonly deployment?: DeploymentLimits;
  /** What each task reserves today (to say what the plan holds if the task definition is not changed). */
  readonly current?: TaskShape;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** How many tasks of one shape fit on one instance with `room` (identical tasks: the tighter dimension decides). */
function tasksPerInstance(task: TaskShape, room: TaskShape): number {
  // A dimension the task does not reserve (an EC2 task definition without `cpu`) does not limit:
  // room / 0 is Infinity (an instance always has room: vCPUs and memory above 0).
  const n = Math.min(Math.floor(room.cpu / task.cpu), Math.floor(room.memory / task.memory));
  return Number.isFinite(n) ? n : 0;
}

/**
 * The cheapest EC2 capacity for a service's peak task count, and how to run it: a capacity
 * provider with managed scaling (target 100 when the task count never changes; otherwise one
 * spare instance, so a scale-out does not wait for an instance to boot), the group's instance
 * types (same shape, for Spot diversity and launch fallback), the On-Demand/Spot split (the
 * minimum task count stays On-Demand; above it Spot only for interruption-tolerant services), and
 * what the headroom costs per month.
 *
 * The group's maximum size leaves room for a rolling deployment at the peak: with
 * maximumPercent above 100 ECS starts the new tasks before it stops the old ones, up to
 * floor(peak × maximumPercent / 100) tasks RUNNING or PENDING (Amazon ECS API Reference,
 * DeploymentConfiguration; the default 200 % doubles the tasks). On a capacity provider those
 * tasks wait in PROVISIONING until managed scaling adds instances, and "if the Auto Scaling group
 * is unable to scale out to accommodate the number of tasks run, the tasks will fail to transition
 * beyond the PROVISIONING state" (Amazon ECS Developer Guide, "Auto Scaling group capacity
 * providers", considerations): a maximum equal to the steady count stalls every deployment and
 * every instance drain (which honours the same limits). So maxSize = the instances that hold
 * floor(peak × maximumPercent / 100) tasks, and maximumScalingStepSize reaches it in one step. The
 * target capacity stays 100 for a steady service: managed scaling tracks CapacityProviderReservation
 * toward it and scales out for PROVISIONING tasks (Amazon ECS API Reference, ManagedScaling:
 * "the default value of 100 percent results in the Amazon EC2 instances in your Auto Scaling group
 * being completely used"), so the deployment's instances cost only while it runs.
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
  // No task packs onto no instance: a minimum of 0 tasks keeps 0 instances.
  const baseInstances =
    packTasks(
      Array.from({ length: minTasks }, () => input.need),
      instance,
      reserve,
    ) ?? packed;
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
  // Rolling deployments (and drains) at the peak: ECS may run up to floor(peak × max / 100) tasks.
  const limits = input.deployment ?? ECS_DEFAULT_DEPLOYMENT;
  const deploymentTasks = Math.max(peak, Math.floor((peak * limits.maximumPercent) / 100));
  const deploymentInstances = Math.max(
    instances,
    packTasks(
      Array.from({ length: deploymentTasks }, () => input.need),
      instance,
      reserve,
    ) ?? instances,
  );
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
        maximumScalingStepSize: Math.max(1, deploymentInstances - baseInstances),
      },
      managedTerminationProtection: "ENABLED",
      autoScalingGroup: {
        minSize: baseInstances,
        maxSize: deploymentInstances,
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
    deployment: {
      limits,
      peakTasks: peak,
      maxTasks: deploymentTasks,
      instances: deploymentInstances,
      extraInstances: deploymentInstances - instances,
      extraHourly: (deploymentInstances - instances) * price,
    },
    taskReservation: { cpu: input.need.cpu, memory: input.need.memory },
    memoryPerInstance: { usable: room.memory, basis: reserve.basis },
    ...(input.current && (input.current.cpu !== input.need.cpu || input.current.memory !== input.need.memory)
      ? {
          atCurrentSize: {
            size: { cpu: input.current.cpu, memory: input.current.memory },
            tasks: Math.min(peak, instances * tasksPerInstance(input.current, room)),
            of: peak,
          },
        }
      : {}),
    ...(input.interruptible && instances > baseInstances
      ? {
          spotNote: `${instances - baseInstances} of ${instances} instances may run as Spot; priced at On-Demand here (no EC2 Spot prices are bundled), so the real cost is lower`,
        }
      : {}),
  };
}
