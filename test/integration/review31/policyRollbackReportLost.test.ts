/**
 * Review 31 (issue 11, Must show 2 "its outcome is reported truthfully … a retry after any fault
 * completes the work" and 3 "alerts are delivered at least once"): in enforce mode the policy
 * flow rolls a service back (UpdateService applied), then its Slack message cannot be queued (the
 * outbox's SendMessage fails) — the invocation fails with DeliveryError and Lambda retries the
 * same event. The retry plans again from what ECS says now: the service no longer runs the
 * non-compliant revision (this flow's own rollback moved it), so it reports
 * "the service no longer runs it …, so nothing was rolled back". The rollback message is never
 * told; the only message Slack ever gets says nothing was rolled back, while the policy did roll
 * the service back. (The redeploy flow tells its earlier attempt's deploy in this situation:
 * test/integration/redeploy/releaseReportLost.test.ts.) Against moto; the outbox failure is a
 * queue URL that does not exist, as in test/integration/redeploy/unreadRetryReport.test.ts.
 *
 * Fixed: runtime/deliver.ts keeps a report-keeping flow's report that the outbox did not take
 * under the event id, and the retry tells it instead of planning again (runtime/flowHandler.ts).
 */

import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { drainOutbox } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

describe("review 31: a policy rollback whose message could not be queued", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is told as a rollback by the retry, not as 'nothing was rolled back'", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r31",
      "00000000-0000-4000-8000-0000000r3101",
    );
    const outbox =
      (
        await world.clients.sqs.send(
          new CreateQueueCommand({ QueueName: `outbox-r31-policy-${process.pid}` }),
        )
      ).QueueUrl ?? "";
    const handlerWith = (outboxQueueUrl: string) => deployedPolicy(world, outboxQueueUrl);

    // First attempt: rolls back, then its message cannot be queued → the invocation fails.
    const first = await handlerWith(outbox.replace(/outbox-r31-policy-\d+$/, "missing-outbox-r31"))(
      event,
      localContext("policy"),
    ).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(DeliveryError);
    expect(await serviceNow()).toBe(good);

    // Lambda's retry of the same event, the outbox working again.
    await handlerWith(outbox)(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox)).join("\n---\n");

    // What holds in ECS: the policy rolled billing back from the privileged revision to `good`.
    // Slack must hear that — not that nothing was rolled back.
    expect(told).not.toMatch(/nothing was rolled back/);
    expect(told).toMatch(/rolled \*?prod-r31\/billing\*? back from/);
  });
});
