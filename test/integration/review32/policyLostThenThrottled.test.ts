/**
 * Review 32 (issue 11, Must show 2: "its outcome is reported truthfully … Slack reports what
 * actually holds in ECS"; "a retry after any fault completes the work"): 3de9f05 forgets the
 * rollback's record (core/policy/rollbackRecord.ts) whenever the UpdateService's *final* error is
 * a 4xx, taking "a 4xx" for "ECS did not take the call". But the ECS client retries by itself
 * (core/aws/clients.ts: 5 attempts, adaptive): the first attempt can reach ECS and lose its reply
 * (a reset connection), and the SDK's next attempts be throttled (400 ThrottlingException) — the
 * very outage that ate the reply. The error that comes back is the last attempt's 400, so the
 * rollback is taken for "refused": no read-back, its record is deleted, the invocation fails with
 * nothing told. ECS did take the first attempt: the service runs the compliant revision the
 * policy's rollback set. The retry plans again, finds the service moved off the call's revision
 * and no record, and tells Slack "… so nothing was rolled back" — review 31c's fourth defect
 * again, one throttle further on. (`$metadata.attempts` > 1 says an earlier attempt may have
 * reached ECS.)
 *
 * Fixed: a 4xx is taken for a refusal only on the call's one attempt (`refusedOnItsOnlyAttempt`,
 * core/policy/applyPolicyActions.ts); after retries the service is read back, and the record kept.
 *
 * Against moto: the lost reply and the throttles are a middleware on the first attempt's ECS
 * client below the SDK's retries (moto can neither lose a reply nor throttle), as in
 * test/integration/review31c/policyReadBackFails.test.ts; the retry uses clean clients.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 32: a policy rollback whose first UpdateService reply was lost and whose SDK retries were throttled", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  /**
   * The first attempt's ECS: the first UpdateService reaches moto and its reply is lost; every
   * attempt the SDK makes after it is throttled before it reaches ECS. With `readBackFails`, once an
   * UpdateService was seen, every DescribeServices answers 503 too.
   */
  function lostThenThrottled(readBackFails: boolean) {
    const lossy = createAwsClients({ region: REGION });
    const seen = { updates: 0 };
    lossy.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "DescribeServicesCommand" && readBackFails && seen.updates > 0)
          throw Object.assign(new Error("Service Unavailable"), {
            name: "ServiceUnavailable",
            $metadata: { httpStatusCode: 503 },
          });
        if (context.commandName !== "UpdateServiceCommand") return next(args);
        if (++seen.updates === 1) {
          await next(args);
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        }
        throw Object.assign(new Error("Rate exceeded"), {
          name: "ThrottlingException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: "deserialize", name: "r32-lost-then-throttled" },
    );
    return { lossy, seen };
  }

  it("is read back and told as a rollback by the attempt itself", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r32-thr",
      "00000000-0000-4000-8000-000000r32001",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r32-thr");
    const { lossy, seen } = lostThenThrottled(false);
    const first = (await deployedPolicy(world, outbox.working, lossy)(event, localContext("policy"))) as {
      actions: Array<{ kind: string }>;
    };
    // The SDK retried after the lost reply (its last answer a 400), and ECS took the rollback.
    expect(seen.updates).toBeGreaterThan(1);
    expect(await serviceNow()).toBe(good);
    expect(first.actions.map((a) => a.kind)).toEqual(["rollback"]);
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");
    expect(told).toMatch(/rolled \*?prod-r32-thr\/billing\*? back from/);
    expect(told).not.toMatch(/nothing was rolled back|earlier attempt/);
  }, 90_000);

  it("is told as a rollback by the event's retry when the read-back fails too, not as 'nothing was rolled back'", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r32-thr2",
      "00000000-0000-4000-8000-000000r32003",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r32-thr2");
    const { lossy, seen } = lostThenThrottled(true);
    const first = await deployedPolicy(
      world,
      outbox.working,
      lossy,
    )(event, localContext("policy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(seen.updates).toBeGreaterThan(1);
    expect(await serviceNow()).toBe(good);

    // Lambda's retry, AWS answering again.
    await deployedPolicy(world, outbox.working)(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");

    // What holds in ECS: the policy's rollback moved billing back. Slack must hear that.
    expect(told).not.toMatch(/nothing was rolled back/);
    expect(told).toMatch(
      /rolled \*?prod-r32-thr2\/billing\*? back from .* by an earlier attempt of this event/,
    );
  }, 90_000);
});
