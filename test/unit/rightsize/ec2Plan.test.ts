import { describe, expect, it } from "vitest";
import type { InstanceShape } from "../../../core/rightsize/binPacking.ts";
import { planEc2 } from "../../../core/rightsize/ec2Plan.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";

// Shapes as DescribeInstanceTypes gives them; prices from the bundled us-east-1 table (Karpenter, 2026-07-20):
// c6i.large $0.085, c7i.large $0.08925, c5.large $0.085, m6i.large $0.096.
const PRICES = bundledPriceBook("us-east-1").ec2;
const CANDIDATES: InstanceShape[] = [
  { instanceType: "c5.large", vcpus: 2, memory: 4096, architecture: "x86_64" },
  { instanceType: "c6i.large", vcpus: 2, memory: 4096, architecture: "x86_64" },
  { instanceType: "c7i.large", vcpus: 2, memory: 4096, architecture: "x86_64" },
  { instanceType: "m6i.large", vcpus: 2, memory: 8192, architecture: "x86_64" },
];

describe("planEc2: the capacity provider behind an EC2 recommendation", () => {
  it("keeps one spare instance for a varying service, with the target capacity that keeps exactly one", () => {
    // 10 tasks of 0.9 vCPU / 0.5 GiB at the peak: 2 per large instance → 5, plus one spare.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 2, max: 10 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: PRICES,
    });
    expect(PRICES.get("c5.large")).toBe(PRICES.get("c6i.large"));
    expect(plan).toMatchObject({
      instances: 6,
      capacityProvider: {
        // ECS keeps ceil(100 × 5 / 84) = 6 instances.
        managedScaling: {
          status: "ENABLED",
          targetCapacity: 84,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: 5,
        },
        autoScalingGroup: {
          minSize: 1,
          maxSize: 6,
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 100,
        },
      },
      headroom: { spareInstances: 1 },
    });
    expect(plan?.capacityProvider.autoScalingGroup.instanceTypes.slice(1)).toContain("c7i.large");
    expect(plan?.headroom.spareMonthly).toBe(Math.round(((plan?.hourly ?? 0) / 6) * 730 * 100) / 100);
  });

  it("keeps the minimum task count On-Demand and the rest Spot for interruptible work, and says Spot is priced at On-Demand", () => {
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 10 },
      interruptible: true,
      candidates: CANDIDATES,
      prices: PRICES,
    });
    expect(plan?.capacityProvider.autoScalingGroup).toMatchObject({
      minSize: 2,
      onDemandBaseCapacity: 2,
      onDemandPercentageAboveBaseCapacity: 0,
      spotAllocationStrategy: "price-capacity-optimized",
    });
    expect(plan?.spotNote).toBe(
      "4 of 6 instances may run as Spot; priced at On-Demand here (no EC2 Spot prices are bundled), so the real cost is lower",
    );
  });

  it("needs no spare for a steady service: target capacity 100", () => {
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: PRICES,
    });
    expect(plan).toMatchObject({
      instances: 2,
      capacityProvider: { managedScaling: { targetCapacity: 100 } },
    });
    expect(plan?.headroom.spareInstances).toBe(0);
    expect(plan?.spotNote).toBeUndefined();
  });
});
