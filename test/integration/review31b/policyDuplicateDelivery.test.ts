/**
 * Review 31b (issue 11, Must show 2 "its outcome is reported truthfully … Concurrent duplicates
 * never run side by side" and 3 "shown once"): the kept report (4ef6187) covers a retry whose
 * earlier attempt could not queue its report. The same "plan again from what AWS shows, where the
 * flow's own change is already made" remains for a second delivery of the same event after a
 * first one that succeeded: EventBridge delivers at least once, and the policy function has no
 * event claim (runtime/flowHandler.ts: "policy checks … do without: their messages are still
 * posted once (same event → same message ids)"). The second delivery re-plans, finds the service
 * no longer on the non-compliant revision (this flow's own rollback moved it), and queues a
 * message of different text — a different message id — saying "nothing was rolled back". Slack
 * is told both that the service was rolled back and that nothing was rolled back, for one
 * UpdateService. Against moto.
 *
 * Fixed: the policy function claims each event id (runtime/eventClaims.ts): a second delivery is
 * answered from the first one's record.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

describe("review 31b: a second delivery of a policy event whose rollback was told", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("does not tell 'nothing was rolled back' after the rollback was told", async () => {
    const { good, event, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r31b-dup",
      "00000000-0000-4000-8000-00000r31b001",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31b-dup");
    const handler = () => deployedPolicy(world, outbox.working);

    // First delivery: rolls back and tells it; everything works.
    await handler()(event, localContext("policy"));
    const first = await drainOutbox(world.clients.sqs, outbox.working);
    expect(first.join("\n")).toMatch(/rolled \*?prod-r31b-dup\/billing\*? back from/);
    expect(await serviceNow()).toBe(good);

    // EventBridge delivers the same event again (at least once).
    await handler()(event, localContext("policy"));
    const second = await drainOutbox(world.clients.sqs, outbox.working);

    // One UpdateService, one rollback: Slack must not be told that nothing was rolled back.
    expect(second.join("\n---\n")).not.toMatch(/nothing was rolled back/);
  });
});
