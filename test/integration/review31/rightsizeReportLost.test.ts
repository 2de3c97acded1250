/**
 * Review 31 (issue 11, Must show 2 "its outcome is reported truthfully … a retry after any fault
 * completes the work" and 3): the weekly right-sizing run steps a service down (UpdateService
 * answered, the step marked on the week's claim), then its summary cannot be queued (the outbox's
 * SendMessage fails): the invocation fails with DeliveryError and the run is retried with the same
 * event. The retry finds the step taken ("already this week") and its summary had no "Applied"
 * line: the step down of a production service was never told. Found by reading in review 31; this
 * test holds the fix (runtime/deliver.ts keeps the report under the event id; the retry tells it).
 * Against moto; the outbox failure is a queue URL that does not exist.
 */
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import type { PriceBook } from "../../../core/rightsize/recommend.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

/** Prices of the test only (what is asserted is the step and who is told, not a dollar figure). */
const PRICES: PriceBook = {
  region: REGION,
  fargate: { X86_64: { vcpuHour: 0.04, gbHour: 0.005 } },
  fargateSpotDiscount: 0.7,
  ec2: new Map([["m6i.large", 0.1]]),
  source: "test prices",
};

let world: World;

const size = async () => {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "shop", services: ["cart"] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition }),
  );
  return `${definition.taskDefinition?.cpu}/${definition.taskDefinition?.memory}`;
};

describe("review 31: a week's step whose summary could not be queued", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "shop",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    // 4096/8192 using 300 CPU units and 700 MiB for two hours: one step down is 2048/8192.
    await createService(world.clients, {
      cluster: "shop",
      name: "cart",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/cart", "1.0.0"), essential: true }],
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

  it("is told by the retry of the same event, once, and the service is stepped once", async () => {
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31-rightsize");
    const event = { ...loadFixture("scheduled-event.json"), id: "review31-weekly-rightsize" };
    const run = (outboxQueueUrl: string) =>
      createRightsizeHandler(
        createRuntime("rightsize", { clients: world.clients, tableName: world.tableName, outboxQueueUrl }),
        { prices: PRICES, insight: world.insight },
      )(event, localContext("rightsize"));

    // First attempt: steps cart down, then its summary cannot be queued → the invocation fails.
    expect(await run(outbox.missing).catch((error: unknown) => error)).toBeInstanceOf(DeliveryError);
    expect(await size()).toBe("2048/8192");

    // The retry of the same event, the outbox working again: the step is told, not taken again.
    const retry = (await run(outbox.working)) as { applied?: string[]; reportOf?: string };
    expect(retry.reportOf).toBe("earlier attempt");
    expect(retry.applied).toEqual([expect.stringMatching(/^shop\/cart: 4096\/8192 → 2048\/8192/)]);
    expect(await size()).toBe("2048/8192");
    const told = await drainOutbox(world.clients.sqs, outbox.working);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(
      "Applied (`autopilot:rightsize=apply`):\n• shop/cart: 4096/8192 → 2048/8192 (cart:2)",
    );

    // A third delivery of the event tells nothing more.
    await run(outbox.working);
    expect(await drainOutbox(world.clients.sqs, outbox.working)).toEqual([]);
  }, 120_000);
});
