import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CreateRepositoryCommand } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  analyzeFleetWithState,
  type FleetReport,
  type FleetState,
} from "../../../core/rightsize/analyzeFleet.ts";
import { applyRightsize } from "../../../core/rightsize/applyRightsize.ts";
import { describeInstanceShapes } from "../../../core/rightsize/instanceShapes.ts";
import { planRightsize } from "../../../core/rightsize/planRightsize.ts";
import { bundledPriceBook, candidateInstanceTypes } from "../../../core/rightsize/priceBook.ts";
import { recordStopStats } from "../../../core/state/index.ts";
import { createService, ecrImage, pushImageManifest, putContainerInsights } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
let report: FleetReport;
let state: FleetState;
const END = new Date("2026-11-25T00:00:00Z");
const HOURS = 24;

/**
 * The bundled eu-west-1 prices, as core/pricing/data has them (each figure's source and date is
 * in the report; the checks below say which row each figure is):
 * Fargate x86 On-Demand $0.04048/vCPU-h, $0.004445/GB-h (theuves/fgcalc, 2026-09-29);
 * Fargate ARM $0.03238/$0.00356 (ligoj's AWS offer rows, 2022); Fargate Spot x86 $0.01225536/$0.00134573
 * (fgcalc Spot snapshot, 2026-09-29); EC2 c6i.large $0.0912/h, c6i.4xlarge $0.7296/h, c6g.2xlarge
 * $0.2918/h (ec2instances.info, 2024-04-04).
 */
const PRICES = bundledPriceBook(REGION);
const fargate = (cpu: number, memory: number) => (cpu / 1024) * 0.04048 + (memory / 1024) * 0.004445;
const fargateArm = (cpu: number, memory: number) => (cpu / 1024) * 0.03238 + (memory / 1024) * 0.00356;
const fargateSpot = (cpu: number, memory: number) => (cpu / 1024) * 0.01225536 + (memory / 1024) * 0.00134573;
const round = (n: number) => Math.round(n * 100) / 100;
const IMAGES = resolve(import.meta.dirname, "..", "..", "fixtures", "images");

interface Workload {
  readonly name: string;
  readonly launchType?: "FARGATE" | "EC2";
  readonly taskDefinition: Partial<RegisterTaskDefinitionCommandInput>;
  readonly tags?: Record<string, string>;
  /** A real manifest document pushed as the service's image (default: no image in ECR). */
  readonly manifest?: string;
  /** Per hour: running tasks, CPU units per task, MiB per task. */
  readonly hours: (hour: number) => { tasks: number; cpu: number; memory: number };
  readonly oomKills?: number;
}

const WORKLOADS: Workload[] = [
  {
    name: "steady-fleet",
    taskDefinition: { cpu: "4096", memory: "8192" },
    hours: () => ({ tasks: 20, cpu: 3100, memory: 6000 }),
  },
  {
    name: "bursty-web",
    taskDefinition: { cpu: "1024", memory: "2048" },
    hours: (h) => (h < 20 ? { tasks: 2, cpu: 100, memory: 400 } : { tasks: 10, cpu: 800, memory: 400 }),
  },
  {
    name: "tiny-cron",
    taskDefinition: { cpu: "512", memory: "1024" },
    hours: (h) => (h < 3 ? { tasks: 1, cpu: 50, memory: 100 } : { tasks: 0, cpu: 0, memory: 0 }),
  },
  {
    name: "batch",
    taskDefinition: { cpu: "1024", memory: "2048" },
    tags: { "autopilot:interruptible": "true" },
    hours: (h) => (h < 6 ? { tasks: 4, cpu: 900, memory: 1500 } : { tasks: 0, cpu: 0, memory: 0 }),
  },
  {
    name: "host-storage",
    launchType: "EC2",
    taskDefinition: {
      networkMode: "bridge",
      cpu: "512",
      memory: "1024",
      volumes: [{ name: "data", host: { sourcePath: "/var/lib/data" } }],
    },
    hours: () => ({ tasks: 3, cpu: 300, memory: 700 }),
  },
  {
    name: "over-provisioned",
    tags: { "autopilot:rightsize": "apply" },
    taskDefinition: { cpu: "2048", memory: "4096" },
    hours: () => ({ tasks: 2, cpu: 300, memory: 700 }),
  },
  {
    name: "oom-history",
    taskDefinition: { cpu: "1024", memory: "2048" },
    hours: () => ({ tasks: 2, cpu: 200, memory: 1500 }),
    oomKills: 3,
  },
  {
    name: "arm-ready",
    taskDefinition: { cpu: "1024", memory: "2048" },
    manifest: "oci-index-amd64-arm64-attested.json",
    hours: () => ({ tasks: 2, cpu: 300, memory: 700 }),
  },
  {
    name: "amd64-only",
    taskDefinition: { cpu: "1024", memory: "2048" },
    manifest: "docker-manifest-list.spec-example.json",
    hours: () => ({ tasks: 2, cpu: 300, memory: 700 }),
  },
];

async function seed(workload: Workload): Promise<void> {
  const repository = `shop/${workload.name}`;
  if (workload.manifest) {
    await world.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
    await pushImageManifest(
      world.clients,
      repository,
      "1.0.0",
      readFileSync(resolve(IMAGES, workload.manifest), "utf8"),
    );
  }
  const service = await createService(world.clients, {
    cluster: "fleet",
    name: workload.name,
    launchType: workload.launchType ?? "FARGATE",
    desiredCount: workload.hours(0).tasks,
    containers: [{ name: "app", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    taskDefinition: workload.taskDefinition,
    ...(workload.tags ? { tags: workload.tags } : {}),
  });
  await putContainerInsights(
    world.insight.cloudwatch,
    "fleet",
    workload.name,
    Array.from({ length: HOURS }, (_, h) => ({
      ...workload.hours(h),
      at: new Date(END.getTime() - (HOURS - h) * 3_600_000),
    })),
  );
  // The monitor's daily stop statistics, as its countStopOnce writes them for each OOM kill.
  for (let i = 0; i < (workload.oomKills ?? 0); i++)
    await recordStopStats(
      world.state,
      service.serviceArn ?? "",
      { stopClass: "out-of-memory", abnormal: true },
      END,
    );
}

const recommendationOf = (name: string) =>
  report.recommendations.find((r) => r.profile.facts.serviceName === name);

describe("right-sizing designed workloads in eu-west-1 on the bundled prices (metrics in moto's CloudWatch)", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "fleet",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    for (const workload of WORKLOADS) await seed(workload);
    const candidates = await describeInstanceShapes(world.insight.ec2, candidateInstanceTypes(PRICES));
    ({ report, state } = await analyzeFleetWithState(world.fleet, world.tableName, {
      prices: PRICES,
      candidates,
      end: END,
      lookbackDays: 1,
      periodSeconds: 3600,
    }));
  }, 90_000);

  it("moves a steady high-CPU/memory fleet to EC2, with the capacity provider to create and its headroom", () => {
    const r = recommendationOf("steady-fleet");
    // Need: 3,100 × 1.2 = 3,720 CPU units, 6,000 × 1.2 = 7,200 MiB per task, 20 tasks all day.
    // c6i.4xlarge (16 vCPU, 32 GiB; no cluster runs it: 32,768 × (7,985 / 8,192 − 0.05) = 30,301 MiB
    // placeable, the sourced estimate of binPacking.ts) takes 4 → 5 instances:
    // 5 × $0.7296 × 730 = $2,663.04; Fargate 4 vCPU / 8 GB × 20 tasks = $2,883.21.
    expect(r).toMatchObject({
      capacity: "EC2",
      architecture: "X86_64",
      ec2: {
        instances: 5,
        instance: { instanceType: "c6i.4xlarge", vcpus: 16, memory: 32768 },
        capacityProvider: {
          // The task count never changes: no spare instance.
          managedScaling: { status: "ENABLED", targetCapacity: 100 },
          managedTerminationProtection: "ENABLED",
          autoScalingGroup: {
            minSize: 5,
            // A rolling deployment (maximumPercent 200, moto's service default as ECS's) runs up to 40 tasks: 10 instances.
            maxSize: 10,
            // Same 16 vCPU / 32 GiB shape, cheapest first: c6i $0.7296, c7i $0.76608, c5 $0.768.
            instanceTypes: ["c6i.4xlarge", "c7i.4xlarge", "c5.4xlarge"],
            onDemandBaseCapacity: 0,
            onDemandPercentageAboveBaseCapacity: 100,
          },
        },
      },
      risk: "high",
    });
    expect(r?.recommendedMonthly).toBe(round(5 * 0.7296 * 730));
    expect(r?.currentMonthly).toBe(round(fargate(4096, 8192) * 20 * 730));
    // Headroom: memory binds (144,000 of 5 × 30,301 MiB reserved): 5.0 % unreserved of $2,663.04.
    expect(r?.ec2?.headroom).toMatchObject({ spareInstances: 0, spareMonthly: 0, unreservedShare: 0.05 });
    expect(r?.ec2?.headroom.monthly).toBeCloseTo((1 - 144_000 / (5 * 30_301)) * 5 * 0.7296 * 730, 1);
    expect(r?.ec2?.memoryPerInstance).toEqual({ usable: 30301, basis: "estimated" });
    expect(r?.reason).toMatch(
      /^Steady load .*5 × c6i\.4xlarge with each task reserving 3720 CPU units \/ 7200 MiB \(today 4096 \/ 8192: these instances hold 15 of 20 at that size\), 30301 MiB usable per instance estimated \(no cluster here runs c6i\.4xlarge\) at \$2663\.04\/month \(managed scaling target 100, headroom \$131\.9\d\/month\) cost less than Fargate at \$2883\.21/,
    );
  });

  it("keeps a bursty web service on Fargate: EC2 would be sized for the peak plus a spare instance", () => {
    const r = recommendationOf("bursty-web");
    // p99 CPU 800 → 960 units → 1024/2048; mean tasks (2 × 20 + 10 × 4) / 24.
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 1024, memory: 2048 } });
    expect(r?.recommendedMonthly).toBe(round(fargate(1024, 2048) * (80 / 24) * 730));
    // EC2 for 10 tasks of (960, 480): c6i.large takes 2 → 5, plus one spare for scale-out → 6 × $0.0912 × 730.
    expect(r?.reason).toContain(
      `EC2 capacity for the peak would cost $${(6 * 0.0912 * 730).toFixed(2)}/month`,
    );
    expect(r?.profile.burstiness).toBe(8);
  });

  it("gives a tiny cron job the smallest Fargate size", () => {
    const r = recommendationOf("tiny-cron");
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 256, memory: 512 } });
    expect(r?.profile.dutyCycle).toBe(3 / 24);
    expect(r?.recommendedMonthly).toBe(round(fargate(256, 512) * (3 / 24) * 730));
    // The saving is the difference of the two monthly figures as shown (each rounded to cents).
    expect(r?.saving).toBe(
      round(round(fargate(512, 1024) * (3 / 24) * 730) - round(fargate(256, 512) * (3 / 24) * 730)),
    );
  });

  it("puts interruption-tolerant batch work on Fargate Spot at the sourced Spot rate", () => {
    const r = recommendationOf("batch");
    // 900 × 1.2 = 1,080 CPU units → 2048 CPU units, whose smallest memory is 4096 MiB; 4 tasks × 6 of 24 hours.
    expect(r).toMatchObject({ capacity: "FARGATE_SPOT", size: { cpu: 2048, memory: 4096 }, risk: "medium" });
    expect(r?.recommendedMonthly).toBe(round(fargateSpot(2048, 4096) * 1 * 730));
  });

  it("keeps a service with persistent host storage on EC2, never Fargate", () => {
    const r = recommendationOf("host-storage");
    expect(r?.profile.facts.ec2Only).toEqual([
      "bridge networking",
      "host volume data (persistent host storage)",
    ]);
    // 3 tasks of (360, 840) fit one c6i.large (2 vCPU, 4,096 × (7,985 / 8,192 − 0.05) = 3,787 MiB placeable).
    expect(r).toMatchObject({
      capacity: "EC2",
      ec2: { instances: 1, instance: { instanceType: "c6i.large" } },
      recommendedMonthly: round(0.0912 * 730),
    });
    expect(r?.reason).toMatch(/^Runs only on EC2 \(bridge networking, host volume data/);
    // The fleet cluster has no container instances to go by: "now" is an estimate, and says so.
    expect(r?.currentBasis).toBe(
      `Now is an estimate: the cluster's instances were not read, so 3 tasks at today's 512 / 1024 are packed onto the cheapest candidate type, 1 × c6i.large, $${(0.0912 * 730).toFixed(2)}/month`,
    );
  });

  it("shrinks an over-provisioned Fargate service to the smaller valid size, with the exact saving", () => {
    const r = recommendationOf("over-provisioned");
    // 300 × 1.2 = 360 units (> 256) and 700 × 1.2 = 840 MiB → 512 CPU units / 1024 MiB.
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 512, memory: 1024 }, risk: "medium" });
    const current = fargate(2048, 4096) * 2 * 730;
    const next = fargate(512, 1024) * 2 * 730;
    expect(r?.currentMonthly).toBe(round(current));
    expect(r?.recommendedMonthly).toBe(round(next));
    expect(r?.saving).toBe(round(round(current) - round(next)));
  });

  it("never gives a service with OOM kills less memory", () => {
    const r = recommendationOf("oom-history");
    expect(r?.profile.oomKills).toBe(3);
    // Peak 1,500 × 1.2 = 1,800 MiB, but after OOM kills never below the current 2,048 MiB.
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 256, memory: 2048 } });
  });

  it("recommends Graviton where the image index already has linux/arm64, with its price", () => {
    const r = recommendationOf("arm-ready");
    // Need 360/840 → 512/1024: Fargate ARM 2 × $0.01975 × 730 = $28.84 beats x86 ($36.04) and
    // one c6g.large ($0.073 × 730 = $53.29).
    expect(r).toMatchObject({
      capacity: "FARGATE",
      architecture: "ARM64",
      size: { cpu: 512, memory: 1024 },
      recommendedMonthly: round(fargateArm(512, 1024) * 2 * 730),
      risk: "medium",
      graviton: { status: "recommended", evidence: "shop/arm-ready:1.0.0 has linux/amd64, linux/arm64" },
    });
    expect(r?.reason).toContain("on Graviton (the images have linux/arm64)");
  });

  it("shows what ARM would save only 'if you build for arm64' where the image has no arm64", () => {
    const r = recommendationOf("amd64-only");
    // The recommendation stays x86: 512/1024 Fargate, $36.04.
    expect(r).toMatchObject({
      capacity: "FARGATE",
      architecture: "X86_64",
      size: { cpu: 512, memory: 1024 },
    });
    expect(r?.recommendedMonthly).toBe(round(fargate(512, 1024) * 2 * 730));
    expect(r?.graviton).toMatchObject({
      status: "if-you-build-for-arm64",
      evidence: "shop/amd64-only:1.0.0 has linux/ppc64le, linux/amd64",
      option: { capacity: "FARGATE", architecture: "ARM64" },
      saving: round(round(fargate(512, 1024) * 2 * 730) - round(fargateArm(512, 1024) * 2 * 730)),
    });
    // An image ECR does not have is not evidence either way: the same "if you build" advice, never a recommendation.
    expect(recommendationOf("steady-fleet")?.graviton).toMatchObject({
      status: "if-you-build-for-arm64",
      evidence: "shop/steady-fleet:1.0.0 not read (repository not found)",
      // 10 × c6g.2xlarge ($0.2918 each) = $2,130.14 against $2,663.04.
      option: { capacity: "EC2", ec2: { instances: 10, instance: { instanceType: "c6g.2xlarge" } } },
      saving: round(round(5 * 0.7296 * 730) - round(10 * 0.2918 * 730)),
    });
  });

  it("orders the fleet by saving, totals it, and names every price source with its age", () => {
    const savings = report.recommendations.map((r) => r.saving ?? 0);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    expect(report.totals.saving).toBe(round(report.recommendations.reduce((n, r) => n + (r.saving ?? 0), 0)));
    expect(report.prices.sources.map((s) => [s.what, s.asOf, s.ageDays])).toEqual([
      ["EC2 On-Demand Linux", "2024-04-04", 965],
      ["Fargate On-Demand x86_64", "2026-09-29", 57],
      ["Fargate On-Demand arm64", "2022-08-18", 1560],
      ["Fargate Spot x86_64", "2026-09-29", 57],
      ["Fargate ephemeral storage", "2022-08-18", 1560],
    ]);
    // Fargate-only cluster: no container instances, no capacity findings.
    expect(report.clusters).toEqual([]);
    // The metrics the figures rest on: the 24 hourly periods put into moto's CloudWatch.
    expect(report.data).toEqual({
      from: new Date(END.getTime() - HOURS * 3_600_000).toISOString(),
      to: END.toISOString(),
      hours: HOURS,
    });
    expect(recommendationOf("over-provisioned")?.reason).toContain("2 tasks over 24 h of metrics)");
  });

  it("applies one step down where the tag says apply, and only there", async () => {
    const plan = planRightsize(report.recommendations, state, PRICES);
    // 2048/4096 → the dearest size below it (no dimension growing) that still covers 360/840: 1024/4096.
    expect(plan.actions.map((a) => [a.serviceName, a.from, a.to])).toEqual([
      ["over-provisioned", { cpu: 2048, memory: 4096 }, { cpu: 1024, memory: 4096 }],
    ]);
    const { applied: done } = await applyRightsize(world.clients.ecs, plan, {
      state: world.state,
      holder: "designed-workloads-run",
      at: new Date(),
    });
    expect(done).toHaveLength(1);
    const after = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "fleet", services: ["over-provisioned"] }),
    );
    const definition = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: after.services?.[0]?.taskDefinition,
        include: ["TAGS"],
      }),
    );
    expect([definition.taskDefinition?.cpu, definition.taskDefinition?.memory]).toEqual(["1024", "4096"]);
    expect(definition.tags).toContainEqual({ key: "autopilot:rightsized-from", value: "2048/4096" });
  });
});
