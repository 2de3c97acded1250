import { describe, expect, it } from "vitest";
import { FARGATE_TASK_SIZES } from "../../../core/ecs/FargateSize.ts";
import { sizeNeed, smallestFargateSize } from "../../../core/rightsize/fargateSize.ts";
import { distribution, percentile } from "../../../core/rightsize/percentiles.ts";

describe("Fargate sizes", () => {
  it("knows every valid size, 8 and 16 vCPU steps included", () => {
    // 3 + 4 + 7 + 13 + 23 (0.25 … 4 vCPU, 1 GB steps) + 12 (8 vCPU, 4 GB steps) + 12 (16 vCPU, 8 GB steps)
    expect(FARGATE_TASK_SIZES).toHaveLength(3 + 4 + 7 + 13 + 23 + 12 + 12);
    expect(FARGATE_TASK_SIZES.at(-1)).toEqual({ cpu: 16384, memory: 122880 });
  });

  it("picks the smallest size covering the need", () => {
    expect(smallestFargateSize({ cpu: 200, memory: 400 })).toEqual({ cpu: 256, memory: 512 });
    expect(smallestFargateSize({ cpu: 300, memory: 900 })).toEqual({ cpu: 512, memory: 1024 });
    // 2.5 vCPU and 9 GB: 4096 CPU units is the next CPU step; its smallest memory is 8192, so 9216.
    expect(smallestFargateSize({ cpu: 2560, memory: 9000 })).toEqual({ cpu: 4096, memory: 9216 });
    expect(smallestFargateSize({ cpu: 20000, memory: 1024 })).toBeUndefined();
  });

  it("picks the cheapest at any rates: of the sizes covering a need, the first has no more CPU and no more memory than any other", () => {
    // Every need at the sizes' own CPU and memory steps (and one unit above each).
    const cpus = [...new Set(FARGATE_TASK_SIZES.flatMap((s) => [s.cpu, s.cpu + 1]))];
    const memories = [...new Set(FARGATE_TASK_SIZES.flatMap((s) => [s.memory, s.memory + 1]))];
    let checked = 0;
    for (const cpu of cpus)
      for (const memory of memories) {
        const fitting = FARGATE_TASK_SIZES.filter((s) => s.cpu >= cpu && s.memory >= memory);
        const first = smallestFargateSize({ cpu, memory });
        expect(first).toEqual(fitting[0]);
        for (const other of fitting) {
          expect(first?.cpu, `${cpu}/${memory}`).toBeLessThanOrEqual(other.cpu);
          expect(first?.memory, `${cpu}/${memory}`).toBeLessThanOrEqual(other.memory);
        }
        checked++;
      }
    expect(checked).toBeGreaterThan(1000);
    // Need 0.25 vCPU and 4 GB: 256 CPU units cannot have 4 GB, so 512/4096 (cheaper than 1024/4096).
    expect(smallestFargateSize({ cpu: 256, memory: 4096 })).toEqual({ cpu: 512, memory: 4096 });
  });

  it("never sizes memory below the observed peak, and after an OOM kill never below the current memory", () => {
    expect(sizeNeed({ p99Cpu: 100, maxMemory: 1000, currentMemory: 2048, oomKills: 0 })).toEqual({
      cpu: 120,
      memory: 1200,
    });
    expect(sizeNeed({ p99Cpu: 100, maxMemory: 1000, currentMemory: 2048, oomKills: 3 })).toEqual({
      cpu: 120,
      memory: 2048,
    });
    // One OOM kill is enough: the memory it had was too little once.
    expect(sizeNeed({ p99Cpu: 100, maxMemory: 1000, currentMemory: 2048, oomKills: 1 })).toEqual({
      cpu: 120,
      memory: 2048,
    });
    // After an OOM kill, a peak with headroom above the current memory still wins.
    expect(sizeNeed({ p99Cpu: 100, maxMemory: 2000, currentMemory: 2048, oomKills: 1 })).toEqual({
      cpu: 120,
      memory: 2400,
    });
    // Fractions round up, never down.
    expect(sizeNeed({ p99Cpu: 101, maxMemory: 1001, currentMemory: 512, oomKills: 0 })).toEqual({
      cpu: 122,
      memory: 1202,
    });
    expect(sizeNeed({ p99Cpu: 100, maxMemory: 1000, currentMemory: 2048, oomKills: 0, headroom: 0 })).toEqual(
      { cpu: 100, memory: 1000 },
    );
  });
});

describe("percentiles from per-period values", () => {
  it("interpolates between ranks", () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    // 100 values 1..100: rank 0.99 × 99 = 98.01 → 99 + 0.01 × (100 − 99)
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBeCloseTo(99.01, 10);
    expect(percentile([], 0.5)).toBeUndefined();
  });

  it("describes steadiness", () => {
    expect(distribution([50, 50, 50, 50])).toMatchObject({ p50: 50, max: 50, variation: 0 });
    expect(distribution([10, 10, 10, 90])?.variation).toBeCloseTo(Math.sqrt(1200) / 30, 10);
  });
});
