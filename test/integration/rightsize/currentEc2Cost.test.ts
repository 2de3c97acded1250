/**
 * "$ now" of an EC2 service is what its cluster's instances cost, not an estimate on another type:
 * container instances registered in moto (c5.xlarge; moto registers 4,096 CPU / 7,482 MiB for
 * every type), tasks placed with StartTask, Container Insights metrics put into moto's CloudWatch.
 */
import { CreateClusterCommand, StartTaskCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeFleet, type FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import { describeInstanceShapes } from "../../../core/rightsize/instanceShapes.ts";
import { bundledPriceBook, candidateInstanceTypes } from "../../../core/rightsize/priceBook.ts";
import {
  createService,
  ecrImage,
  putContainerInsights,
  registerContainerInstances,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
let report: FleetReport;
const END = new Date("2026-11-25T00:00:00Z");
// eu-west-1 c5.xlarge $0.192/hour (ec2instances.info, 2024-04-04), 730 hours a month.
const C5_XLARGE_MONTHLY = 0.192 * 730;
const round = (n: number) => Math.round(n * 100) / 100;
const PRICES = bundledPriceBook(REGION);

describe("now, for EC2 services: the cluster's own instances", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    const { ecs } = world.clients;
    await ecs.send(
      new CreateClusterCommand({
        clusterName: "ec2-web",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    const instances = (
      await registerContainerInstances(world.clients, world.insight.ec2, "ec2-web", "c5.xlarge", 4)
    ).map((i) => i.arn);
    // web: 4 tasks of 1 vCPU / 2 GiB, one per instance; a cache task (0.5 vCPU / 2 GiB) shares the fourth.
    // queue: 2 tasks of 1 vCPU / 2 GiB by its metrics, none running now.
    for (const [name, cpu, memory, desiredCount] of [
      ["web", 1024, 2048, 4],
      ["cache", 512, 2048, 1],
      ["queue", 1024, 2048, 2],
    ] as const)
      await createService(world.clients, {
        cluster: "ec2-web",
        name,
        launchType: "EC2",
        desiredCount,
        containers: [
          { name: "app", image: ecrImage(REGION, `shop/${name}`, "1.0"), cpu, memory, essential: true },
        ],
        taskDefinition: { cpu: undefined, memory: undefined },
      });
    const start = (instance: string | undefined, name: string) =>
      ecs.send(
        new StartTaskCommand({
          cluster: "ec2-web",
          taskDefinition: name,
          containerInstances: [instance ?? ""],
          group: `service:${name}`,
        }),
      );
    for (const instance of instances) await start(instance, "web");
    await start(instances[3], "cache");
    for (const [name, tasks] of [
      ["web", 4],
      ["queue", 2],
    ] as const)
      await putContainerInsights(
        world.insight.cloudwatch,
        "ec2-web",
        name,
        Array.from({ length: 24 }, (_, h) => ({
          at: new Date(END.getTime() - (24 - h) * 3_600_000),
          tasks,
          cpu: 300,
          memory: 700,
        })),
      );
    const candidates = await describeInstanceShapes(world.insight.ec2, candidateInstanceTypes(PRICES));
    report = await analyzeFleet(world.fleet, world.tableName, {
      prices: PRICES,
      candidates,
      end: END,
      lookbackDays: 1,
      periodSeconds: 3600,
      computeOptimizer: false,
    });
  }, 90_000);

  const of = (name: string) => report.recommendations.find((r) => r.profile.facts.serviceName === name);

  it("is the running tasks' share of the instances they run on", () => {
    // Three c5.xlarge are web's alone; the fourth is split with cache by what each reserves
    // (both 2,048 of 7,482 MiB, the larger share): half of it.
    const expected = 3 * C5_XLARGE_MONTHLY + 0.5 * C5_XLARGE_MONTHLY;
    const web = of("web");
    expect(web?.currentMonthly).toBe(round(expected));
    expect(web?.currentBasis).toBe(
      `Now: its 4 tasks' share of the instances they run on in ec2-web (4 × c5.xlarge), $${expected.toFixed(2)}/month`,
    );
    expect(web?.reason).toContain(web?.currentBasis ?? "?");
    expect(web?.saving).toBe(round(round(expected) - (web?.recommendedMonthly ?? 0)));
  });

  it("packs today's size onto the cluster's instance type when no task of the service runs", () => {
    // 2 tasks of 1,024 / 2,048 fit one c5.xlarge as registered (4,096 CPU / 7,482 MiB).
    const queue = of("queue");
    expect(queue?.currentMonthly).toBe(round(C5_XLARGE_MONTHLY));
    expect(queue?.currentBasis).toBe(
      `Now: no task of it was running; 2 tasks at today's 1024 / 2048 packed onto ec2-web's c5.xlarge (4096 CPU / 7482 MiB registered) take 1, $${C5_XLARGE_MONTHLY.toFixed(2)}/month`,
    );
  });
});
