/**
 * A policy rollback whose UpdateService got no answer on any attempt is read back
 * (core/policy/applyPolicyActions.ts): told as rolled back only when the service runs the target.
 * Here the calls never reached ECS: the service still runs the privileged revision, so the attempt
 * fails (never "rolled back"), and Lambda's retry rolls back and tells it as its own.
 *
 * Against moto; the lost calls are a middleware on the first attempt's ECS client (moto cannot drop
 * a connection), as in test/integration/review31c/policyReadBackFails.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("a policy rollback whose UpdateService never reached ECS", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is read back, not told as rolled back, and done by the retry", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "rb-lost",
      "00000000-0000-4000-8000-0000000rb001",
    );
    const bad = await serviceNow();
    const outbox = await outboxQueues(world.clients.sqs, "outbox-rb-lost");
    const lossy = createAwsClients({ region: REGION });
    let sent = 0;
    lossy.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "UpdateServiceCommand") return next(args);
        sent++;
        throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      },
      { step: "deserialize", name: "rb-never-reaches-ecs" },
    );
    const first = await deployedPolicy(
      world,
      outbox.working,
      lossy,
    )(event, localContext("policy")).catch((e: unknown) => e);
    expect(sent).toBeGreaterThan(0);
    expect(first).toBeInstanceOf(Error);
    expect(await serviceNow()).toBe(bad);
    expect((await drainOutbox(world.clients.sqs, outbox.working)).join("\n")).not.toMatch(
      /rolled \*?prod-rb-lost/,
    );

    // Lambda's retry: the service still runs the privileged revision, so it is rolled back now.
    await deployedPolicy(world, outbox.working)(event, localContext("policy"));
    expect(await serviceNow()).toBe(good);
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n");
    expect(told).toMatch(/rolled \*?prod-rb-lost\/billing\*? back from/);
    expect(told).not.toMatch(/earlier attempt/);
  }, 120_000);
});
