/**
 * Review 34 (issue 11, Must show 2 "every mutation safe to retry, outcome reported truthfully
 * (Slack says what holds in ECS)", and the README's "one service's failure never holds up the
 * others"): the weekly right-sizing run steps two services down. The first service is stepped
 * (UpdateService answered, its claim marked `stepped`); the second service's week claim (a
 * conditional PutItem, `StateTable.claim`) fails — a throttle or 5xx past the SDK's retries. In
 * core/rightsize/applyRightsize.ts that `claim` call is outside the per-service try/catch: the
 * error escapes `applyRightsize`, the whole run throws, and no report exists — no Slack message, no
 * kept report. The retry (the DLQ redrive: right-sizing has no Lambda retries) finds the first
 * service's claim its own and `stepped`, lists it under `alreadyThisWeek`, which the summary does
 * not mention, and tells only the second service. The first service's step down — a production
 * service's CPU halved — is never told in Slack by any attempt.
 *
 * Against moto; the failing PutItem of the second service's claim is injected by a middleware on the
 * client under test before the SDK's retry step (an error past its retries), as
 * test/integration/schedule/scheduleFaults.test.ts injects refusals; moto answers every call.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { insightsCluster, oversizedService, serviceSize, TEST_PRICES } from "../../support/rightsizeScene.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;

/** Fails every PutItem of a week's step claim after the first service's (the second service's claim). */
function failSecondClaim(faulty: ReturnType<typeof createAwsClients>): { failedFor: string[] } {
  const claimedServices: string[] = [];
  const failedFor: string[] = [];
  faulty.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args as { input?: { Item?: Record<string, unknown> } }).input?.Item;
      const text = (value: unknown) =>
        typeof value === "string" ? value : ((value as { S?: string } | undefined)?.S ?? "");
      const sk = text(item?.sk);
      if (context.commandName?.startsWith("Put") && sk.startsWith("rightsize#")) {
        const pk = text(item?.pk);
        if (!claimedServices.includes(pk)) claimedServices.push(pk);
        if (claimedServices.indexOf(pk) >= 1) {
          failedFor.push(pk);
          throw Object.assign(new Error("Throughput exceeds the current capacity of your table"), {
            name: "ProvisionedThroughputExceededException",
            $metadata: { httpStatusCode: 400 },
          });
        }
      }
      return next(args);
    },
    { step: "initialize", name: "review34-fail-second-claim" },
  );
  return { failedFor };
}

describe("review 34: a week's step claim that fails for one service", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await insightsCluster(world);
    // Each 4096/8192 using 300 CPU units and 700 MiB: one step down is 2048/8192.
    await oversizedService(world, "cart");
    await oversizedService(world, "till");
  }, 60_000);

  it("does not leave the other service's step down untold", async () => {
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r34-rightsize");
    const event = { ...loadFixture("scheduled-event.json"), id: "review34-weekly-rightsize" };
    const run = (clients: ReturnType<typeof createAwsClients>) =>
      createRightsizeHandler(
        createRuntime("rightsize", { clients, tableName: world.tableName, outboxQueueUrl: outbox.working }),
        { prices: TEST_PRICES, insight: world.insight },
      )(event, localContext("rightsize"));

    // First attempt: one service is stepped, the other's claim fails.
    const faulty = createAwsClients({ region: REGION });
    const { failedFor } = failSecondClaim(faulty);
    await run(faulty).catch((error: unknown) => error);
    expect(failedFor.length).toBeGreaterThan(0);
    const sizes = {
      cart: await serviceSize(world, "shop", "cart"),
      till: await serviceSize(world, "shop", "till"),
    };
    // Exactly one of the two was stepped down by the first attempt.
    expect(Object.values(sizes).sort()).toEqual(["2048/8192", "4096/8192"]);
    const steppedFirst = sizes.cart === "2048/8192" ? "cart" : "till";
    const told = await drainOutbox(world.clients.sqs, outbox.working);

    // The redrive of the event, the fault gone: the other service is stepped too.
    await run(world.clients);
    expect(await serviceSize(world, "shop", "cart")).toBe("2048/8192");
    expect(await serviceSize(world, "shop", "till")).toBe("2048/8192");
    told.push(...(await drainOutbox(world.clients.sqs, outbox.working)));

    // Slack must hear of the step the first attempt took, by one attempt or the other.
    expect(told.some((t) => t.includes(`shop/${steppedFirst}: 4096/8192 → 2048/8192`))).toBe(true);
  }, 120_000);
});
