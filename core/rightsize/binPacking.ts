/** A task's reservation: CPU units (1024 = 1 vCPU) and MiB. */
export interface TaskShape {
  readonly cpu: number;
  readonly memory: number;
}

export interface InstanceShape {
  readonly instanceType: string;
  readonly vcpus: number;
  /** Nominal memory of the instance type (DescribeInstanceTypes), MiB. */
  readonly memory: number;
  readonly architecture: "x86_64" | "arm64";
}

export interface AgentReserve {
  /** Share of nominal memory ECS cannot place tasks in (kernel, platform, agent buffer). */
  readonly overheadFraction: number;
  /** MiB kept back for the agent and daemons (ECS_RESERVED_MEMORY). */
  readonly reservedMemory: number;
  /**
   * `registered`: what ECS registered for the type in a cluster of the account (DescribeContainerInstances);
   * `estimated`: {@link DEFAULT_AGENT_RESERVE}, for a type no cluster runs — the reports say so.
   */
  readonly basis: "registered" | "estimated";
}

/**
 * Share of installed memory that the kernel and platform take before ECS registers anything:
 * an m4.large (8 GiB installed) on the ECS-optimized Amazon Linux AMI reports 8,373,026,816 bytes
 * total memory, "7985 MiB available" for tasks (AWS Batch User Guide, "Compute resource memory
 * management", https://docs.aws.amazon.com/batch/latest/userguide/memory-management.html; the
 * Amazon ECS Developer Guide's "Reserving Amazon ECS Linux container instance memory" describes the
 * same m4.large gap). One documented instance: an estimate for other types.
 */
export const KERNEL_SHARE = 1 - 7985 / 8192;

/**
 * The buffer AWS recommends keeping from tasks for the ECS agent and critical system processes
 * (set with ECS_RESERVED_MEMORY): "We recommend reserving a 5% memory buffer for Amazon ECS container
 * agent and other critical system processes" (AWS Batch User Guide, "Reserve system memory",
 * https://docs.aws.amazon.com/batch/latest/userguide/ecs-reserved-memory.html). The ECS agent's own
 * default reserve is 0 MiB, so a cluster that does not set it registers more than this.
 */
export const AGENT_BUFFER_SHARE = 0.05;

/**
 * What ECS can place on an instance type no cluster of the account runs: installed memory less
 * {@link KERNEL_SHARE} and {@link AGENT_BUFFER_SHARE} (8,192 MiB → 7,575 MiB). An estimate, said in
 * every report that uses it; where a cluster runs the type its registered memory is used instead.
 */
export const DEFAULT_AGENT_RESERVE: AgentReserve = {
  overheadFraction: KERNEL_SHARE + AGENT_BUFFER_SHARE,
  reservedMemory: 0,
  basis: "estimated",
};

/** What ECS can place on one instance of a type. */
export function placeable(instance: InstanceShape, reserve: AgentReserve = DEFAULT_AGENT_RESERVE): TaskShape {
  return {
    cpu: instance.vcpus * 1024,
    memory: Math.floor(instance.memory * (1 - reserve.overheadFraction) - reserve.reservedMemory),
  };
}

/**
 * First-fit decreasing over CPU and memory: the tasks, largest first (by their larger share of
 * an instance), each into the first instance with room for it. Returns the number of instances,
 * or undefined when one task does not fit an empty instance.
 *
 * @example
 * packTasks(Array(10).fill({ cpu: 1024, memory: 2048 }), { instanceType: "m6i.large", vcpus: 2, memory: 8192, architecture: "x86_64" }); // 5
 */
export function packTasks(
  tasks: readonly TaskShape[],
  instance: InstanceShape,
  reserve: AgentReserve = DEFAULT_AGENT_RESERVE,
): number | undefined {
  const capacity = placeable(instance, reserve);
  if (tasks.some((t) => t.cpu > capacity.cpu || t.memory > capacity.memory)) return undefined;
  const share = (t: TaskShape) => Math.max(t.cpu / capacity.cpu, t.memory / capacity.memory);
  const bins: Array<{ cpu: number; memory: number }> = [];
  for (const task of [...tasks].sort((a, b) => share(b) - share(a))) {
    const bin = bins.find((b) => b.cpu >= task.cpu && b.memory >= task.memory);
    if (bin) {
      bin.cpu -= task.cpu;
      bin.memory -= task.memory;
    } else {
      bins.push({ cpu: capacity.cpu - task.cpu, memory: capacity.memory - task.memory });
    }
  }
  return bins.length;
}

export interface Ec2Option {
  readonly instance: InstanceShape;
  readonly instances: number;
  readonly hourly: number;
}

/**
 * The cheapest instance type (of those with a price) to run the tasks on, by bin packing. The
 * reserve may differ per type (what ECS registers where a cluster runs it).
 */
export function cheapestEc2(
  tasks: readonly TaskShape[],
  candidates: readonly InstanceShape[],
  prices: ReadonlyMap<string, number>,
  reserve: AgentReserve | ((instance: InstanceShape) => AgentReserve) = DEFAULT_AGENT_RESERVE,
): Ec2Option | undefined {
  const options: Ec2Option[] = [];
  for (const instance of candidates) {
    const price = prices.get(instance.instanceType);
    const count = packTasks(tasks, instance, typeof reserve === "function" ? reserve(instance) : reserve);
    if (price === undefined || count === undefined) continue;
    options.push({ instance, instances: count, hourly: count * price });
  }
  return options.sort((a, b) => a.hourly - b.hourly || a.instances - b.instances)[0];
}
