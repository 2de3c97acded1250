/**
 * Review 33 (issue 11, Must show 2: "its outcome is reported truthfully"): 3de9f05/a54a79d tell a
 * rollback the retry finds done (the rollback's record, the service on its target) as "done by an
 * earlier attempt of this event (ECS's replies to it were lost)". The record is written before
 * every rollback and kept whatever happens next, so the retry finds it after *any* earlier attempt
 * that rolled back and then failed before its report was queued or kept — most simply a Lambda
 * timeout while the outbox's SendMessage hung (SQS slow; the invocation is killed, so nothing is
 * kept). ECS answered that UpdateService at once; it is Slack's message that was lost. The only
 * message Slack ever gets about the rollback tells the on-call that ECS's replies were lost: an
 * outage that never happened, named as the reason.
 *
 * Against moto: the hung SendMessage is a middleware on the first attempt's SQS client that never
 * answers (moto cannot hang); the invocation has a 3-second deadline, which the function's own
 * middleware (middy's early timeout) enforces as Lambda would, giving the event's claim back. The
 * retry uses clean clients.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 33: a policy rollback whose invocation timed out while queuing its report", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is retold without blaming ECS's replies, which were not lost", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r33-to",
      "00000000-0000-4000-8000-00000r33t001",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r33-to");

    // The first attempt: ECS answers everything; the outbox's SendMessage never answers.
    const hung = createAwsClients({ region: REGION });
    let sent = 0;
    hung.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "SendMessageCommand") return next(args);
        sent++;
        return new Promise<never>(() => undefined);
      },
      { step: "initialize", name: "r33-hung-send" },
    );
    // A 3-second deadline: the function's middleware ends the invocation as Lambda's timeout would.
    const deadline = Date.now() + 3_000;
    const timedOut = await deployedPolicy(
      world,
      outbox.working,
      hung,
    )(event, { ...localContext("policy"), getRemainingTimeInMillis: () => deadline - Date.now() }).catch(
      (e: unknown) => e,
    );
    expect(timedOut).toBeInstanceOf(Error);
    expect(sent).toBe(1);
    // ECS took the rollback and answered it.
    expect(await serviceNow()).toBe(good);

    // Lambda's retry after the timeout.
    await deployedPolicy(world, outbox.working)(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");
    expect(told).toMatch(
      /rolled \*?prod-r33-to\/billing\*? back from `billing-r33-to:2` to `billing-r33-to:1`/,
    );
    // Nothing of ECS's was lost: the message must not say so.
    expect(told).not.toMatch(/replies to it were lost/);
  }, 90_000);
});
