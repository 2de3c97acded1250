/**
 * Review 35 (issue 11, Must show 7 "`dlq list|redrive <flow> [--dry-run]` shows and replays them"
 * and 2 "reported truthfully"): the weekly right-sizing run steps `shop/cart` down (4096/8192 →
 * 2048/8192) and fails on `shop/till` (UpdateService refused), so the event is dead-lettered. The
 * operator runs `dlq redrive rightsize --dry-run` to see what the redrive will do. The dry run
 * (`rightsizeFleet` with `dryRun`, core/rightsize/runRightsize.ts) returns before
 * `applyRightsize` ever reads the week's claims: it measures cart at its new size and shows the
 * plan "shop/cart: register cart at 2048/7168 (from 2048/8192) and update the service, …" — a
 * second step down of a production service in the same week. The real redrive then does not
 * touch cart (its claim is this event's and `stepped`: `steppedEarlier`, "Applied by an earlier
 * attempt of this run"). The dry run shows a step the redrive never takes, and never mentions
 * the step the redrive reports. (The policy flow's dry run says "Already done" for the same case,
 * a54a79d.)
 *
 * Against moto. The dry run is built as `dlq redrive --dry-run` builds it (cli/invoke.ts
 * `invokeEvent`: the handler with `dryRun`, its runtime `printOnly`), with the tests' price book
 * and Insights clients instead of the Pricing API. The refused UpdateService of till is injected
 * by a middleware (moto cannot refuse one service's update), as test/integration/rightsize/weeklyStep.test.ts does.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { type AwsClients, createAwsClients } from "../../../core/aws/index.ts";
import { RightsizeApplyError } from "../../../core/rightsize/runRightsize.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { insightsCluster, oversizedService, serviceSize, TEST_PRICES } from "../../support/rightsizeScene.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const EVENT_ID = "review35-weekly-rightsize";

/** Refuses UpdateService of `till` only, always. */
function refuseTillUpdate(clients: AwsClients): void {
  (clients.ecs.middlewareStack.add as (m: unknown, o: unknown) => void)(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input?: { service?: string } }) => {
        if (context.commandName === "UpdateServiceCommand" && args.input?.service?.endsWith("/till"))
          throw Object.assign(new Error("Service Unavailable"), {
            name: "ServerException",
            $fault: "server",
          });
        return next(args);
      },
    { step: "initialize", name: "review35-refuse-till-update" },
  );
}

const handler = (clients: AwsClients, dryRun: boolean) =>
  createRightsizeHandler(
    createRuntime("rightsize", {
      clients,
      tableName: world.tableName,
      notifier: { post: async () => {} },
      ...(dryRun ? { printOnly: true } : {}),
    }),
    { prices: TEST_PRICES, insight: world.insight, dryRun },
  );

describe("review 35: dlq redrive rightsize --dry-run after a run that stepped one service and failed another", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await insightsCluster(world);
    await oversizedService(world, "cart");
    await oversizedService(world, "till");
  }, 60_000);

  it("does not show a second step of the service the first attempt stepped", async () => {
    const event = { ...loadFixture("scheduled-event.json"), id: EVENT_ID };
    const faulty = createAwsClients({ region: REGION });
    refuseTillUpdate(faulty);
    const failure = await handler(faulty, false)(event, localContext("rightsize")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RightsizeApplyError);
    expect(await serviceSize(world, "shop", "cart")).toBe("2048/8192");
    expect(await serviceSize(world, "shop", "till")).toBe("4096/8192");

    // `dlq redrive rightsize --dry-run`: what will the redrive do?
    const dry = (await handler(world.clients, true)(event, localContext("rightsize"))) as { plan: string[] };
    // The redrive itself.
    const real = (await handler(world.clients, false)(event, localContext("rightsize"))) as {
      applied: string[];
      steppedEarlier?: string[];
    };
    // The redrive leaves cart (stepped by the first attempt) and steps till …
    expect(real.steppedEarlier).toEqual([
      "shop/cart: 4096/8192 → 2048/8192 (by an earlier attempt of this run)",
    ]);
    expect(real.applied).toEqual([expect.stringMatching(/^shop\/till: 4096\/8192 → 2048\/8192 /)]);
    expect(await serviceSize(world, "shop", "cart")).toBe("2048/8192");
    // … so its dry run must not have shown cart stepped down again.
    expect(dry.plan.filter((line) => line.startsWith("shop/cart: register"))).toEqual([]);
  }, 120_000);
});
