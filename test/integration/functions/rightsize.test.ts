import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import type { SlackMessage } from "../../../core/notify/SlackMessage.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createService, ecrImage } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { insightsCluster, serviceSize, TEST_PRICES, writeUsage } from "../../support/rightsizeScene.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const posts: SlackMessage[] = [];

const handlerFor = (dryRun: boolean) =>
  createRightsizeHandler(
    createRuntime("rightsize", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: { post: async (message) => void posts.push(message) },
    }),
    { dryRun, prices: TEST_PRICES, insight: world.insight },
  );

const sizeOf = (service: string) => serviceSize(world, "shop", service);

describe("functions/rightsize", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await insightsCluster(world);
    for (const [name, tags] of [
      ["cart", { "autopilot:rightsize": "apply" }],
      ["search", {}],
    ] as const) {
      await createService(world.clients, {
        cluster: "shop",
        name,
        launchType: "FARGATE",
        desiredCount: 2,
        containers: [{ name: "app", image: ecrImage(REGION, `shop/${name}`, "1.0.0"), essential: true }],
        taskDefinition: { cpu: "2048", memory: "4096" },
        tags,
      });
      await writeUsage(world, name);
    }
  }, 60_000);

  it("on a dry run, prints the plan, posts the summary and changes nothing", async () => {
    const response = await handlerFor(true)(loadFixture("scheduled-event.json"), localContext("rightsize"));
    // 2 × (2 vCPU × $0.04 + 4 GB × $0.005) × 730 h now; 0.5 vCPU / 1 GB recommended for each.
    const now = 2 * (2 * 0.04 + 4 * 0.005) * 730;
    const recommended = 2 * (0.5 * 0.04 + 1 * 0.005) * 730;
    expect(response).toMatchObject({
      action: "rightsized",
      dryRun: true,
      prices: "test prices",
      services: 2,
      applied: [],
      plan: [
        "shop/cart: register cart at 1024/4096 (from 2048/4096) and update the service, circuit breaker with rollback",
      ],
    });
    const totals = (response as { totals: { currentMonthly: number; saving: number } }).totals;
    expect(totals.currentMonthly).toBeCloseTo(2 * now, 2);
    expect(totals.saving).toBeCloseTo(2 * (now - recommended), 2);
    expect(posts.at(-1)?.text).toBe(
      `Right-sizing: $${(2 * (now - recommended)).toFixed(2)}/month to save across 2 services`,
    );
    expect(await sizeOf("cart")).toBe("2048/4096");
  });

  it("applies one step down only to the service tagged apply", async () => {
    const response = await handlerFor(false)(loadFixture("scheduled-event.json"), localContext("rightsize"));
    expect((response as { applied: string[] }).applied).toEqual([
      expect.stringMatching(/^shop\/cart: 2048\/4096 → 1024\/4096 \(cart:\d+\)$/),
    ]);
    expect(await sizeOf("cart")).toBe("1024/4096");
    expect(await sizeOf("search")).toBe("2048/4096");
    expect(JSON.stringify(posts.at(-1)?.blocks)).toContain("Applied (`autopilot:rightsize=apply`)");
  });

  it("refuses an event that is not a Scheduled Event, naming what is wrong", async () => {
    await expect(
      handlerFor(true)(loadFixture("ecr-image-action-push.json"), localContext("rightsize")),
    ).rejects.toThrow(/invalid event: .*detail-type/);
  });
});
