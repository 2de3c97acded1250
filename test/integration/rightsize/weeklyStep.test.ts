/**
 * Right-sizing steps a service down at most once per ISO week, whatever runs: the function is not
 * retried (infra/rightsize.ts), and a second run of the same week — a manual re-run, a retry after
 * the Slack post failed — finds the step claimed and changes nothing.
 */
import { DescribeServicesCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { isoWeek } from "../../../core/rightsize/isoWeek.ts";
import { RightsizeApplyError } from "../../../core/rightsize/runRightsize.ts";
import { acquireLease, releaseLease, stateKeys } from "../../../core/state/index.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { insightsCluster, oversizedService, serviceSize, TEST_PRICES } from "../../support/rightsizeScene.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;

/** A weekly run: each its own event (a second run of the week is a re-run, not a redelivery). */
const run = (id: string) =>
  createRightsizeHandler(
    createRuntime("rightsize", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: { post: async () => {} },
    }),
    { prices: TEST_PRICES, insight: world.insight },
  )({ ...loadFixture("scheduled-event.json"), id }, localContext("rightsize"));

const size = () => serviceSize(world, "shop", "cart");

describe("right-sizing's step down, once per week", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await insightsCluster(world);
    await oversizedService(world, "cart");
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

  it("gives the week's claim back when the step fails, so the redriven run steps the service", async () => {
    await oversizedService(world, "basket");
    // UpdateService refused (moto cannot be made to refuse it): the step does not happen.
    const clients = createAwsClients({ region: REGION });
    (clients.ecs.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          if (context.commandName === "UpdateServiceCommand")
            throw Object.assign(new Error("Service Unavailable"), {
              name: "ServerException",
              $fault: "server",
            });
          return next(args);
        },
      { step: "initialize", name: "refuse-update-service" },
    );
    const failing = createRightsizeHandler(
      createRuntime("rightsize", { clients, tableName: world.tableName, notifier: { post: async () => {} } }),
      { prices: TEST_PRICES, insight: world.insight },
    );
    const event = { ...loadFixture("scheduled-event.json"), id: "weekly-run-failing" };
    await expect(failing(event, localContext("rightsize"))).rejects.toThrow(/UpdateService failed/);
    // The dead letter redriven (`ecs-autopilot dlq redrive rightsize`): the same event, AWS healthy.
    const redriven = (await run("weekly-run-failing")) as { applied: string[]; alreadyThisWeek?: string[] };
    expect(redriven.applied).toEqual([expect.stringMatching(/^shop\/basket: 4096\/8192 → 2048\/8192/)]);
    expect(redriven.alreadyThisWeek).toEqual(["shop/cart"]);
  });

  it("steps the other services when one service's step fails, then fails the run naming it", async () => {
    for (const name of ["pantry", "larder"]) await oversizedService(world, name);
    // UpdateService of pantry only is refused (moto cannot be made to refuse one service's update).
    const clients = createAwsClients({ region: REGION });
    (clients.ecs.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input?: { service?: string } }) => {
          if (context.commandName === "UpdateServiceCommand" && args.input?.service?.endsWith("/pantry"))
            throw Object.assign(new Error("Service Unavailable"), {
              name: "ServerException",
              $fault: "server",
            });
          return next(args);
        },
      { step: "initialize", name: "refuse-pantry-update" },
    );
    const posted: string[] = [];
    const failing = createRightsizeHandler(
      createRuntime("rightsize", {
        clients,
        tableName: world.tableName,
        notifier: { post: async (m) => void posted.push(JSON.stringify(m.blocks)) },
      }),
      { prices: TEST_PRICES, insight: world.insight },
    );
    const event = { ...loadFixture("scheduled-event.json"), id: "weekly-run-one-fails" };
    const failure = await failing(event, localContext("rightsize")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RightsizeApplyError);
    expect((failure as RightsizeApplyError).failures).toEqual([expect.stringMatching(/^shop\/pantry: /)]);
    // larder was stepped although pantry (listed first or not) failed; Slack hears both.
    expect(posted.join("")).toMatch(/shop\/larder: 4096\/8192 → 2048\/8192/);
    expect(posted.join("")).toMatch(/Not applied[^"]*shop\/pantry/);
    // The retry steps only what is left.
    const retried = (await run("weekly-run-one-fails")) as {
      applied: string[];
      steppedEarlier?: string[];
      alreadyThisWeek?: string[];
    };
    expect(retried.applied).toEqual([expect.stringMatching(/^shop\/pantry: 4096\/8192 → 2048\/8192/)]);
    // larder, stepped by the failed attempt, is listed as that attempt's step (told again, never hidden).
    expect(retried.steppedEarlier).toEqual([
      "shop/larder: 4096/8192 → 2048/8192 (by an earlier attempt of this run)",
    ]);
  });

  it("steps the service when the reply of its week's claim is lost (the SDK's retry finds its own claim)", async () => {
    await oversizedService(world, "cellar");
    // The claim's PutItem reaches moto and its reply is lost (the fault matrix's `DynamoDB.PutItem
    // drop-after ×1`; moto cannot lose a reply): the SDK sends it again and meets the claim.
    const clients = createAwsClients({ region: REGION });
    let lost = 0;
    (clients.dynamodb.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input?: unknown }) => {
          if (
            context.commandName !== "PutItemCommand" ||
            lost > 0 ||
            !JSON.stringify(args.input).includes("rightsize-step") ||
            !JSON.stringify(args.input).includes("service/shop/cellar")
          )
            return next(args);
          lost++;
          await next(args);
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        },
      { step: "deserialize", name: "lose-claim-reply" },
    );
    const handler = createRightsizeHandler(
      createRuntime("rightsize", { clients, tableName: world.tableName, notifier: { post: async () => {} } }),
      { prices: TEST_PRICES, insight: world.insight },
    );
    const event = { ...loadFixture("scheduled-event.json"), id: "weekly-run-lost-claim" };
    const result = (await handler(event, localContext("rightsize"))) as { applied: string[] };
    expect(lost).toBe(1);
    expect(result.applied).toContainEqual(expect.stringMatching(/^shop\/cellar: 4096\/8192 → 2048\/8192/));
  });

  it("registers one revision when the RegisterTaskDefinition reply is lost (no SDK retry; it looks the revision up)", async () => {
    await oversizedService(world, "wishlist");
    // The first RegisterTaskDefinition, whichever ECS client sends it, reaches moto and its reply
    // is lost (moto cannot lose a reply: a middleware drops it after moto answered).
    const clients = createAwsClients({ region: REGION });
    let lost = 0;
    for (const ecs of [clients.ecs, clients.ecsSingleAttempt])
      (ecs.middlewareStack.add as (m: unknown, o: unknown) => void)(
        (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
          async (args: unknown) => {
            if (context.commandName !== "RegisterTaskDefinitionCommand" || lost > 0) return next(args);
            lost++;
            await next(args);
            throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          },
        { step: "deserialize", name: "lose-register-reply" },
      );
    const handler = createRightsizeHandler(
      createRuntime("rightsize", { clients, tableName: world.tableName, notifier: { post: async () => {} } }),
      { prices: TEST_PRICES, insight: world.insight },
    );
    const event = { ...loadFixture("scheduled-event.json"), id: "weekly-run-lost-reply" };
    const result = (await handler(event, localContext("rightsize"))) as { applied: string[] };
    expect(lost).toBe(1);
    expect(result.applied).toEqual([expect.stringMatching(/^shop\/wishlist: 4096\/8192 → 2048\/8192/)]);
    const revisions = await world.clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: "wishlist" }),
    );
    expect(
      revisions.taskDefinitionArns?.filter((arn) => /task-definition\/wishlist:/.test(arn)),
    ).toHaveLength(2);
  });

  it("leaves a service another change is rolling out to for the next run, and gives its week's claim back", async () => {
    await oversizedService(world, "attic");
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "shop", services: ["attic"] }),
    );
    const serviceArn = described.services?.[0]?.serviceArn ?? "";
    const before = described.services?.[0]?.taskDefinition;
    // A push's roll-out holds the service (redeploy's lease, shared with right-sizing).
    await acquireLease(world.state, stateKeys.serviceUpdate(serviceArn), "push-event-9", {
      leaseSeconds: 600,
      attributes: { change: "the roll-out of shop/attic:1.1.0 (event push-event-9)" },
    });
    const held = (await run("weekly-run-held")) as { applied: string[]; deferred?: string[] };
    expect(held.applied).toEqual([]);
    expect(held.deferred).toEqual([
      "shop/attic: the roll-out of shop/attic:1.1.0 (event push-event-9) is changing the service right now",
    ]);
    const after = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "shop", services: ["attic"] }),
    );
    expect(after.services?.[0]?.taskDefinition).toBe(before);
    // The roll-out is done (its lease given back): the next run of the same week steps the service.
    await releaseLease(world.state, stateKeys.serviceUpdate(serviceArn), "push-event-9");
    const next = (await run("weekly-run-after-held")) as { applied: string[] };
    expect(next.applied).toEqual([expect.stringMatching(/^shop\/attic: 4096\/8192 → 2048\/8192/)]);
  });

  it("keys the claim by ISO 8601 week (Monday to Sunday; week 1 holds the year's first Thursday)", () => {
    expect(isoWeek(new Date("2021-01-03T23:59:59Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2021-01-04T00:00:00Z"))).toBe("2021-W01");
    expect(isoWeek(new Date("2024-12-30T12:00:00Z"))).toBe("2025-W01");
    expect(isoWeek(new Date("2026-11-30T07:00:00Z"))).toBe("2026-W49");
  });
});
