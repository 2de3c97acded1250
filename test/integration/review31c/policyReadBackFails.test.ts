/**
 * Review 31c (issue 11, Must show 2 "its outcome is reported truthfully … Slack reports what
 * actually holds in ECS"): 3ed657c reads the service back when every UpdateService reply of the
 * policy's rollback was lost (core/policy/applyPolicyActions.ts) and reports "rolled back" when
 * ECS runs the target. The read-back is one more ECS call on the same failing path: when it fails
 * too (the same outage that ate the UpdateService replies — 503s, dropped connections), its error
 * escapes applyPolicyActions, runPolicy throws before it has a report, and nothing is told or
 * kept (runtime/deliver.ts keeps only a report that was produced). The invocation fails; the
 * claim is given back; the retry plans again from what ECS shows: the service no longer runs the
 * privileged revision — this flow's own rollback moved it — so the only message Slack ever gets
 * is "… so nothing was rolled back". That is P7's outcome again, one fault further on.
 *
 * Against moto: the lost replies and the refused read-back are injected by a middleware on the
 * first attempt's ECS client (moto cannot lose a reply), as in
 * test/integration/monitor/monitorFaults.test.ts; the retry uses clean clients.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 31c: a policy rollback whose replies were lost and whose read-back failed", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is told as a rollback, not as 'nothing was rolled back'", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r31c-rb",
      "00000000-0000-4000-8000-00000r31c003",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31c-rb");

    // The first attempt's ECS: every UpdateService reaches moto and its reply is lost; once one
    // has, every DescribeServices (the read-back) answers 503.
    const lossy = createAwsClients({ region: REGION });
    let updateSeen = false;
    lossy.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UpdateServiceCommand") {
          updateSeen = true;
          await next(args);
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        }
        if (context.commandName === "DescribeServicesCommand" && updateSeen)
          throw Object.assign(new Error("Service Unavailable"), {
            name: "ServiceUnavailable",
            $metadata: { httpStatusCode: 503 },
          });
        return next(args);
      },
      { step: "deserialize", name: "r31c-lost-update-then-503" },
    );
    const first = await deployedPolicy(
      world,
      outbox.working,
      lossy,
    )(event, localContext("policy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    // ECS took the rollback.
    expect(await serviceNow()).toBe(good);

    // Lambda's retry, AWS answering again.
    await deployedPolicy(world, outbox.working)(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");

    // What holds in ECS: the policy rolled billing back. Slack must hear that, not the opposite.
    expect(told).not.toMatch(/nothing was rolled back/);
    expect(told).toMatch(
      /rolled \*?prod-r31c-rb\/billing\*? back from .* done by an earlier attempt of this event, which ended before it could tell it; \*?billing\*? runs `billing-r31c-rb:1` now/,
    );
  }, 90_000);
});
