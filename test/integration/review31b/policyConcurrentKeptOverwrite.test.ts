/**
 * Review 31b (issue 11, Must show 2 "Concurrent duplicates never run side by side … reported
 * truthfully" and 3 "delivered at least once"): the policy function has no event claim, so two
 * deliveries of one event may run side by side (EventBridge delivers at least once). With the
 * outbox failing, both keep their report under the same key (runtime/deliver.ts `keepReport`: an
 * unconditional PutItem of `event#policy#<id>`/`report`), and the last writer wins. The delivery
 * that rolled the service back keeps "rolled … back"; the other, whose look for a kept report came
 * before that write and whose plan came after the rollback, keeps "the service no longer runs it
 * …, so nothing was rolled back" over it. Lambda's retry tells the kept report: the rollback is
 * never told, and Slack hears that nothing was rolled back.
 *
 * The interleaving is made step by step: the second delivery is the handler's own work after its
 * look for a kept report (functions/policy.ts: `runtime.deliver(await runPolicy(…))`), run after
 * the first delivery kept its report — as when its look came first. Against moto.
 *
 * Fixed: the policy function claims each event id, so two deliveries never run side by side; and a
 * kept report is never written over another attempt's (a conditional PutItem).
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import type { CloudTrailApiCallEvent } from "../../../core/events/index.ts";
import { runPolicy } from "../../../core/policy/runPolicy.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { ENFORCE_AT_HIGH, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

describe("review 31b: two deliveries of one policy event side by side, the outbox failing", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("the rollback's kept report is not overwritten by the other delivery's 'nothing was rolled back'", async () => {
    const { event } = await serviceMovedOntoPrivileged(
      world,
      "r31b-race",
      "00000000-0000-4000-8000-00000r31b004",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31b-race");
    const runtimeWith = (queueUrl: string) =>
      createRuntime("policy", {
        clients: world.clients,
        tableName: world.tableName,
        config: ENFORCE_AT_HIGH,
        outboxQueueUrl: queueUrl,
      });

    // Delivery A: found no kept report, rolled back, the outbox failed → its report is kept.
    const a = await createPolicyHandler(runtimeWith(outbox.missing))(event, localContext("policy")).catch(
      (e: unknown) => e,
    );
    expect(a).toBeInstanceOf(DeliveryError);

    // Delivery B, side by side: its look for a kept report came before A's write (none found);
    // it plans after A's rollback, and the outbox fails for it too.
    const b = runAfterKeptLook(runtimeWith(outbox.missing), event as unknown as CloudTrailApiCallEvent);
    await expect(b).rejects.toBeInstanceOf(DeliveryError);

    // Lambda's retry, the outbox working again: the rollback must be what Slack hears.
    await createPolicyHandler(runtimeWith(outbox.working))(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");
    expect(told).toMatch(/rolled \*?prod-r31b-race\/billing\*? back from/);
    expect(told).not.toMatch(/nothing was rolled back/);
  });
});

/** What functions/policy.ts runs after flowHandler's look for a kept report. */
async function runAfterKeptLook(
  runtime: ReturnType<typeof createRuntime>,
  event: CloudTrailApiCallEvent,
): Promise<unknown> {
  return runtime.deliver(await runPolicy(event, await runtime.flowContext({ dryRun: false })), event.id);
}
