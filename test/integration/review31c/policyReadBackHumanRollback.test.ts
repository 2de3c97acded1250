/**
 * Review 31c (issue 11, Must show 2 "Slack reports what actually holds in ECS"): the read-back of
 * 3ed657c (core/policy/applyPolicyActions.ts) runs on *any* error of the rollback's UpdateService,
 * not only on a lost reply, and takes "the service's task definition is the target" as "this
 * rollback went through". The policy's own UpdateService may have been refused outright
 * (AccessDenied: its role scoped to other clusters; a ClusterNotFound, a 400) while someone else
 * moved the service onto the same compliant revision — an on-call engineer reverting the
 * privileged push by hand, which is what they do when the policy alerts or is slow. The policy then
 * reports ":leftwards_arrow_with_hook: rolled prod/billing back from …" as its own action, and
 * the refusal (a policy role that cannot roll back: the next violation will not be rolled back)
 * is not told anywhere: the invocation succeeds. Only an error that may have reached ECS (a lost
 * reply: no HTTP status) says nothing about whether the call was taken.
 *
 * Against moto; the refusal and the engineer's simultaneous UpdateService are a middleware on the
 * policy function's ECS client (moto answers UpdateService for any caller).
 *
 * Fixed: the rollback is read back only after an answer that may hide a taken call (none, or a
 * 5xx); a 4xx refusal fails the rollback, whoever moved the service since, and forgets the
 * record the rollback wrote before it was sent (its retry is told what holds: nothing rolled back).
 */

import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 31c: a policy rollback refused by ECS while an engineer reverts the service by hand", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is not reported as the policy's rollback", async () => {
    const { cluster, good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r31c-hum",
      "00000000-0000-4000-8000-00000r31c004",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31c-hum");

    const policyClients = createAwsClients({ region: REGION });
    policyClients.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "UpdateServiceCommand") return next(args);
        // The engineer's revert lands; the policy's own call is refused (never reaches ECS).
        await world.clients.ecs.send(
          new UpdateServiceCommand({ cluster, service: "billing", taskDefinition: good }),
        );
        throw Object.assign(
          new Error("User: policy-role is not authorized to perform: ecs:UpdateService on resource"),
          { name: "AccessDeniedException", $fault: "client", $metadata: { httpStatusCode: 400 } },
        );
      },
      { step: "initialize", name: "r31c-refused-update" },
    );
    const response = await deployedPolicy(
      world,
      outbox.working,
      policyClients,
    )(event, localContext("policy")).catch((e: unknown) => e);
    expect(await serviceNow()).toBe(good);
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");

    // ECS refused the policy's rollback: it must not be told as the policy's action.
    expect(told).not.toMatch(/rolled \*?prod-r31c-hum\/billing\*? back from/);
    expect(JSON.stringify(response)).not.toMatch(/"kind":"rollback"/);

    // Nor by the event's retry: the refused rollback's record (written before the UpdateService,
    // core/policy/rollbackRecord.ts) was forgotten, so the engineer's revert is not taken for it.
    await deployedPolicy(world, outbox.working)(event, localContext("policy"));
    const retold = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");
    expect(retold).not.toMatch(/rolled \*?prod-r31c-hum\/billing\*? back from/);
    expect(retold).toMatch(
      /the service no longer runs it \(it runs billing-r31c-hum:1\), so nothing was rolled back/,
    );
  }, 90_000);
});
