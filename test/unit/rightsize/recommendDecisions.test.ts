/**
 * The right-sizing decisions of recommend.ts that mutation testing (group `recommendation`,
 * docs/testing.md) found no unit test held: launch type, size, instance type and count, $/month,
 * risk and the sentence a person reads. Pure: no moto.
 *
 * Prices are the bundled ones (core/pricing/data), us-east-1 unless said:
 * - Fargate On-Demand x86_64 $0.04048 per vCPU-hour, $0.004445 per GB-hour; arm64 $0.03238 / $0.00356
 *   (AWS AmazonECS offer file 2025-08-28 via opencost);
 * - Fargate Spot x86_64 $0.01288561 / $0.00141493 (fgcalc snapshot 2026-09-29);
 * - EC2 On-Demand Linux c6i.large $0.085, m6i.large $0.096, c6g.large $0.068, m6g.large $0.077 per hour
 *   (Karpenter's generated table, 2026-07-20).
 * Instance shapes as DescribeInstanceTypes gives them.
 */
import { describe, expect, it } from "vitest";
import type { InstanceShape } from "../../../core/rightsize/binPacking.ts";
import { type Distribution, distribution } from "../../../core/rightsize/percentiles.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import type { ServiceFacts, ServiceProfile } from "../../../core/rightsize/profile.ts";
import { type Recommendation, recommend } from "../../../core/rightsize/recommend.ts";

const US = bundledPriceBook("us-east-1");
const X86 = { vcpu: 0.04048, gb: 0.004445 };
const ARM = { vcpu: 0.03238, gb: 0.00356 };
const SPOT = { vcpu: 0.01288561, gb: 0.00141493 };
const PRICE = { "c6i.large": 0.085, "m6i.large": 0.096, "c6g.large": 0.068, "m6g.large": 0.077 };

const c6i: InstanceShape = { instanceType: "c6i.large", vcpus: 2, memory: 4096, architecture: "x86_64" };
const m6i: InstanceShape = { instanceType: "m6i.large", vcpus: 2, memory: 8192, architecture: "x86_64" };
const c6g: InstanceShape = { instanceType: "c6g.large", vcpus: 2, memory: 4096, architecture: "arm64" };
const m6g: InstanceShape = { instanceType: "m6g.large", vcpus: 2, memory: 8192, architecture: "arm64" };
const X86_TYPES = [c6i, m6i];
const ALL_TYPES = [c6i, m6i, c6g, m6g];

/** 730 hours a month, to the cent (what recommend() reports). */
const cents = (n: number) => Math.round(n * 100) / 100;
const fargateMonthly = (rate: { vcpu: number; gb: number }, cpu: number, memory: number, tasks: number) =>
  ((cpu / 1024) * rate.vcpu + (memory / 1024) * rate.gb) * tasks * 730;
const ec2Monthly = (type: keyof typeof PRICE, instances: number) => instances * PRICE[type] * 730;

const facts = (extra: Partial<ServiceFacts> = {}): ServiceFacts => ({
  serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
  clusterName: "prod",
  serviceName: "api",
  runsOn: "FARGATE",
  desiredCount: 2,
  taskCpu: 1024,
  taskMemory: 2048,
  architecture: "X86_64",
  ec2Only: [],
  interruptible: false,
  rightsizeMode: "report",
  ...extra,
});

const flat = (value: number): Distribution => {
  const d = distribution(Array.from({ length: 24 }, () => value));
  if (!d) throw new Error("no samples");
  return d;
};

/**
 * Two tasks always on, using 300 CPU units and 700 MiB: with 20 % headroom the need is 360 / 840,
 * which the 0.5 vCPU / 1 GB Fargate size covers.
 */
const profile = (f: Partial<ServiceFacts> = {}, extra: Partial<ServiceProfile> = {}): ServiceProfile => ({
  facts: facts(f),
  cpu: flat(300),
  memory: flat(700),
  memoryPeak: 700,
  burstiness: 1,
  dutyCycle: 1,
  tasks: { min: 2, max: 2, mean: 2 },
  oomKills: 0,
  steady: true,
  ...extra,
});

/** Eight tasks always on at 1,600 units / 3,000 MiB: need 1920 / 3600, Fargate 2 vCPU / 4 GB. */
const steadyFleet = (f: Partial<ServiceFacts> = {}, extra: Partial<ServiceProfile> = {}): ServiceProfile =>
  profile(
    { taskCpu: 2048, taskMemory: 4096, ...f },
    { cpu: flat(1600), memory: flat(3000), memoryPeak: 3000, tasks: { min: 8, max: 8, mean: 8 }, ...extra },
  );

const SMALL_FARGATE = cents(fargateMonthly(X86, 512, 1024, 2)); // $36.04
const SMALL_ON_C6I = cents(ec2Monthly("c6i.large", 1)); // $62.05

describe("recommend: no price to decide with", () => {
  it("names the region and the task's shape, keeps a Fargate size and says nothing about savings", () => {
    // mx-central-1 has no bundled price of any kind.
    const r = recommend(
      profile({}, { tasks: { min: 1, max: 3, mean: 2 } }),
      bundledPriceBook("mx-central-1"),
      [],
    );
    expect(r).toStrictEqual({
      profile: r.profile,
      need: { cpu: 360, memory: 840 },
      architecture: "X86_64",
      size: { cpu: 512, memory: 1024 },
      risk: "low",
      reason: "No price is known for mx-central-1: p99 0.29 vCPU and peak 0.7 GiB per task, 1-3 tasks.",
      graviton: { status: "not-priced", evidence: "images not read; no ARM price for this region" },
    });
  });

  it("an EC2-only service without an instance price says why it cannot move, and what it costs now", () => {
    const r = recommend(profile({ runsOn: "EC2", ec2Only: ["host networking", "GPUs"] }), US, [], {
      currentEc2: {
        kind: "running",
        monthly: ec2Monthly("m6i.large", 2) + ec2Monthly("c6i.large", 1),
        tasks: 3,
        instanceTypes: { "m6i.large": 2, "c6i.large": 1 },
        clusterName: "prod",
      },
    });
    const now = cents(ec2Monthly("m6i.large", 2) + ec2Monthly("c6i.large", 1)); // $202.21
    const basis = `Now: its 3 tasks' share of the instances they run on in prod (2 × m6i.large, 1 × c6i.large), $${now.toFixed(2)}/month`;
    expect(r.capacity).toBeUndefined();
    expect(r.recommendedMonthly).toBeUndefined();
    expect(r.currentMonthly).toBe(now);
    expect(r.currentBasis).toBe(basis);
    expect(r.reason).toBe(
      `Runs only on EC2 (host networking, GPUs), and no instance price is known for us-east-1. ${basis}.`,
    );
  });

  it("an EC2-only x86 service with only Graviton instance prices: no recommendation, ARM shown without a saving", () => {
    const r = recommend(profile({ runsOn: "EC2", ec2Only: ["privileged containers"] }), US, [c6g]);
    expect(r.capacity).toBeUndefined();
    expect(r.graviton?.status).toBe("if-you-build-for-arm64");
    expect(r.graviton?.option).toMatchObject({ capacity: "EC2", architecture: "ARM64" });
    expect(r.graviton?.option?.monthly).toBeCloseTo(ec2Monthly("c6g.large", 1), 9);
    // Nothing to save against: no recommendation.
    expect(r.graviton && "saving" in r.graviton).toBe(false);
  });
});

describe("recommend: Fargate, and the sentence that says why", () => {
  it("a steady small service: Fargate at the smallest size, with what EC2 for the peak would cost", () => {
    const r = recommend(profile(), US, ALL_TYPES);
    expect(r).toMatchObject({
      capacity: "FARGATE",
      architecture: "X86_64",
      size: { cpu: 512, memory: 1024 },
      currentMonthly: cents(fargateMonthly(X86, 1024, 2048, 2)),
      recommendedMonthly: SMALL_FARGATE,
      saving: cents(cents(fargateMonthly(X86, 1024, 2048, 2)) - SMALL_FARGATE),
    });
    expect(r.ec2).toBeUndefined();
    // The EC2 alternative is priced on x86 types only (a c6g.large at $0.068 would be cheaper).
    expect(r.reason).toBe(
      `Sized work (p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks): Fargate 0.5 vCPU / 1 GiB at $${SMALL_FARGATE}/month; EC2 capacity for the peak would cost $${SMALL_ON_C6I}/month.`,
    );
  });

  it("without instance candidates there is no EC2 figure in the sentence", () => {
    const r = recommend(profile(), US, []);
    expect(r.reason).toBe(
      `Sized work (p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks): Fargate 0.5 vCPU / 1 GiB at $${SMALL_FARGATE}/month.`,
    );
  });

  it("says over how much metrics it rests on", () => {
    const r = recommend(
      profile({}, { data: { from: "2026-11-12T07:00:00Z", to: "2026-11-26T07:00:00Z", hours: 336 } }),
      US,
      [],
    );
    expect(r.reason).toContain("(p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks over 14 days of metrics)");
  });

  it("batch-like below a 50 % duty cycle, not at 50 %", () => {
    const batch = recommend(profile({}, { dutyCycle: 0.3 }), US, []);
    expect(batch.reason).toBe(
      `Batch-like (tasks run 30% of the time) work (p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks): Fargate 0.5 vCPU / 1 GiB at $${SMALL_FARGATE}/month.`,
    );
    expect(recommend(profile({}, { dutyCycle: 0.5 }), US, []).reason).toMatch(/^Sized work \(/);
  });

  it("bursty from p99 at 3× the median, not below", () => {
    expect(recommend(profile({}, { burstiness: 3 }), US, []).reason).toMatch(
      /^Bursty \(p99 is 3\.0× the median\) work \(p99 0\.29 vCPU/,
    );
    expect(recommend(profile({}, { burstiness: 2.99 }), US, []).reason).toMatch(/^Sized work \(/);
    // A batch job that is also bursty is called batch-like.
    expect(recommend(profile({}, { burstiness: 5, dutyCycle: 0.2 }), US, []).reason).toMatch(
      /^Batch-like \(tasks run 20% of the time\) work/,
    );
  });

  it("takes the headroom it is given", () => {
    const r = recommend(profile(), US, [], { headroom: 0.5 });
    // ceil(300 × 1.5) = 450 units, 700 × 1.5 = 1050 MiB → 0.5 vCPU / 2 GB (1 GB is too little).
    expect(r.need).toEqual({ cpu: 450, memory: 1050 });
    expect(r.size).toEqual({ cpu: 512, memory: 2048 });
  });
});

describe("recommend: Fargate Spot", () => {
  it("runs an interruptible x86 service on Fargate Spot, at the Spot rate, and calls it medium risk", () => {
    // Today 0.5 vCPU / 1 GB: no memory cut, so Spot alone makes the risk medium.
    const r = recommend(profile({ interruptible: true, taskCpu: 512, taskMemory: 1024 }), US, []);
    const spot = cents(fargateMonthly(SPOT, 512, 1024, 2));
    expect(r).toMatchObject({ capacity: "FARGATE_SPOT", recommendedMonthly: spot, risk: "medium" });
    expect(r.reason).toBe(
      `Sized work (p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks): Fargate Spot 0.5 vCPU / 1 GiB at $${spot}/month.`,
    );
    // The same service, not interruptible: Fargate On-Demand, low risk.
    const onDemand = recommend(profile({ taskCpu: 512, taskMemory: 1024 }), US, []);
    expect(onDemand).toMatchObject({ capacity: "FARGATE", recommendedMonthly: SMALL_FARGATE, risk: "low" });
    expect(onDemand.reason).toContain(": Fargate 0.5 vCPU / 1 GiB at ");
  });

  it("prices Spot tasks' storage above 20 GiB at the one ephemeral-storage rate", () => {
    const r = recommend(profile({ interruptible: true, ephemeralStorageGiB: 50 }), US, []);
    // 30 GiB above the included 20 at $0.000111 per GB-hour (AmazonECS offer file 2025-08-28).
    const hourly = 0.5 * SPOT.vcpu + 1 * SPOT.gb + 30 * 0.000111;
    expect(r.capacity).toBe("FARGATE_SPOT");
    expect(r.recommendedMonthly).toBe(cents(hourly * 2 * 730));
    // Today's Fargate On-Demand bill carries the same storage.
    expect(r.currentMonthly).toBe(cents((1 * X86.vcpu + 2 * X86.gb + 30 * 0.000111) * 2 * 730));
  });

  it("never offers Fargate Spot to an ARM64 task (Fargate Spot runs x86_64 only)", () => {
    const r = recommend(profile({ interruptible: true, architecture: "ARM64" }), US, []);
    expect(r).toMatchObject({
      capacity: "FARGATE",
      architecture: "ARM64",
      recommendedMonthly: cents(fargateMonthly(ARM, 512, 1024, 2)),
    });
  });

  it("prices a service on Fargate Spot today at the Spot rate", () => {
    const r = recommend(profile({ runsOn: "FARGATE_SPOT", interruptible: true }), US, []);
    expect(r.currentMonthly).toBe(cents(fargateMonthly(SPOT, 1024, 2048, 2)));
  });
});

describe("recommend: EC2", () => {
  it("a steady fleet moves to EC2 when its instances cost less than Fargate: high risk (a launch-type move)", () => {
    const r = recommend(steadyFleet(), US, ALL_TYPES);
    const fargate = cents(fargateMonthly(X86, 2048, 4096, 8)); // $576.64
    const ec2 = cents(ec2Monthly("c6i.large", 8)); // $496.40
    expect(r).toMatchObject({
      capacity: "EC2",
      architecture: "X86_64",
      size: { cpu: 2048, memory: 4096 },
      need: { cpu: 1920, memory: 3600 },
      currentMonthly: fargate,
      recommendedMonthly: ec2,
      saving: cents(fargate - ec2),
      risk: "high",
    });
    expect(r.ec2).toMatchObject({ instance: c6i, instances: 8 });
    expect(r.reason).toBe(
      `Steady load (p99 1.56 vCPU and peak 2.9 GiB per task, 8 tasks): 8 × c6i.large with each task reserving 1920 CPU units / 3600 MiB (today 2048 / 4096: these instances hold 0 of 8 at that size), 3787 MiB usable per instance estimated (no cluster here runs c6i.large) at $${ec2.toFixed(2)}/month (managed scaling target 100, headroom $${r.ec2?.headroom.monthly}/month) cost less than Fargate at $${fargate}/month.`,
    );
    // What Graviton would do once built: the cheapest ARM option is EC2 (c6g.large), not ARM Fargate.
    expect(r.graviton).toMatchObject({
      status: "if-you-build-for-arm64",
      evidence: "images not read",
      option: { capacity: "EC2", architecture: "ARM64" },
      saving: cents(ec2 - cents(ec2Monthly("c6g.large", 8))),
    });
  });

  it("a varying fleet already on EC2 stays there: low risk, one spare instance, its cluster's bill as now", () => {
    // 7.9 tasks on Fargate on average cost more than 8 packed onto c6i.large plus one spare (9 × $0.085).
    expect(fargateMonthly(X86, 2048, 4096, 7.9)).toBeGreaterThan(ec2Monthly("c6i.large", 9));
    const r = recommend(
      steadyFleet({ runsOn: "EC2" }, { steady: false, tasks: { min: 7, max: 8, mean: 7.9 } }),
      US,
      X86_TYPES,
      {
        currentEc2: {
          kind: "running",
          monthly: ec2Monthly("m6i.large", 8),
          tasks: 1,
          instanceTypes: { "m6i.large": 8 },
          clusterName: "prod",
        },
      },
    );
    expect(r).toMatchObject({ capacity: "EC2", risk: "low", ec2: { instance: c6i, instances: 9 } });
    expect(r.reason).toMatch(
      /^Varying load \(p99 1\.56 vCPU and peak 2\.9 GiB per task, 7-8 tasks\): 9 × c6i\.large /,
    );
    expect(r.reason).toContain(`(managed scaling target 89, headroom $`);
    expect(r.reason).toContain(
      ` Now: its 1 task's share of the instances they run on in prod (8 × m6i.large), $${cents(ec2Monthly("m6i.large", 8)).toFixed(2)}/month.`,
    );
  });

  it("an EC2-only service gets instances, never Fargate, and the sentence names why", () => {
    const r = recommend(profile({ runsOn: "EC2", ec2Only: ["host networking", "GPUs"] }), US, ALL_TYPES);
    expect(r).toMatchObject({
      capacity: "EC2",
      recommendedMonthly: SMALL_ON_C6I,
      ec2: { instance: c6i, instances: 1 },
    });
    expect(r.reason).toMatch(
      new RegExp(
        `^Runs only on EC2 \\(host networking, GPUs\\): 1 × c6i\\.large with each task reserving 360 CPU units / 840 MiB .* at \\$${SMALL_ON_C6I}/month \\(managed scaling target 100, headroom \\$[0-9.]+/month\\)\\. Now is an estimate`,
      ),
    );
  });

  it("an ARM64 service is packed onto Graviton types only", () => {
    const r = recommend(
      profile({ runsOn: "EC2", ec2Only: ["bridge networking"], architecture: "ARM64" }),
      US,
      ALL_TYPES,
    );
    expect(r).toMatchObject({
      capacity: "EC2",
      architecture: "ARM64",
      ec2: { instance: c6g, instances: 1 },
      recommendedMonthly: cents(ec2Monthly("c6g.large", 1)),
      graviton: { status: "already-arm64", evidence: "the task definition runs ARM64" },
    });
  });

  it("hands the service's rolling-update limits and the registered resources to the EC2 plan", () => {
    const registered = () => ({ overheadFraction: 0, reservedMemory: 0, basis: "registered" as const });
    const r = recommend(
      profile({
        runsOn: "EC2",
        ec2Only: ["host networking"],
        deployment: { minimumHealthyPercent: 50, maximumPercent: 100 },
      }),
      US,
      ALL_TYPES,
      { reserveOf: registered },
    );
    // maximumPercent 100: a deployment never runs more than the 2 tasks of the peak.
    expect(r.ec2?.deployment).toMatchObject({ maxTasks: 2, instances: 1 });
    expect(r.ec2?.memoryPerInstance).toEqual({ usable: 4096, basis: "registered" });
    expect(r.reason).not.toContain("estimated");
    // Today's 1024 / 2048 fit the registered 2048 / 4096 of one c6i.large twice.
    expect(r.reason).toContain("(today 1024 / 2048: all 2 fit at that size too) at ");
    expect(r.currentBasis).toBe(
      `Now is an estimate: the cluster's instances were not read, so 2 tasks at today's 1024 / 2048 are packed onto the cheapest candidate type, 1 × c6i.large, $${SMALL_ON_C6I}/month`,
    );
  });

  it("says nothing of today's size when the plan's reservation is today's size", () => {
    // No headroom, p99 = 1024 units and peak 2048 MiB: the need is today's 1024 / 2048.
    const r = recommend(
      profile({ runsOn: "EC2", ec2Only: ["host networking"] }, { cpu: flat(1024), memoryPeak: 2048 }),
      US,
      X86_TYPES,
      { headroom: 0 },
    );
    expect(r.need).toEqual({ cpu: 1024, memory: 2048 });
    expect(r.ec2?.atCurrentSize).toBeUndefined();
    expect(r.reason).toContain("with each task reserving 1024 CPU units / 2048 MiB, ");
    expect(r.reason).not.toContain("(today");
  });
});

describe("recommend: what an EC2 service costs now", () => {
  it("without a running task: its peak tasks at today's size packed onto its cluster's type as registered", () => {
    // Three tasks of 1 vCPU / 2 GiB on m6i.large registering 2048 CPU / 7482 MiB: CPU allows 2 per instance → 2.
    const r = recommend(
      profile({ runsOn: "EC2", ec2Only: ["host networking"] }, { tasks: { min: 3, max: 3, mean: 3 } }),
      US,
      X86_TYPES,
      {
        currentEc2: {
          kind: "cluster-type",
          instanceType: "m6i.large",
          registered: { cpu: 2048, memory: 7482 },
          hourly: PRICE["m6i.large"],
          clusterName: "prod",
        },
      },
    );
    const now = cents(ec2Monthly("m6i.large", 2));
    expect(r.currentMonthly).toBe(now);
    expect(r.currentBasis).toBe(
      `Now: no task of it was running; 3 tasks at today's 1024 / 2048 packed onto prod's m6i.large (2048 CPU / 7482 MiB registered) take 2, $${now.toFixed(2)}/month`,
    );
  });

  it("falls back to an estimate when today's task does not fit the cluster's type", () => {
    const r = recommend(
      profile(
        { runsOn: "EC2", ec2Only: ["host networking"], taskMemory: 8192 },
        { tasks: { min: 1, max: 1, mean: 1 } },
      ),
      US,
      ALL_TYPES,
      {
        currentEc2: {
          kind: "cluster-type",
          instanceType: "c6i.large",
          registered: { cpu: 2048, memory: 3600 },
          hourly: PRICE["c6i.large"],
          clusterName: "prod",
        },
      },
    );
    // 1 vCPU / 8 GiB fits no large type once the kernel share and agent buffer are off: no estimate either.
    expect(r.currentMonthly).toBeUndefined();
    const fits = recommend(
      profile(
        { runsOn: "EC2", ec2Only: ["host networking"], taskMemory: 4096 },
        { tasks: { min: 1, max: 1, mean: 1 } },
      ),
      US,
      ALL_TYPES,
      {
        currentEc2: {
          kind: "cluster-type",
          instanceType: "c6i.large",
          registered: { cpu: 2048, memory: 3600 },
          hourly: PRICE["c6i.large"],
          clusterName: "prod",
        },
      },
    );
    // 4 GiB does not fit c6i.large's 3600 MiB: estimated on the cheapest x86 type that holds it (not m6g.large).
    expect(fits.currentBasis).toBe(
      `Now is an estimate: the cluster's instances were not read, so 1 task at today's 1024 / 4096 are packed onto the cheapest candidate type, 1 × m6i.large, $${cents(ec2Monthly("m6i.large", 1)).toFixed(2)}/month`,
    );
  });

  it("a service on EC2 is not priced as if it ran on Fargate", () => {
    const r = recommend(profile({ runsOn: "EC2" }), US, X86_TYPES);
    // Today 2 × 1 vCPU / 2 GiB: one m6i.large (7575 MiB estimated usable) holds both.
    expect(r.currentMonthly).toBe(cents(ec2Monthly("m6i.large", 1)));
    // It moves to Fargate: a launch-type move, high risk.
    expect(r).toMatchObject({ capacity: "FARGATE", risk: "high" });
  });
});

describe("recommend: risk", () => {
  const risk = (r: Recommendation) => r.risk;

  it("medium when memory is cut below 70 % of today's, low at 70 %", () => {
    // 0.5 vCPU / 1 GB against today's 2 GiB: a cut to 50 %.
    expect(risk(recommend(profile(), US, []))).toBe("medium");
    // Peak 5,800 MiB → need 6,960 → 1 vCPU / 7 GB = 7,168 MiB, exactly 70 % of today's 10,240.
    const at70 = recommend(profile({ taskMemory: 10240 }, { memoryPeak: 5800 }), US, []);
    expect(at70.size).toEqual({ cpu: 1024, memory: 7168 });
    expect(risk(at70)).toBe("low");
    // The same against 10,241 MiB today: below 70 %.
    expect(risk(recommend(profile({ taskMemory: 10241 }, { memoryPeak: 5800 }), US, []))).toBe("medium");
  });

  it("an OOM-killed service kept at today's memory is not called high risk", () => {
    const onFargate = recommend(profile({}, { oomKills: 1 }), US, []);
    expect(onFargate).toMatchObject({ capacity: "FARGATE", size: { cpu: 512, memory: 2048 }, risk: "low" });
    const onEc2 = recommend(
      profile({ runsOn: "EC2", ec2Only: ["host networking"] }, { oomKills: 2 }),
      US,
      X86_TYPES,
    );
    expect(onEc2.need.memory).toBe(2048);
    expect(onEc2).toMatchObject({ capacity: "EC2", risk: "low" });
  });
});

describe("recommend: Graviton", () => {
  it("recommends ARM where the images have linux/arm64 and it is cheapest: medium risk, said in the sentence", () => {
    const images = { arm64: "yes" as const, evidence: "shop/api:1.4 has linux/amd64, linux/arm64" };
    const r = recommend(profile({ taskCpu: 512, taskMemory: 1024 }), US, X86_TYPES, { images });
    const arm = cents(fargateMonthly(ARM, 512, 1024, 2));
    expect(r).toMatchObject({
      capacity: "FARGATE",
      architecture: "ARM64",
      recommendedMonthly: arm,
      risk: "medium",
    });
    expect(r.reason).toBe(
      `Sized work (p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks): Fargate 0.5 vCPU / 1 GiB on Graviton (the images have linux/arm64) at $${arm}/month; EC2 capacity for the peak would cost $${SMALL_ON_C6I}/month.`,
    );
    expect(r.graviton).toStrictEqual({
      status: "recommended",
      evidence: images.evidence,
      option: expect.objectContaining({ capacity: "FARGATE", architecture: "ARM64" }),
    });
  });

  it("compares an EC2 plan with x86 Fargate, not ARM Fargate, when ARM EC2 wins", () => {
    const images = { arm64: "yes" as const, evidence: "shop/api:1.4 has linux/amd64, linux/arm64" };
    const r = recommend(steadyFleet(), US, ALL_TYPES, { images });
    expect(r).toMatchObject({ capacity: "EC2", architecture: "ARM64", ec2: { instance: c6g, instances: 8 } });
    expect(r.reason).toMatch(
      /^Steady load .*: 8 × c6g\.large on Graviton \(the images have linux\/arm64\) with each task/,
    );
    expect(r.reason).toContain(
      `cost less than Fargate at $${cents(fargateMonthly(X86, 2048, 4096, 8))}/month.`,
    );
  });

  it("shows ARM as not cheaper, with its cost against the recommendation, when x86 Fargate Spot wins", () => {
    const images = { arm64: "yes" as const, evidence: "shop/api:1.4 has linux/amd64, linux/arm64" };
    const r = recommend(profile({ interruptible: true }), US, [], { images });
    const spot = cents(fargateMonthly(SPOT, 512, 1024, 2));
    const arm = cents(fargateMonthly(ARM, 512, 1024, 2));
    expect(r).toMatchObject({ capacity: "FARGATE_SPOT", architecture: "X86_64", recommendedMonthly: spot });
    expect(r.graviton).toMatchObject({
      status: "not-cheaper",
      evidence: images.evidence,
      option: { capacity: "FARGATE", architecture: "ARM64" },
      saving: cents(spot - arm),
    });
  });

  it("says ARM is not priced where the region has no ARM price, even with arm64 images", () => {
    const images = { arm64: "yes" as const, evidence: "shop/api:1.4 has linux/amd64, linux/arm64" };
    // eu-central-1: no bundled ARM Fargate rate; only x86 instance types given.
    const r = recommend(profile(), bundledPriceBook("eu-central-1"), X86_TYPES, { images });
    expect(r.architecture).toBe("X86_64");
    expect(r.graviton).toStrictEqual({
      status: "not-priced",
      evidence: "shop/api:1.4 has linux/amd64, linux/arm64; no ARM price for this region",
    });
  });
});
