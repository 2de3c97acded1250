import { describe, expect, it } from "vitest";
import {
  AGENT_BUFFER_SHARE,
  cheapestEc2,
  DEFAULT_AGENT_RESERVE,
  type InstanceShape,
  KERNEL_SHARE,
  packTasks,
  placeable,
} from "../../../core/rightsize/binPacking.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";

// Shapes as DescribeInstanceTypes gives them.
const large: InstanceShape = { instanceType: "m6i.large", vcpus: 2, memory: 8192, architecture: "x86_64" };
const xlarge: InstanceShape = { instanceType: "m6i.xlarge", vcpus: 4, memory: 16384, architecture: "x86_64" };
const rLarge: InstanceShape = { instanceType: "r6i.large", vcpus: 2, memory: 16384, architecture: "x86_64" };
const tasks = (n: number, cpu: number, memory: number) => Array.from({ length: n }, () => ({ cpu, memory }));

describe("bin packing tasks onto instances", () => {
  it("leaves the sourced kernel share and agent buffer off an instance type no cluster runs", () => {
    // AWS Batch User Guide: an m4.large's 8,192 MiB installed leave 7,985 MiB for tasks (2.53 %),
    // and AWS recommends keeping a 5 % buffer for the agent: 8,192 × (7,985 / 8,192 − 0.05) = 7,575.4.
    expect(KERNEL_SHARE).toBeCloseTo(0.02527, 5);
    expect(AGENT_BUFFER_SHARE).toBe(0.05);
    expect(DEFAULT_AGENT_RESERVE.basis).toBe("estimated");
    expect(placeable(large)).toEqual({ cpu: 2048, memory: 7575 });
    // What a cluster registered is used as is.
    expect(
      placeable(large, { overheadFraction: 1 - 7482 / 8192, reservedMemory: 0, basis: "registered" }),
    ).toEqual({
      cpu: 2048,
      memory: 7482,
    });
  });

  it("packs first-fit decreasing over CPU and memory", () => {
    // 1 vCPU / 2 GiB tasks: CPU allows 2 per m6i.large → 10 tasks need 5; m6i.xlarge takes 4 → 3.
    expect(packTasks(tasks(10, 1024, 2048), large)).toBe(5);
    expect(packTasks(tasks(10, 1024, 2048), xlarge)).toBe(3);
    // 0.25 vCPU / 3 GiB tasks: memory allows 2 per m6i.large (7,575 / 3,072) → 10 tasks need 5; r6i.large (15,150 MiB) takes 4 → 3.
    expect(packTasks(tasks(10, 256, 3072), large)).toBe(5);
    expect(packTasks(tasks(10, 256, 3072), rLarge)).toBe(3);
    // Largest first: 2 × (1.5 vCPU) and 2 × (0.5 vCPU) fill 2 m6i.large exactly (1.5 + 0.5 each);
    // placing them in the order given (0.5, 0.5, 1.5, 1.5) would need 3.
    expect(packTasks([...tasks(2, 512, 1024), ...tasks(2, 1536, 1024)], large)).toBe(2);
    expect(packTasks(tasks(1, 4096, 1024), large)).toBeUndefined();
  });

  it("refuses a task too big for an instance in memory, and one too big in CPU, but fits one exactly its size", () => {
    // m6i.large places 2048 units and 7575 MiB (placeable above).
    expect(packTasks(tasks(1, 512, 7576), large)).toBeUndefined();
    expect(packTasks([...tasks(3, 256, 512), ...tasks(1, 512, 7576)], large)).toBeUndefined();
    expect(packTasks(tasks(1, 2049, 512), large)).toBeUndefined();
    expect(packTasks(tasks(1, 2048, 7575), large)).toBe(1);
    expect(packTasks(tasks(2, 1024, 3787), large)).toBe(1);
    expect(packTasks(tasks(2, 1024, 3788), large)).toBe(2);
    expect(packTasks([], large)).toBe(0);
    // The cheapest type is one the tasks fit: r6i.large holds 8 GiB tasks, m6i.large cannot.
    const prices = bundledPriceBook("us-east-1").ec2;
    expect(cheapestEc2(tasks(2, 512, 8192), [large, rLarge], prices)).toMatchObject({
      instance: rLarge,
      instances: 2,
    });
    expect(cheapestEc2(tasks(1, 512, 20000), [large, rLarge], prices)).toBeUndefined();
  });

  it("chooses the instance type with the lowest total price", () => {
    // The bundled us-east-1 prices (Karpenter's table, 2026-07-20): m6i.large $0.096, m6i.xlarge $0.192, r6i.large $0.126.
    const prices = bundledPriceBook("us-east-1").ec2;
    expect([prices.get("m6i.large"), prices.get("m6i.xlarge"), prices.get("r6i.large")]).toEqual([
      0.096, 0.192, 0.126,
    ]);
    // 10 × (0.25 vCPU, 3 GiB): m6i.large 5 × 0.096 = 0.48; m6i.xlarge: 4 vCPU, 15,150 MiB → 4 per instance → 3 × 0.192 = 0.576;
    // r6i.large: 15,150 MiB → 4 per instance → 3 × 0.126 = 0.378.
    expect(cheapestEc2(tasks(10, 256, 3072), [large, xlarge, rLarge], prices)).toMatchObject({
      instance: rLarge,
      instances: 3,
    });
    expect(cheapestEc2(tasks(10, 256, 3072), [large, xlarge, rLarge], prices)?.hourly).toBeCloseTo(
      3 * 0.126,
      10,
    );
  });
});
