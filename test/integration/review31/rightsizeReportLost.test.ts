import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { insightsCluster, oversizedService, serviceSize, TEST_PRICES } from "../../support/rightsizeScene.ts";
import { createWorld, resetMoto, type World } from "../../support/world.ts";

let world: World;

const size = () => serviceSize(world, "shop", "cart");

describe("review 31: a week's step whose summary could not be queued", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await insightsCluster(world);
    // 4096/8192 using 300 CPU units and 700 MiB for two hours: one step down is 2048/8192.
    await oversizedService(world, "cart");
  }, 60_000);

  it("is told by the retry of the same event, once, and the service is stepped once", async () => {
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31-rightsize");
    const event = { ...loadFixture("scheduled-event.json"), id: "review31-weekly-rightsize" };
    const run = (outboxQueueUrl: string) =>
      createRightsizeHandler(
        createRuntime("rightsize", { clients: world.clients, tableName: world.tableName, outboxQueueUrl }),
        { prices: TEST_PRICES, insight: world.insight },
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
