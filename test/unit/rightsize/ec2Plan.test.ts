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

describe("planEc2: each decision of the plan, exactly", () => {
  const US = bundledPriceBook("us-east-1").ec2;
  const shape = (instanceType: string, vcpus: number, memory: number, arm = false): InstanceShape => ({
    instanceType,
    vcpus,
    memory,
    architecture: arm ? "arm64" : "x86_64",
  });
  const varying = () =>
    planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 2, max: 10 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: US,
    });

  it("prices the headroom: one spare instance and the share of the packed capacity no task reserves", () => {
    const plan = varying();
    // c5.large ($0.085, listed before the tied c6i.large) × 5 holds the 10 tasks; a 6th is the spare.
    expect(plan?.instance.instanceType).toBe("c5.large");
    expect(plan?.instances).toBe(6);
    expect(plan?.hourly).toBeCloseTo(6 * 0.085, 10);
    // CPU binds: 10 × 960 of 5 × 2,048 reserved (93.75 %); memory 4,800 of 5 × 3,787 (25 %).
    // 6.25 % unreserved, shown to the tenth of a percent; $0.085 × 730 = $62.05 a month per instance.
    expect(plan?.headroom).toEqual({
      spareInstances: 1,
      spareMonthly: 62.05,
      unreservedShare: 0.063,
      // 0.0625 × 5 × 62.05 = 19.390625.
      unreservedMonthly: 19.39,
      monthly: 81.44,
    });
    expect(plan?.memoryPerInstance).toEqual({ usable: 3787, basis: "estimated" });
    expect(plan?.deployment).toEqual({
      limits: { minimumHealthyPercent: 100, maximumPercent: 200 },
      peakTasks: 10,
      maxTasks: 20,
      instances: 10,
      extraInstances: 4,
      extraHourly: 4 * 0.085,
    });
  });

  it("takes memory as the binding dimension when tasks reserve more of it than of CPU", () => {
    // 4 steady tasks of 0.25 vCPU / 3,000 MiB: m6i.large (7,575 MiB usable) takes 2, c5.large 1.
    const plan = planEc2({
      need: { cpu: 256, memory: 3000 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: US,
    });
    expect(plan?.instance.instanceType).toBe("m6i.large");
    expect(plan?.instances).toBe(2);
    // Memory 12,000 of 2 × 7,575 reserved (79.2 %), CPU 1,024 of 4,096 (25 %): 20.8 % unreserved.
    // $0.096 × 730 = $70.08 a month per instance: 0.2079… × 2 × 70.08 = 29.14.
    expect(plan?.headroom).toEqual({
      spareInstances: 0,
      spareMonthly: 0,
      unreservedShare: 0.208,
      unreservedMonthly: 29.14,
      monthly: 29.14,
    });
  });

  it("runs everything On-Demand for a service that is not interruption-tolerant: no Spot strategy, no Spot note", () => {
    const plan = varying();
    expect(plan?.capacityProvider).toEqual({
      managedScaling: {
        status: "ENABLED",
        targetCapacity: 84,
        minimumScalingStepSize: 1,
        maximumScalingStepSize: 9,
      },
      managedTerminationProtection: "ENABLED",
      autoScalingGroup: {
        minSize: 1,
        maxSize: 10,
        instanceTypes: ["c5.large", "c6i.large", "c7i.large"],
        onDemandBaseCapacity: 0,
        onDemandPercentageAboveBaseCapacity: 100,
      },
    });
    expect(plan?.spotNote).toBeUndefined();
  });

  it("gives an interruptible service with a steady count no Spot instance and says nothing of Spot", () => {
    // min = max: the minimum task count fills every instance, and the minimum stays On-Demand.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 4 },
      interruptible: true,
      candidates: CANDIDATES,
      prices: US,
    });
    expect(plan?.instances).toBe(2);
    expect(plan?.capacityProvider.autoScalingGroup).toMatchObject({
      minSize: 2,
      onDemandBaseCapacity: 2,
      onDemandPercentageAboveBaseCapacity: 0,
      spotAllocationStrategy: "price-capacity-optimized",
    });
    expect(plan?.spotNote).toBeUndefined();
  });

  it("plans one instance for a service scaled to zero, and none kept at the minimum", () => {
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 0, max: 0 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: US,
    });
    expect(plan).toMatchObject({
      instances: 1,
      capacityProvider: {
        managedScaling: { targetCapacity: 100, maximumScalingStepSize: 1 },
        autoScalingGroup: { minSize: 0, maxSize: 1 },
      },
      deployment: { peakTasks: 1, maxTasks: 2, instances: 1, extraInstances: 0 },
    });
  });

  it("has no plan when no candidate type holds one task", () => {
    // 3 vCPU: no large (2 vCPU) type takes the task.
    expect(
      planEc2({
        need: { cpu: 3072, memory: 1024 },
        tasks: { min: 1, max: 2 },
        interruptible: false,
        candidates: CANDIDATES,
        prices: US,
      }),
    ).toBeUndefined();
  });

  it("keeps the spare instance in the group's maximum when a deployment needs no more room", () => {
    // maximumPercent 100: a deployment runs at most the 10 tasks of the peak (5 instances), but the
    // group already keeps 6; the maximum never drops below the steady capacity.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 2, max: 10 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: US,
      deployment: { minimumHealthyPercent: 50, maximumPercent: 100 },
    });
    expect(plan?.deployment).toMatchObject({ maxTasks: 10, instances: 6, extraInstances: 0, extraHourly: 0 });
    expect(plan?.capacityProvider.autoScalingGroup).toMatchObject({ minSize: 1, maxSize: 6 });
    expect(plan?.capacityProvider.managedScaling.maximumScalingStepSize).toBe(5);
  });

  it("never sets a scaling step below 1 (CreateCapacityProvider's minimum), even with nothing to scale", () => {
    // Steady 4 tasks, maximumPercent 100: minimum = maximum = 2 instances.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: CANDIDATES,
      prices: US,
      deployment: { minimumHealthyPercent: 50, maximumPercent: 100 },
    });
    expect(plan?.capacityProvider.autoScalingGroup).toMatchObject({ minSize: 2, maxSize: 2 });
    expect(plan?.capacityProvider.managedScaling.maximumScalingStepSize).toBe(1);
  });

  it("lists the group's other types of the same architecture, vCPUs and memory with a price, cheapest first", () => {
    // 5,000 MiB tasks: large (2 vCPU / 8 GiB) types take one each. m6i.large and m5.large tie at
    // $0.096 (m6i listed first is chosen; m5 comes first among the others by name); m7i.large $0.1008.
    // Left out: c5.xlarge (4 vCPU), r5.large (16 GiB), m5a.large (same shape, no bundled price).
    const plan = planEc2({
      need: { cpu: 1024, memory: 5000 },
      tasks: { min: 1, max: 1 },
      interruptible: false,
      candidates: [
        shape("m7i.large", 2, 8192),
        shape("m6i.large", 2, 8192),
        shape("m5.large", 2, 8192),
        shape("c5.xlarge", 4, 8192),
        shape("r5.large", 2, 16384),
        shape("m5a.large", 2, 8192),
      ],
      prices: US,
    });
    expect(US.has("m5a.large")).toBe(false);
    expect(plan?.capacityProvider.autoScalingGroup.instanceTypes).toEqual([
      "m6i.large",
      "m5.large",
      "m7i.large",
    ]);
  });

  it("orders the other types by price, not by name", () => {
    // eu-west-1: c6i.large $0.0912, c7i.large $0.09576, c5.large $0.096.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: [shape("c5.large", 2, 4096), shape("c7i.large", 2, 4096), shape("c6i.large", 2, 4096)],
      prices: bundledPriceBook("eu-west-1").ec2,
    });
    expect(plan?.capacityProvider.autoScalingGroup.instanceTypes).toEqual([
      "c6i.large",
      "c7i.large",
      "c5.large",
    ]);
  });

  it("keeps Graviton and x86 types apart in one group", () => {
    // c6g.large ($0.068) wins; c7g.large is its only same-shape arm64 type; c5.large is x86_64.
    const plan = planEc2({
      need: { cpu: 960, memory: 480 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: [
        shape("c5.large", 2, 4096),
        shape("c7g.large", 2, 4096, true),
        shape("c6g.large", 2, 4096, true),
      ],
      prices: US,
    });
    expect(plan?.capacityProvider.autoScalingGroup.instanceTypes).toEqual(["c6g.large", "c7g.large"]);
  });

  it("uses the memory a cluster registered for the type, and says so", () => {
    // A cluster's m6i.large registered 7,482 MiB (binPacking.test.ts): 3 tasks of 2,400 MiB fit, not 4.
    const plan = planEc2({
      need: { cpu: 512, memory: 2400 },
      tasks: { min: 4, max: 4 },
      interruptible: false,
      candidates: [shape("m6i.large", 2, 8192)],
      prices: US,
      reserveOf: () => ({ overheadFraction: 1 - 7482 / 8192, reservedMemory: 0, basis: "registered" }),
    });
    expect(plan?.memoryPerInstance).toEqual({ usable: 7482, basis: "registered" });
    expect(plan?.instances).toBe(2);
  });

  describe("what the same instances hold at today's size", () => {
    const c5 = shape("c5.4xlarge", 16, 32768);
    const at = (current: { cpu: number; memory: number }) =>
      planEc2({
        need: { cpu: 3720, memory: 7200 },
        tasks: { min: 12, max: 12 },
        interruptible: false,
        candidates: [c5],
        prices: US,
        current,
      })?.atCurrentSize;

    it("says nothing when today's size is the recommended one", () => {
      expect(at({ cpu: 3720, memory: 7200 })).toBeUndefined();
    });

    it("counts today's tasks when only the memory differs", () => {
      // 30,301 MiB usable / 8,192 = 3 per instance × 3 instances.
      expect(at({ cpu: 3720, memory: 8192 })).toEqual({
        size: { cpu: 3720, memory: 8192 },
        tasks: 9,
        of: 12,
      });
    });

    it("counts today's tasks when only the CPU differs", () => {
      // 16,384 / 5,120 = 3 per instance × 3 instances.
      expect(at({ cpu: 5120, memory: 7200 })).toEqual({
        size: { cpu: 5120, memory: 7200 },
        tasks: 9,
        of: 12,
      });
    });

    it("never counts more tasks than the peak when today's tasks are smaller", () => {
      // 2,048 / 4,096: 7 per instance by memory, 21 on 3 instances; the service runs 12.
      expect(at({ cpu: 2048, memory: 4096 })).toEqual({
        size: { cpu: 2048, memory: 4096 },
        tasks: 12,
        of: 12,
      });
    });

    it("lets memory alone decide for a task definition that reserves no CPU", () => {
      // An EC2 task definition without task or container `cpu`: memory allows 3 per instance.
      expect(at({ cpu: 0, memory: 8192 })).toEqual({ size: { cpu: 0, memory: 8192 }, tasks: 9, of: 12 });
    });
  });
});
