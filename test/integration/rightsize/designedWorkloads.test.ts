import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { MonitorState } from "../../../core/monitor/index.ts";
import { FARGATE_PRICES } from "../../../core/pricing/fargatePrices.ts";
import { analyzeFleet, type FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import { applyRightsize, planRightsize } from "../../../core/rightsize/applyRightsize.ts";
import { describeInstanceShapes } from "../../../core/rightsize/instanceShapes.ts";
import type { PriceBook } from "../../../core/rightsize/recommend.ts";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
let report: FleetReport;
const END = new Date("2026-11-25T00:00:00Z");
const HOURS = 24;

// Fargate: the bundled us-east-1 rates. EC2: illustrative test prices for the three candidate types.
const X86 = FARGATE_PRICES["us-east-1"]?.X86_64 ?? { vcpuHour: 0, gbHour: 0 };
const EC2_TEST_PRICES = new Map([
  ["m6i.large", 0.096],
  ["c6i.2xlarge", 0.34],
  ["m6i.2xlarge", 0.384],
]);
const fargateHourly = (cpu: number, memory: number) =>
  (cpu / 1024) * X86.vcpuHour + (memory / 1024) * X86.gbHour;
const round = (n: number) => Math.round(n * 100) / 100;

interface Workload {
  readonly name: string;
  readonly launchType?: "FARGATE" | "EC2";
  readonly taskDefinition: Partial<RegisterTaskDefinitionCommandInput>;
  readonly tags?: Record<string, string>;
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
];

async function seed(workload: Workload): Promise<void> {
  const service = await createService(world.clients, {
    cluster: "fleet",
    name: workload.name,
    launchType: workload.launchType ?? "FARGATE",
    desiredCount: workload.hours(0).tasks,
    containers: [{ name: "app", image: ecrImage(REGION, "shop/app", "1.0.0"), essential: true }],
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
  const state = new MonitorState(world.state, () => END);
  for (let i = 0; i < (workload.oomKills ?? 0); i++)
    await state.recordStopStats(service.serviceArn ?? "", "out-of-memory", true);
}

const recommendationOf = (name: string) =>
  report.recommendations.find((r) => r.profile.facts.serviceName === name);

describe("right-sizing designed workloads (metrics written to moto's CloudWatch)", () => {
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
    const prices: PriceBook = {
      region: "us-east-1",
      fargate: { X86_64: X86 },
      fargateSpotDiscount: 0.7,
      ec2: EC2_TEST_PRICES,
      source: "test",
    };
    const candidates = await describeInstanceShapes(world.insight.ec2, [...EC2_TEST_PRICES.keys()]);
    report = await analyzeFleet(world.fleet, world.tableName, {
      prices,
      candidates,
      end: END,
      lookbackDays: 1,
      periodSeconds: 3600,
    });
  }, 60_000);

  it("moves a steady high-CPU/memory fleet to EC2", () => {
    const r = recommendationOf("steady-fleet");
    // Need: 3,100 × 1.2 = 3,720 CPU units, 6,000 × 1.2 = 7,200 MiB per task, 20 tasks.
    // c6i.2xlarge places 2 (CPU 7,440 ≤ 8,192; memory 14,400 ≤ 16,384 × 0.94 − 512): 10 × $0.34 × 730.
    expect(r).toMatchObject({
      capacity: "EC2",
      ec2: { instances: 10, instance: { instanceType: "c6i.2xlarge" } },
      risk: "high",
    });
    expect(r?.recommendedMonthly).toBe(round(10 * 0.34 * 730));
    expect(r?.currentMonthly).toBe(round(fargateHourly(4096, 8192) * 20 * 730));
    expect(r?.reason).toMatch(/^Steady load .*10 × c6i\.2xlarge .* cost less than Fargate/);
  });

  it("keeps a bursty web service on Fargate: EC2 would be sized for the peak", () => {
    const r = recommendationOf("bursty-web");
    // p99 CPU 800 → 960 units → 1024/2048; mean tasks (2 × 20 + 10 × 4) / 24.
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 1024, memory: 2048 } });
    expect(r?.recommendedMonthly).toBe(round(fargateHourly(1024, 2048) * (80 / 24) * 730));
    // EC2 for 10 tasks of (960, 480): m6i.large takes 2 → 5 × $0.096 × 730 = $350.40.
    expect(r?.reason).toContain("EC2 capacity for the peak would cost $350.40/month");
    expect(r?.profile.burstiness).toBe(8);
  });

  it("gives a tiny cron job the smallest Fargate size", () => {
    const r = recommendationOf("tiny-cron");
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 256, memory: 512 } });
    expect(r?.profile.dutyCycle).toBe(3 / 24);
    expect(r?.recommendedMonthly).toBe(round(fargateHourly(256, 512) * (3 / 24) * 730));
    // The saving is the difference of the two monthly figures as shown (each rounded to cents).
    expect(r?.saving).toBe(
      round(
        round(fargateHourly(512, 1024) * (3 / 24) * 730) - round(fargateHourly(256, 512) * (3 / 24) * 730),
      ),
    );
  });

  it("puts interruption-tolerant batch work on Fargate Spot", () => {
    const r = recommendationOf("batch");
    // 900 × 1.2 = 1,080 CPU units → 2048 CPU units, whose smallest memory is 4096 MiB; 4 tasks × 6 of 24 hours.
    expect(r).toMatchObject({ capacity: "FARGATE_SPOT", size: { cpu: 2048, memory: 4096 }, risk: "medium" });
    expect(r?.recommendedMonthly).toBe(round(fargateHourly(2048, 4096) * 1 * 730 * 0.3));
  });

  it("keeps a service with persistent host storage on EC2, never Fargate", () => {
    const r = recommendationOf("host-storage");
    expect(r?.profile.facts.ec2Only).toEqual([
      "bridge networking",
      "host volume data (persistent host storage)",
    ]);
    // 3 tasks of (360, 840) fit one m6i.large.
    expect(r).toMatchObject({
      capacity: "EC2",
      ec2: { instances: 1, instance: { instanceType: "m6i.large" } },
      recommendedMonthly: round(0.096 * 730),
    });
    expect(r?.reason).toMatch(/^Runs only on EC2 \(bridge networking, host volume data/);
  });

  it("shrinks an over-provisioned Fargate service to the smaller valid size, with the exact saving", () => {
    const r = recommendationOf("over-provisioned");
    // 300 × 1.2 = 360 units (> 256) and 700 × 1.2 = 840 MiB → 512 CPU units / 1024 MiB.
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 512, memory: 1024 }, risk: "medium" });
    const current = fargateHourly(2048, 4096) * 2 * 730;
    const next = fargateHourly(512, 1024) * 2 * 730;
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

  it("orders the fleet by saving and totals it", () => {
    const savings = report.recommendations.map((r) => r.saving ?? 0);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    expect(report.totals.saving).toBe(round(report.recommendations.reduce((n, r) => n + (r.saving ?? 0), 0)));
  });

  it("applies one step down where the tag says apply, and only there", async () => {
    const services = await world.clients.ecs.send(
      new DescribeServicesCommand({
        cluster: "fleet",
        services: WORKLOADS.map((w) => w.name),
        include: ["TAGS"],
      }),
    );
    const current = new Map<
      string,
      { service: Service; taskDefinition: TaskDefinition; tags: Record<string, string> }
    >();
    for (const service of services.services ?? []) {
      const described = await world.clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition, include: ["TAGS"] }),
      );
      if (described.taskDefinition)
        current.set(service.serviceArn ?? "", {
          service,
          taskDefinition: described.taskDefinition,
          tags: Object.fromEntries((described.tags ?? []).map((t) => [t.key ?? "", t.value ?? ""])),
        });
    }
    const prices: PriceBook = {
      region: "us-east-1",
      fargate: { X86_64: X86 },
      fargateSpotDiscount: 0.7,
      ec2: EC2_TEST_PRICES,
      source: "test",
    };
    const plan = planRightsize(report.recommendations, current, prices);
    // 2048/4096 → the dearest size below it (no dimension growing) that still covers 360/840: 1024/4096.
    expect(plan.actions.map((a) => [a.serviceName, a.from, a.to])).toEqual([
      ["over-provisioned", { cpu: 2048, memory: 4096 }, { cpu: 1024, memory: 4096 }],
    ]);
    const { applied: done } = await applyRightsize(world.clients.ecs, plan);
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
