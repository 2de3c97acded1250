/**
 * EC2 cluster capacity against moto's ECS: real container instances (moto's EC2 instances of a
 * real type, registered to the cluster), a capacity provider with managed scaling, and tasks
 * placed with StartTask the way a spreading service leaves them.
 *
 * What moto 5.2.1 fills in and what it does not (read from moto/ecs/models.py):
 * - registeredResources are always 4096 CPU / 7482 MiB whatever the instance type (c5.xlarge is
 *   used here: 4 vCPU, 8 GiB, for which that is a plausible registration); remainingResources go
 *   down with the container-level cpu/memory of each StartTask;
 * - `ecs.instance-type` comes from the EC2 instance; `capacityProviderName` is never set (the
 *   planner then takes the cluster's only provider, and says so);
 * - services keep no placementStrategy: every service reads as ECS's default (spread across
 *   Availability Zones), which is what a service without one does.
 */
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  PutClusterCapacityProvidersCommand,
  StartTaskCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { analyzeFleet, type FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import { createService, ecrImage, registerContainerInstances } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
let report: FleetReport;
// eu-west-1 c5.xlarge: $0.192/hour (ec2instances.info, 2024-04-04), 730 hours a month.
const C5_XLARGE_MONTHLY = 0.192 * 730;
const round = (n: number) => Math.round(n * 100) / 100;

describe("EC2 cluster capacity (container instances in moto)", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    const { ecs } = world.clients;
    await ecs.send(new CreateClusterCommand({ clusterName: "ec2-prod" }));
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: "prod-asg",
        autoScalingGroupProvider: {
          autoScalingGroupArn:
            "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:a1b2c3d4-5678-90ab-cdef-EXAMPLE11111:autoScalingGroupName/prod",
          managedScaling: { status: "ENABLED", targetCapacity: 80 },
          managedTerminationProtection: "DISABLED",
        },
      }),
    );
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: "ec2-prod",
        capacityProviders: ["prod-asg"],
        defaultCapacityProviderStrategy: [{ capacityProvider: "prod-asg", weight: 1 }],
      }),
    );
    const instances = (
      await registerContainerInstances(world.clients, world.insight.ec2, "ec2-prod", "c5.xlarge", 5)
    ).map((i) => i.arn);
    // web: 1 vCPU / 2 GiB tasks, one per instance on four instances (spread).
    // cache: 0.5 vCPU / 7,000 MiB, alone on the fifth: its memory is full, its CPU is not.
    for (const [name, cpu, memory] of [
      ["web", 1024, 2048],
      ["cache", 512, 7000],
    ] as const)
      await createService(world.clients, {
        cluster: "ec2-prod",
        name,
        launchType: "EC2",
        desiredCount: name === "web" ? 4 : 1,
        containers: [
          { name: "app", image: ecrImage(REGION, `shop/${name}`, "1.0"), cpu, memory, essential: true },
        ],
        taskDefinition: { cpu: undefined, memory: undefined },
      });
    for (const [i, instance] of instances.entries())
      await ecs.send(
        new StartTaskCommand({
          cluster: "ec2-prod",
          taskDefinition: i < 4 ? "web" : "cache",
          containerInstances: [instance],
          group: i < 4 ? "service:web" : "service:cache",
        }),
      );
    world.counter.reset();
    report = await analyzeFleet(world.fleet, world.tableName, {
      prices: bundledPriceBook(REGION),
      candidates: [],
      computeOptimizer: false,
    });
  }, 60_000);

  it("prices the cluster's instances and bin packs what its tasks reserve", () => {
    expect(report.clusters).toHaveLength(1);
    const [cluster] = report.clusters;
    expect(cluster).toMatchObject({
      clusterName: "ec2-prod",
      instances: 5,
      instanceTypes: { "c5.xlarge": 5 },
      monthly: round(5 * C5_XLARGE_MONTHLY),
      unpriced: [],
      registered: { cpu: 5 * 4096, memory: 5 * 7482 },
      reserved: { cpu: 4 * 1024 + 512, memory: 4 * 2048 + 7000 },
      // First-fit decreasing: cache alone on one (482 MiB left), three web tasks on the next, the fourth on a third.
      neededInstances: 3,
    });
    expect(cluster?.notes).toEqual([
      "no instance names its capacity provider; all 5 are taken as prod-asg's, the cluster's only one",
    ]);
  });

  it("finds the stranded CPU, the spare instance of target capacity 80 and the one spreading frees, each with $/month", () => {
    const findings = Object.fromEntries((report.clusters[0]?.findings ?? []).map((f) => [f.kind, f]));
    // The cache instance has 3,584 of 4,096 CPU units left and 482 MiB: no task shape fits, 87.5 % of it is stranded.
    expect(findings.stranded).toMatchObject({
      monthly: round(0.875 * C5_XLARGE_MONTHLY),
      instances: [{ instanceType: "c5.xlarge", left: { cpu: 3584, memory: 482 }, strandedShare: 0.875 }],
    });
    expect(findings.stranded?.message).toContain("CPU left, memory full");
    // 3 instances needed, target 80 % → ECS keeps ceil(3 × 100 / 80) = 4: one spare.
    expect(findings["target-capacity"]).toMatchObject({
      provider: "prod-asg",
      targetCapacity: 80,
      spareInstances: 1,
      monthly: round(C5_XLARGE_MONTHLY),
    });
    // 5 running − 3 needed − 1 spare = 1 more that bin packing would free: the services spread (ECS's default).
    expect(findings.spread).toMatchObject({
      services: ["cache", "web"],
      freedInstances: 1,
      monthly: round(C5_XLARGE_MONTHLY),
      suggestedStrategy: [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "binpack", field: "memory" },
      ],
    });
    expect(Object.keys(findings).sort()).toEqual(["spread", "stranded", "target-capacity"]);
  });

  it("reads the cluster with the calls it needs", () => {
    const calls = world.counter.byOperation();
    expect(calls).toMatchObject({
      "ECS.ListContainerInstances": 1,
      "ECS.DescribeContainerInstances": 1,
      "ECS.ListTasks": 1,
      "ECS.DescribeTasks": 1,
      "ECS.DescribeCapacityProviders": 1,
    });
  });
});
