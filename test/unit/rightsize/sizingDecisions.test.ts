/**
 * Decisions of the sizing modules that mutation testing (group `sizing`, docs/testing.md) found
 * no test held: each assertion is the value a recommendation is built from.
 */
import { describe, expect, it } from "vitest";
import { cheapestEc2, type InstanceShape, packTasks, placeable } from "../../../core/rightsize/binPacking.ts";
import { smallestFargateSize } from "../../../core/rightsize/fargateSize.ts";
import { distribution, percentile } from "../../../core/rightsize/percentiles.ts";

/** A shape for the arithmetic only (not a real instance type's figures). */
const shape = (vcpus: number, memory: number): InstanceShape => ({
  instanceType: "test.shape",
  vcpus,
  memory,
  architecture: "x86_64",
});

describe("percentiles and distribution", () => {
  it("sorts its own copy: unsorted input gives the same percentile, and the input is left as given", () => {
    const values = [4, 1, 3, 2];
    expect(percentile(values, 0.25)).toBe(1.75);
    expect(percentile(values, 0.75)).toBe(3.25);
    expect(values).toEqual([4, 1, 3, 2]);
  });

  it("has no distribution for no values, the largest value as max, and variation 0 for all zeros", () => {
    expect(distribution([])).toBeUndefined();
    expect(distribution([30, 90, 10, 10])).toMatchObject({ max: 90, mean: 35, samples: 4 });
    expect(distribution([0, 0, 0])).toMatchObject({ mean: 0, variation: 0 });
  });
});

describe("bin-packing", () => {
  it("takes the agent's reserved memory off what an instance can place", () => {
    expect(
      placeable(shape(2, 1000), { overheadFraction: 0.1, reservedMemory: 100, basis: "estimated" as const }),
    ).toEqual({
      cpu: 2048,
      memory: 800,
    });
  });

  it("fills an instance to the last MiB and CPU unit: two tasks of exactly half fit on one", () => {
    const reserve = { overheadFraction: 0, reservedMemory: 0, basis: "estimated" as const };
    const half = { cpu: 1024, memory: 4096 };
    expect(packTasks([half, half], shape(2, 8192), reserve)).toBe(1);
    expect(packTasks([half, half, half], shape(2, 8192), reserve)).toBe(2);
  });

  it("places the task with the larger share of an instance first, by memory as well as CPU", () => {
    // 2 vCPU, 7,680 MiB placeable. By share: the 6 GiB task (80 % of memory), then 1.5 vCPU (75 % of
    // CPU), 1 vCPU, the last 3 GiB task: 2 instances. By CPU alone the 6 GiB task comes last and
    // finds no room: 3.
    const reserve = { overheadFraction: 0, reservedMemory: 512, basis: "estimated" as const };
    const tasks = [
      { cpu: 256, memory: 3072 },
      { cpu: 256, memory: 6144 },
      { cpu: 1024, memory: 3072 },
      { cpu: 1536, memory: 512 },
    ];
    expect(placeable(shape(2, 8192), reserve)).toEqual({ cpu: 2048, memory: 7680 });
    expect(packTasks(tasks, shape(2, 8192), reserve)).toBe(2);
  });
});

describe("cheapest EC2 option", () => {
  it("at the same hourly cost, fewer instances win, whichever type is listed first", () => {
    const reserve = { overheadFraction: 0, reservedMemory: 0, basis: "estimated" as const };
    const tasks = [
      { cpu: 1024, memory: 2048 },
      { cpu: 1024, memory: 2048 },
    ];
    const large = { ...shape(2, 8192), instanceType: "test.large" };
    const medium = { ...shape(1, 4096), instanceType: "test.medium" };
    // Two tasks: one large (0.2 $/h) or two medium (2 × 0.1 $/h): the same 0.2 $/h.
    const prices = new Map([
      ["test.large", 0.2],
      ["test.medium", 0.1],
    ]);
    for (const candidates of [
      [large, medium],
      [medium, large],
    ])
      expect(cheapestEc2(tasks, candidates, prices, reserve)).toEqual({
        instance: large,
        instances: 1,
        hourly: 0.2,
      });
  });
});

describe("Fargate size", () => {
  it("takes a size whose CPU is exactly the need", () => {
    expect(smallestFargateSize({ cpu: 512, memory: 1024 })).toEqual({ cpu: 512, memory: 1024 });
    expect(smallestFargateSize({ cpu: 1024, memory: 2048 })).toEqual({ cpu: 1024, memory: 2048 });
  });
});
