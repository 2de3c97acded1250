/**
 * Right-sizing steps a service down at most once per ISO week, whatever runs: the function is not
 * retried (infra/rightsize.ts), and a second run of the same week — a manual re-run, a retry after
 * the Slack post failed — finds the step claimed and changes nothing.
 */
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { isoWeek } from "../../../core/rightsize/applyRightsize.ts";
import type { PriceBook } from "../../../core/rightsize/recommend.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

const PRICES: PriceBook = {
  region: REGION,
  fargate: { X86_64: { vcpuHour: 0.04, gbHour: 0.005 } },
  fargateSpotDiscount: 0.7,
  ec2: new Map([["m6i.large", 0.1]]),
  source: "test prices",
};

let world: World;

/** A weekly run: each its own event (a second run of the week is a re-run, not a redelivery). */
const run = (id: string) =>
  createRightsizeHandler(
    createRuntime("rightsize", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: { post: async () => {} },
    }),
    { prices: PRICES, insight: world.insight },
  )({ ...loadFixture("scheduled-event.json"), id }, localContext("rightsize"));

const size = async () => {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "shop", services: ["cart"] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition }),
  );
  return `${definition.taskDefinition?.cpu}/${definition.taskDefinition?.memory}`;
};

describe("right-sizing's step down, once per week", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "shop",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    await createService(world.clients, {
      cluster: "shop",
      name: "cart",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/cart", "1.0.0"), essential: true }],
      // The copied revision names this role, so the step down passes it (iam:PassRole).
      taskDefinition: {
        cpu: "4096",
        memory: "8192",
        executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
      },
      tags: { "autopilot:rightsize": "apply" },
    });
    const now = Date.now();
    await putContainerInsights(
      world.insight.cloudwatch,
      "shop",
      "cart",
      Array.from({ length: 24 }, (_, i) => ({
        at: new Date(now - (i + 1) * 300_000),
        tasks: 2,
        cpu: 300,
        memory: 700,
      })),
    );
  }, 60_000);

  it("steps down on the week's first run and not on a second one", async () => {
    const first = (await run("weekly-run-1")) as { applied: string[] };
    expect(first.applied).toEqual([expect.stringMatching(/^shop\/cart: 4096\/8192 → 2048\/8192/)]);
    const after = await size();
    const second = (await run("weekly-run-2")) as { applied: string[]; alreadyThisWeek?: string[] };
    expect(second.applied).toEqual([]);
    expect(second.alreadyThisWeek).toEqual(["shop/cart"]);
    expect(await size()).toBe(after);
  });

  it("keys the claim by ISO 8601 week (Monday to Sunday; week 1 holds the year's first Thursday)", () => {
    expect(isoWeek(new Date("2021-01-03T23:59:59Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2021-01-04T00:00:00Z"))).toBe("2021-W01");
    expect(isoWeek(new Date("2024-12-30T12:00:00Z"))).toBe("2025-W01");
    expect(isoWeek(new Date("2026-11-30T07:00:00Z"))).toBe("2026-W49");
  });
});
