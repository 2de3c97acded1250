import { FARGATE_TASK_SIZES, type FargateSize } from "../ecs/FargateSize.ts";

export interface SizeNeed {
  /** CPU units the task must have (p99 use plus headroom). */
  readonly cpu: number;
  /** MiB the task must have (max use plus headroom, never below observed max or OOM evidence). */
  readonly memory: number;
}

/**
 * The cheapest valid Fargate size that covers a need: the smallest by CPU then memory. It is the
 * cheapest at any per-vCPU-hour and per-GB-hour rates, because of the valid sizes that cover a
 * need, the first has no more CPU and no more memory than any other (a test checks every size).
 * Undefined when even 16 vCPU / 120 GB does not cover it.
 *
 * @example
 * smallestFargateSize({ cpu: 300, memory: 900 }); // { cpu: 512, memory: 1024 }
 */
export function smallestFargateSize(need: SizeNeed): FargateSize | undefined {
  return FARGATE_TASK_SIZES.find((size) => size.cpu >= need.cpu && size.memory >= need.memory);
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
