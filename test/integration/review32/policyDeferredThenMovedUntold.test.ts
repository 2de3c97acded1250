/**
 * Review 32 (issue 11, Must show 2: "its outcome is reported truthfully … Slack reports what
 * actually holds in ECS"): Notify posts a message once by its id, and the id is flow + event id +
 * channel + the message's *text* (runtime/deliver.ts `messageId`), which for the policy is only
 * the headline "Policy (<mode>): <revision>: N finding(s), K action(s): <kinds>" (86ef6c3 named
 * the kinds so that a deferral and the retry's rollback differ). Two different outcomes of the
 * same kind still share it: the first attempt's deferral ("not rolled back yet: the redeploy of
 * billing is changing the service right now; this event is retried, then dead-lettered, to check
 * again") and the retry's verdict once that roll-out moved the service on ("the service no longer
 * runs it (it runs billing:3), so nothing was rolled back") are both `1 action(s): no-rollback`.
 * Notify takes the retry's message for the deferral already posted and drops it: the last word
 * Slack has on the event is "not rolled back yet … retried", a check it promised and whose result
 * is never told, while the invocation succeeded (nothing is dead-lettered either).
 *
 * Against moto (the policy function, its outbox queue and the Notify function's state) and a
 * loopback Slack, as test/integration/review31c/policyDeferredThenRolledBack.test.ts: a push's
 * roll-out holds the service's lease, then moves it onto billing:3 (a copy of the privileged
 * revision with the pushed image, as redeploy's copies are) and gives the lease back.
 */

import { RegisterTaskDefinitionCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { PolicyRollbackDeferredError } from "../../../core/policy/runPolicy.ts";
import { acquireLease, releaseLease, stateKeys } from "../../../core/state/index.ts";
import { ecrImage } from "../../../sandbox/seed.ts";
import { notifyOnLoopback } from "../../support/notifyLoopback.ts";
import { outboxQueues, outboxRecords } from "../../support/outbox.ts";
import { deployedPolicy, serviceMovedOntoPrivileged } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 32: a policy rollback deferred by a roll-out that then moved the service on", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("tells Slack the retry's verdict, not only 'not rolled back yet … retried'", async () => {
    const { cluster, event, serviceArn, serviceNow } = await serviceMovedOntoPrivileged(
      world,
      "r32-mv",
      "00000000-0000-4000-8000-000000r32003",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r32-mv");
    const { slack, notify } = await notifyOnLoopback(world, "/services/T/B/r32mv");
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
      await notify(
        { Records: await outboxRecords(world.clients.sqs, outbox.working) },
        localContext("notify"),
      );

      // The roll-out moves the service onto its copy of the running (privileged) revision with the
      // pushed image, and gives the lease back.
      const copy =
        (
          await world.clients.ecs.send(
            new RegisterTaskDefinitionCommand({
              family: "billing-r32-mv",
              requiresCompatibilities: ["FARGATE"],
              networkMode: "awsvpc",
              cpu: "256",
              memory: "512",
              executionRoleArn: "arn:aws:iam::123456789012:role/billing-exec",
              containerDefinitions: [
                {
                  name: "app",
                  image: ecrImage(REGION, "shop/billing", "1.0.1"),
                  user: "1000",
                  readonlyRootFilesystem: true,
                  privileged: true,
                  logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/billing" } },
                  linuxParameters: { capabilities: { drop: ["ALL"] } },
                },
              ],
            }),
          )
        ).taskDefinition?.taskDefinitionArn ?? "";
      await world.clients.ecs.send(
        new UpdateServiceCommand({ cluster, service: "billing", taskDefinition: copy }),
      );
      await releaseLease(world.state, rollout, "redeploy#push-1");

      // Lambda's retry: the service moved off the checked revision; the event is done.
      await deployedPolicy(world, outbox.working)(event, localContext("policy"));
      expect(await serviceNow()).toBe(copy);
      const retried = await outboxRecords(world.clients.sqs, outbox.working);
      // The retry did queue its verdict: one message, under the deferral's headline (so its id).
      expect(retried.map((r) => JSON.parse(r.body).message.text)).toEqual([
        "Policy (enforce): billing-r32-mv:2: 1 finding(s), 1 action(s): no-rollback",
      ]);
      await notify({ Records: retried }, localContext("notify"));

      const shown = slack.posts.map((p) => p.body).join("\n---\n");
      expect(shown).toContain("not rolled back yet");
      // The check the deferral promised, and its result: what holds in ECS now.
      expect(shown).toMatch(/the service no longer runs it \(it runs billing-r32-mv:3\)/);
    } finally {
      await slack.close();
    }
  }, 90_000);
});
