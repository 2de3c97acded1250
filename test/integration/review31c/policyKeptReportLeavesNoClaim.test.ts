/**
 * Review 31c (issue 11, Must show 2 "its outcome is reported truthfully … Concurrent duplicates
 * never run side by side" and 3 "shown once"): 709d1b9 gave the policy function an event claim so
 * that a second delivery of an event is answered from the first one's record instead of planned
 * again over this flow's own rollback (review 31b, policyDuplicateDelivery). The kept-report step
 * (runtime/flowHandler.ts `tellKeptReport`) now runs as a middy middleware *before* the claim, and
 * when the kept report is complete it returns early: middy then skips every later `before` (the
 * claim) and every `after` (the claim's completion). The attempt that tells the kept report
 * therefore leaves no record of the event. The event's first attempt took the claim and gave it
 * back when it failed (DeliveryError), so after the retry nothing says the event was handled.
 *
 * A duplicate delivery after that retry (EventBridge delivers at least once; or the same event's
 * copy from CloudTrail's other trail, or an operator's `dlq redrive` of a copy) is planned again:
 * the service no longer runs the privileged revision (this flow's own rollback moved it), so Slack
 * is told "nothing was rolled back" beside "rolled … back", for one UpdateService — exactly the
 * double report the claim was added to prevent. Against moto; the outbox failure is a queue URL
 * that does not exist (test/support/outbox.ts).
 *
 * Fixed: a kept report told for good records the event handled (runtime/eventClaims.ts
 * `recordHandled`), so a later delivery is answered from the record.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

describe("review 31c: a policy event whose kept report was told by its retry", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is answered from a record on a later delivery, not planned again as 'nothing was rolled back'", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r31c-kc",
      "00000000-0000-4000-8000-00000r31c001",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31c-kc");
    const deployed = (queueUrl: string) => deployedPolicy(world, queueUrl);

    // First attempt: rolls back; the outbox does not take the message → kept, the invocation fails.
    const first = await deployed(outbox.missing)(event, localContext("policy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DeliveryError);
    expect(await serviceNow()).toBe(good);

    // Lambda's retry, the outbox working: the kept report is told (the rollback).
    const retry = await deployed(outbox.working)(event, localContext("policy"));
    expect(retry).toMatchObject({ reportOf: "earlier attempt" });
    const told = await drainOutbox(world.clients.sqs, outbox.working);
    expect(told.join("\n")).toMatch(/rolled \*?prod-r31c-kc\/billing\*? back from/);

    // EventBridge delivers the same event once more.
    await deployed(outbox.working)(event, localContext("policy"));
    const again = await drainOutbox(world.clients.sqs, outbox.working);
    // One UpdateService, one rollback, told once: no second, contradicting report.
    expect(again.join("\n---\n")).not.toMatch(/nothing was rolled back/);
    expect(again).toEqual([]);
  }, 90_000);
});
