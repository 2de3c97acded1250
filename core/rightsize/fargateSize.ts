import { FARGATE_TASK_SIZES, type FargateSize } from "../ecs/FargateSize.ts";

export interface SizeNeed {
  /** CPU units the task must have (p99 use plus headroom). */
  readonly cpu: number;
  /** MiB the task must have (max use plus headroom, never below observed max or OOM evidence). */
  readonly memory: number;
}

/**
 * The cheapest valid Fargate size that covers a need: with the per-vCPU-hour and per-GB-hour
 * rates when given, else the smallest by CPU then memory. Undefined when even 16 vCPU / 120 GB
 * does not cover it.
 *
 * @example
 * smallestFargateSize({ cpu: 300, memory: 900 }); // { cpu: 512, memory: 1024 }
 */
export function smallestFargateSize(
  need: SizeNeed,
  rates?: { vcpuHour: number; gbHour: number },
): FargateSize | undefined {
  const fitting = FARGATE_TASK_SIZES.filter((size) => size.cpu >= need.cpu && size.memory >= need.memory);
  if (!rates) return fitting[0];
  const hourly = (s: FargateSize) => (s.cpu / 1024) * rates.vcpuHour + (s.memory / 1024) * rates.gbHour;
  return [...fitting].sort((a, b) => hourly(a) - hourly(b) || a.cpu - b.cpu)[0];
}

/**
 * What a task needs from its usage: p99 CPU and peak memory with headroom; memory never below
 * the observed peak, and after an OOM kill never below the current memory.
 */
export function sizeNeed(input: {
  readonly p99Cpu: number;
  readonly maxMemory: number;
  readonly currentMemory: number;
  readonly oomKills: number;
  readonly headroom?: number;
}): SizeNeed {
  const headroom = input.headroom ?? 0.2;
  const memory = Math.max(
    input.maxMemory * (1 + headroom),
    input.maxMemory,
    input.oomKills > 0 ? input.currentMemory : 0,
  );
  return { cpu: Math.ceil(input.p99Cpu * (1 + headroom)), memory: Math.ceil(memory) };
}
