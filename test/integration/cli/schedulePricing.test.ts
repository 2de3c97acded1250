/**
 * `schedule plan` prices what a schedule saves in any region with bundled prices (eu-west-1 here,
 * which had no price before), Fargate services by their size and EC2 services by the share of the
 * instance type their cluster runs, and names the prices with their age.
 */
import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { schedule } from "../../../cli/schedule.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { createService, ecrImage, registerContainerInstances } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const SCHEDULE = { [SERVICE_TAGS.schedule]: "Mon-Fri 07:00-19:00 Europe/Berlin" };

describe("schedule plan: savings priced in every bundled region, for Fargate and EC2 services", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(new CreateClusterCommand({ clusterName: "shop" }));
    await createService(world.clients, {
      cluster: "shop",
      name: "checkout",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/checkout", "1.0"), essential: true }],
      taskDefinition: { cpu: "256", memory: "512" },
      tags: SCHEDULE,
    });
    // An EC2 cluster of c5.xlarge instances (moto registers 4,096 CPU units and 7,482 MiB each).
    await world.clients.ecs.send(new CreateClusterCommand({ clusterName: "reports" }));
    await registerContainerInstances(world.clients, world.insight.ec2, "reports", "c5.xlarge", 2);
    await createService(world.clients, {
      cluster: "reports",
      name: "renderer",
      launchType: "EC2",
      desiredCount: 3,
      containers: [
        {
          name: "app",
          image: ecrImage(REGION, "shop/renderer", "1.0"),
          cpu: 1024,
          memory: 1024,
          essential: true,
        },
      ],
      taskDefinition: { cpu: undefined, memory: undefined },
      tags: SCHEDULE,
    });
  }, 60_000);

  it("prices each service's task-hours and lists the prices used with their age", async () => {
    const { output: text } = await schedule("plan", { days: "1", table: world.tableName }, world.clients);
    const saving = (service: string) => {
      const lines = text.split("\n");
      const at = lines.findIndex((l) => l.startsWith(`${service}  `));
      return lines.slice(at).find((l) => l.trimStart().startsWith("saves "));
    };
    const checkout = saving("shop/checkout");
    const renderer = saving("reports/renderer");
    // Fargate: 0.25 vCPU × $0.04048 + 0.5 GB × $0.004445 per task-hour (eu-west-1, theuves/fgcalc 2026-09-29).
    const fargateHourly = 0.25 * 0.04048 + 0.5 * 0.004445;
    const checkoutHours = Number(/saves ([\d.]+) task-hours/.exec(checkout ?? "")?.[1]);
    expect(checkout).toContain(
      `≈ $${(Math.round(checkoutHours * fargateHourly * 100) / 100).toFixed(2)}/week`,
    );
    expect(checkout).toMatch(/at 0\.25 vCPU \/ 0\.5 GB Fargate x86_64 eu-west-1$/);
    // EC2: 1 of 4 vCPU of a c5.xlarge ($0.192/hour, ec2instances.info 2024-04-04) is the larger share.
    const rendererHours = Number(/saves ([\d.]+) task-hours/.exec(renderer ?? "")?.[1]);
    expect(rendererHours).toBeGreaterThan(0);
    expect(renderer).toContain(
      `≈ $${(Math.round(rendererHours * 0.25 * 0.192 * 100) / 100).toFixed(2)}/week`,
    );
    expect(renderer).toMatch(
      /at 0\.25 of a c5\.xlarge \(EC2 On-Demand\) eu-west-1; saved only when the cluster scales in$/,
    );
    expect(text).toContain("\nprices:\n");
    expect(text).toMatch(
      /\n {2}EC2 On-Demand Linux eu-west-1: vantage-sh\/ec2instances\.info@a19cd85:opszero-app\/instances\.json \(as of 2024-04-04, \d+ days old; /,
    );
    expect(text).toMatch(
      /\n {2}Fargate On-Demand x86_64 eu-west-1: theuves\/fgcalc@dac946d:src\/utils\/data\.js \(as of 2026-09-29, \d+ days old; /,
    );
  });

  it("puts the prices and their age into the JSON plan too", async () => {
    const json = JSON.parse(
      (await schedule("plan", { days: "1", format: "json", table: world.tableName }, world.clients)).output,
    );
    expect(json.services).toHaveLength(2);
    expect(json.pricing.sources.map((s: { what: string; asOf: string }) => [s.what, s.asOf]).sort()).toEqual([
      ["EC2 On-Demand Linux", "2024-04-04"],
      ["Fargate On-Demand x86_64", "2026-09-29"],
    ]);
    expect(json.pricing.sources.every((s: { ageDays: number }) => s.ageDays > 0)).toBe(true);
    const renderer = json.pricing.services[`arn:aws:ecs:${REGION}:123456789012:service/reports/renderer`];
    expect(renderer.taskHourly).toBeCloseTo(0.25 * 0.192, 10);
  });
});
