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
          // From the minimum (1) to the deployment maximum (10) in one step.
          maximumScalingStepSize: 9,
        },
        autoScalingGroup: {
          minSize: 1,
          // A rolling deployment at the peak runs up to 20 tasks (maximumPercent 200): 10 instances.
          maxSize: 10,
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

  it("leaves the Auto Scaling group room for a rolling deployment at the peak (ECS defaults: 100 % / 200 %)", () => {
    // 4 steady tasks of 0.94 vCPU on 2 large instances. A deployment with maximumPercent 200 starts
    // 4 new tasks before stopping the old ones: 8 tasks need 4 instances, or they stay PROVISIONING.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: PRICES,
    });
    expect(plan?.instances).toBe(2);
    expect(plan?.capacityProvider.managedScaling).toMatchObject({
      targetCapacity: 100,
      maximumScalingStepSize: 2,
    });
    expect(plan?.capacityProvider.autoScalingGroup).toMatchObject({ minSize: 2, maxSize: 4 });
    expect(plan?.deployment).toEqual({
      limits: { minimumHealthyPercent: 100, maximumPercent: 200 },
      peakTasks: 4,
      maxTasks: 8,
      instances: 4,
      extraInstances: 2,
      extraHourly: 2 * 0.085,
    });
  });

  it("sizes the deployment room from the service's own limits", () => {
    const plan = (deployment: { minimumHealthyPercent: number; maximumPercent: number }) =>
      planEc2({
        need: { cpu: 960, memory: 480 },
        tasks: { min: 4, max: 4 },
        interruptible: false,
        candidates: CANDIDATES,
        prices: PRICES,
        deployment,
      });
    // 150 %: floor(4 × 1.5) = 6 tasks → 3 instances.
    expect(
      plan({ minimumHealthyPercent: 100, maximumPercent: 150 })?.capacityProvider.autoScalingGroup.maxSize,
    ).toBe(3);
    // 100 % maximum, 50 % minimum: ECS stops old tasks first; no room needed beyond the 2 instances.
    expect(plan({ minimumHealthyPercent: 50, maximumPercent: 100 })?.deployment).toMatchObject({
      maxTasks: 4,
      instances: 2,
      extraInstances: 0,
    });
  });

  it("says what each task must reserve, and how many tasks of today's size the same instances hold", () => {
    // The sandbox's ledger: 12 steady tasks of 4 vCPU / 8 GiB that use 3,100 units and 6,000 MiB:
    // need 3,720 / 7,200. c5.4xlarge (16 vCPU, 32 GiB) takes 4 of those, so 3 instances; at today's
    // 4,096 / 8,192 memory lets only 3 onto each (3 × 8,192 ≤ usable < 4 × 8,192): 9 of 12.
    const c5 = { instanceType: "c5.4xlarge", vcpus: 16, memory: 32768, architecture: "x86_64" as const };
    const plan = planEc2({
      need: { cpu: 3720, memory: 7200 },
      tasks: { min: 12, max: 12 },
      interruptible: false,
      candidates: [c5],
      prices: PRICES,
      current: { cpu: 4096, memory: 8192 },
    });
    expect(plan?.instances).toBe(3);
    expect(plan?.taskReservation).toEqual({ cpu: 3720, memory: 7200 });
    expect(plan?.atCurrentSize).toEqual({ size: { cpu: 4096, memory: 8192 }, tasks: 9, of: 12 });
    // No cluster runs c5.4xlarge here: 32,768 × (7,985 / 8,192 − 0.05) = 30,301 MiB, flagged as an estimate.
    expect(plan?.memoryPerInstance).toEqual({ usable: 30301, basis: "estimated" });
  });
});
