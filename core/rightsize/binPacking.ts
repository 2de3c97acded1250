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
  /** Share of nominal memory the OS and the ECS agent keep (what ECS registers is less than nominal). */
  readonly overheadFraction: number;
  /** MiB kept back for the agent and daemons (ECS_RESERVED_MEMORY). */
  readonly reservedMemory: number;
}

/**
 * A conservative estimate of what ECS can place on an instance: 6% of nominal memory for the
 * OS and agent, and 512 MiB reserved. Set it from your cluster's registered resources
 * (DescribeContainerInstances) where they are known.
 */
export const DEFAULT_AGENT_RESERVE: AgentReserve = { overheadFraction: 0.06, reservedMemory: 512 };

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
