/**
 * Review 31c (issue 11, Must show 2 "its outcome is reported truthfully" and 3 "shown once"):
 * 3ed657c put the right-sizing run's outcome into its summary's text because Notify posts a
 * message once by its id, and the id is flow + event id + channel + text (runtime/deliver.ts
 * `messageId`): a retry whose outcome differs but whose text does not is taken for the earlier
 * attempt's message and never posted. The policy's event message has the same shape: its text is
 * "Policy (<mode>): <revision>: N finding(s), K action(s)", which counts actions but does not say
 * what they were.
 *
 * A user meets it whenever a push's roll-out holds the service while the policy checks someone's
 * UpdateService: the first attempt cannot roll back yet (another change holds the service's
 * lease), tells "not rolled back yet … this event is retried" and fails
 * (PolicyRollbackDeferredError), as designed. The retry, the lease given back, rolls the service
 * back and queues "rolled … back" — under the same text, so the same id. Notify skips it as
 * already posted: Slack only ever says the service was not rolled back, while it was. Against
 * moto (the policy function, its outbox queue and the Notify function's state) and a loopback Slack.
 *
 * Fixed: the policy message's text names its actions' kinds (`1 action(s): rollback`), so the
 * retry's outcome is another message than the deferral's.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { PolicyRollbackDeferredError } from "../../../core/policy/runPolicy.ts";
import { acquireLease, releaseLease, stateKeys } from "../../../core/state/index.ts";
import { notifyOnLoopback } from "../../support/notifyLoopback.ts";
import { outboxQueues, outboxRecords } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

describe("review 31c: a policy rollback deferred by a roll-out, then done by the retry", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("reaches Slack as rolled back, not only as 'not rolled back yet'", async () => {
    const { good, bad, event, serviceArn, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r31c-def",
      "00000000-0000-4000-8000-00000r31c002",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31c-def");
    const { slack, notify } = await notifyOnLoopback(world, "/services/T/B/r31cdef");
    try {
      // A push's roll-out holds the service (redeploy's lease, shared with the policy's rollback).
      const rollout = stateKeys.serviceUpdate(serviceArn);
      const held = await acquireLease(world.state, rollout, "redeploy#push-1", {
        leaseSeconds: 300,
        attributes: { change: "the redeploy of billing" },
      });
      expect(held.acquired).toBe(true);

      // First attempt: not rolled back yet, told so; the invocation fails to be retried.
      const first = await deployedPolicy(world, outbox.working)(event, localContext("policy")).catch(
        (e: unknown) => e,
      );
      expect(first).toBeInstanceOf(PolicyRollbackDeferredError);
      expect(await serviceNow()).toBe(bad);
      await notify(
        { Records: await outboxRecords(world.clients.sqs, outbox.working) },
        localContext("notify"),
      );

      // The roll-out is done; Lambda's retry rolls the service back.
      await releaseLease(world.state, rollout, "redeploy#push-1");
      await deployedPolicy(world, outbox.working)(event, localContext("policy"));
      expect(await serviceNow()).toBe(good);
      const retried = await outboxRecords(world.clients.sqs, outbox.working);
      // The retry did queue its report (the rollback): one message.
      expect(retried.map((r) => JSON.parse(r.body).message.text)).toEqual([
        expect.stringMatching(/^Policy \(enforce\): billing-r31c-def:2: /),
      ]);
      await notify({ Records: retried }, localContext("notify"));

      const shown = slack.posts.map((p) => p.body).join("\n---\n");
      expect(shown).toContain("not rolled back yet");
      // What holds in ECS — the policy rolled billing back — must reach Slack too.
      expect(shown).toMatch(/rolled \*prod-r31c-def\/billing\* back from/);
    } finally {
      await slack.close();
    }
  }, 90_000);
});
