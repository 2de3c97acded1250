/**
 * Review 33 (issue 11, Must show 2: "Every mutation is safe to retry … A lasting failure makes the
 * invocation fail … a retry after any fault completes the work"): enforce mode looks for the
 * rollback's target among the service's earlier revisions (`previousCompliant`,
 * core/policy/planForApiCall.ts). A candidate whose DescribeTaskDefinition fails — a throttle that
 * outlasted the SDK's retries, the very thing `unchecked` counts — is passed over, and when it was
 * the only compliant one the plan is `no-rollback` "no earlier compliant revision to roll back to;
 * 1 earlier revision(s) could not be read and were not considered". That outcome is not a failure
 * (runPolicy fails only for an unreadable *checked* revision or a deferral): the invocation
 * succeeds, the event is recorded handled, Lambda never retries it, nothing is dead-lettered. The
 * service stays on the privileged revision for good, though a retry a second later would have
 * read the revision and rolled back. One transient read fault undoes enforce mode: fails open.
 * (Pre-existing, next to the planner 3de9f05/af59f8b changed; found while probing their ids.)
 *
 * Against moto: moto cannot throttle, so the throttle is a middleware on the first attempt's ECS
 * client, above the SDK's retries (what the caller sees once they are spent), for that one
 * revision's DescribeTaskDefinition; Lambda's retry, if the invocation fails, uses clean clients.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 33: a policy rollback whose only compliant target could not be read once", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is retried until the rollback is done, not given up as 'no earlier compliant revision'", async () => {
    const { good, bad, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r33-gu",
      "00000000-0000-4000-8000-00000r33g001",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r33-gu");

    // The first attempt's ECS: DescribeTaskDefinition of the compliant revision is throttled.
    const throttled = createAwsClients({ region: REGION });
    throttled.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input?: { taskDefinition?: string } }).input;
        if (context.commandName === "DescribeTaskDefinitionCommand" && input?.taskDefinition === good)
          throw Object.assign(new Error("Rate exceeded"), {
            name: "ThrottlingException",
            $fault: "client",
            $metadata: { httpStatusCode: 400, attempts: 5 },
          });
        return next(args);
      },
      { step: "initialize", name: "r33-throttle-target" },
    );

    const first = await deployedPolicy(
      world,
      outbox.working,
      throttled,
    )(event, localContext("policy")).catch((e: unknown) => e);
    // Lambda retries an invocation that failed (twice, then the DLQ); one that succeeded is done.
    if (first instanceof Error)
      await deployedPolicy(world, outbox.working)(event, localContext("policy")).catch((e: unknown) => e);

    // What must hold once the event is done: the service is off the privileged revision.
    expect(await serviceNow()).not.toBe(bad);
    expect(await serviceNow()).toBe(good);
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");
    expect(told).toMatch(
      /rolled \*?prod-r33-gu\/billing\*? back from `billing-r33-gu:2` to `billing-r33-gu:1`/,
    );
  }, 90_000);
});
