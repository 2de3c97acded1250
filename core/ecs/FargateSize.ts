/**
 * Valid Fargate task sizes: CPU units → allowed memory MiB, from AWS's Fargate task size table
 * (Amazon ECS Developer Guide, "Task CPU and memory", including the 8 and 16 vCPU sizes of
 * platform version 1.4.0).
 */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** A task size: CPU units (1024 = 1 vCPU) and memory in MiB. */
export interface FargateSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
}

/** Every valid Fargate task size, smallest first (by CPU, then memory). */
export const FARGATE_TASK_SIZES: readonly FargateSize[] = [...FARGATE_SIZES].flatMap(([cpu, memories]) =>
  memories.map((memory) => ({ cpu, memory })),
);
