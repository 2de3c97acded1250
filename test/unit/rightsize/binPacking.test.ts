import { describe, expect, it } from "vitest";
import { cheapestEc2, type InstanceShape, packTasks, placeable } from "../../../core/rightsize/binPacking.ts";

const large: InstanceShape = { instanceType: "m.large", vcpus: 2, memory: 8192, architecture: "x86_64" };
const xlarge: InstanceShape = { instanceType: "m.xlarge", vcpus: 4, memory: 16384, architecture: "x86_64" };
const rLarge: InstanceShape = { instanceType: "r.large", vcpus: 2, memory: 16384, architecture: "x86_64" };
const tasks = (n: number, cpu: number, memory: number) => Array.from({ length: n }, () => ({ cpu, memory }));

describe("bin packing tasks onto instances", () => {
  it("leaves the agent reserve off each instance", () => {
    // 8192 × 0.94 − 512 = 7188.48 → 7188 MiB; 2 vCPU = 2048 units.
    expect(placeable(large)).toEqual({ cpu: 2048, memory: 7188 });
  });

  it("packs first-fit decreasing over CPU and memory", () => {
    // 1 vCPU / 2 GiB tasks: CPU allows 2 per m.large → 10 tasks need 5; m.xlarge takes 4 → 3.
    expect(packTasks(tasks(10, 1024, 2048), large)).toBe(5);
    expect(packTasks(tasks(10, 1024, 2048), xlarge)).toBe(3);
    // 0.25 vCPU / 3 GiB tasks: memory allows 2 per m.large (7188 / 3072) → 10 tasks need 5; r.large (15,000 MiB) takes 4 → 3.
    expect(packTasks(tasks(10, 256, 3072), large)).toBe(5);
    expect(packTasks(tasks(10, 256, 3072), rLarge)).toBe(3);
    // Largest first: 2 × (1.5 vCPU) and 2 × (0.5 vCPU) fill 2 m.large exactly (1.5 + 0.5 each);
    // placing them in the order given (0.5, 0.5, 1.5, 1.5) would need 3.
    expect(packTasks([...tasks(2, 512, 1024), ...tasks(2, 1536, 1024)], large)).toBe(2);
    expect(packTasks(tasks(1, 4096, 1024), large)).toBeUndefined();
  });

  it("chooses the instance type with the lowest total price", () => {
    const prices = new Map([
      ["m.large", 0.1],
      ["m.xlarge", 0.2],
      ["r.large", 0.13],
    ]);
    // 10 × (0.25 vCPU, 3 GiB): m.large 5 × 0.10 = 0.50; m.xlarge: 4 vCPU, 15,000 MiB → 4 per instance → 3 × 0.20 = 0.60; r.large 3 × 0.13 = 0.39.
    expect(cheapestEc2(tasks(10, 256, 3072), [large, xlarge, rLarge], prices)).toMatchObject({
      instance: rLarge,
      instances: 3,
    });
    expect(cheapestEc2(tasks(10, 256, 3072), [large, xlarge, rLarge], prices)?.hourly).toBeCloseTo(0.39, 10);
  });
});
