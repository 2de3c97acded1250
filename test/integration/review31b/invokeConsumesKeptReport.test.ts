/**
 * Review 31b (issue 11, Must show 3 "alerts are delivered at least once" and 2 "its outcome is
 * reported truthfully"): the report a policy rollback kept because the outbox did not take it
 * (4ef6187) is consumed by any local run of the same event. `npx ecs-autopilot invoke policy
 * --event letter.json` (an operator looking at a dead letter, say) runs the handler with no
 * outbox and without `requireDelivery`; runtime/deliver.ts `deliverKeptReport` then posts the
 * kept messages directly, and a post Slack does not take is only listed as `undelivered` — yet
 * the kept report is deleted and the run answered "complete" (exit 0). The deployed retry (or
 * `dlq redrive`) of the event then plans again from what ECS shows and tells "the service no
 * longer runs it …, so nothing was rolled back": the rollback is never told to Slack, which was
 * down during the local run. Against moto and a loopback Slack that answers 503.
 *
 * Fixed: a local run (no outbox, no required delivery) offers the kept report and leaves it kept, and
 * takes no claim on the event before it (runtime/flowHandler.ts `tellKeptReport`).
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invokeEvent } from "../../../cli/invoke.ts";
import { localContext } from "../../../cli/localContext.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import {
  deployedPolicy,
  ENFORCE_AT_HIGH_TEXT,
  serviceMovedOntoPrivileged,
} from "../../support/policyRollbackScene.ts";
import { startRecordingServer } from "../../support/recordingServer.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;
let slack: Awaited<ReturnType<typeof startRecordingServer>>;
const saved = process.env.SLACK_WEBHOOK_URL;
const CONFIG_TEXT = ENFORCE_AT_HIGH_TEXT;

describe("review 31b: a local invoke of an event whose report is kept, while Slack is down", () => {
  beforeAll(async () => {
    world = await createWorld();
    slack = await startRecordingServer((_post, _i, res) => {
      res.statusCode = 503;
      res.end("service unavailable");
    });
    process.env.SLACK_WEBHOOK_URL = slack.url("/services/T000/B000/review31bsecret");
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.SLACK_WEBHOOK_URL;
    else process.env.SLACK_WEBHOOK_URL = saved;
    await slack.close();
  });

  it("leaves the kept report for the deployed retry, which tells the rollback", async () => {
    const { event } = await serviceMovedOntoPrivileged(
      world,
      "r31b-inv",
      "00000000-0000-4000-8000-00000r31b002",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31b-inv");
    const deployed = (queueUrl: string) => deployedPolicy(world, queueUrl);

    // Deployed: rolls back, the outbox does not take the message → kept, the invocation fails.
    const first = await deployed(outbox.missing)(event, localContext("policy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DeliveryError);
    expect(await world.state.get(stateKeys.keptReport("policy", event.id))).toBeDefined();

    // An operator runs the same event locally while Slack answers 503.
    const dir = mkdtempSync(join(tmpdir(), "r31b-"));
    writeFileSync(join(dir, "autopilot.json"), CONFIG_TEXT);
    const local = await invokeEvent(
      "policy",
      event,
      { table: world.tableName, config: join(dir, "autopilot.json"), source: "letter.json" },
      world.clients,
    );
    // Slack was offered the rollback and refused it.
    expect(slack.posts.length).toBeGreaterThan(0);
    expect(JSON.stringify(local.response)).toContain("undelivered");

    // Lambda's retry of the event, the outbox working again: the rollback must reach Slack.
    await deployed(outbox.working)(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox.working)).join("\n---\n");
    expect(told).not.toMatch(/nothing was rolled back/);
    expect(told).toMatch(/rolled \*?prod-r31b-inv\/billing\*? back from/);
  }, 90_000);
});
