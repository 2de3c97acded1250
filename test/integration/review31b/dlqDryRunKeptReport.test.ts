/**
 * Review 31b (issue 11, Must show 7 "`dlq list|redrive <flow> [--dry-run]` shows and replays them"
 * and 2 "reported truthfully"): a policy event whose rollback was done but whose report the outbox
 * never took is dead-lettered with its report kept (4ef6187). `dlq redrive policy --dry-run`
 * is what an operator runs to see what the redrive will do: it runs the handler with `printOnly`,
 * and runtime/deliver.ts `deliverKeptReport` ignores the kept report under `printOnly`, so the
 * dry run plans again from ECS and shows a "no-rollback" ("the service no longer runs it …, so
 * nothing was rolled back"). The real redrive then tells the kept report — the rollback. The dry
 * run shows the opposite of what the redrive does. Against moto's ECS, SQS and DynamoDB.
 *
 * Fixed: a dry run shows the kept report (what the redrive tells) and leaves it kept.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dlqRedrive } from "../../../cli/dlq.ts";
import { localContext } from "../../../cli/localContext.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { outboxQueues } from "../../support/outbox.ts";
import {
  deployedPolicy,
  ENFORCE_AT_HIGH_TEXT,
  serviceMovedOntoPrivileged,
} from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
const saved = process.env.SLACK_WEBHOOK_URL;
const CONFIG_TEXT = ENFORCE_AT_HIGH_TEXT;

describe("review 31b: dlq redrive --dry-run of a policy event whose report is kept", () => {
  beforeAll(async () => {
    world = await createWorld();
    delete process.env.SLACK_WEBHOOK_URL;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.SLACK_WEBHOOK_URL = saved;
  });

  it("shows what the redrive then does: tell the rollback", async () => {
    const { event } = await serviceMovedOntoPrivileged(
      world,
      "r31b-dry",
      "00000000-0000-4000-8000-00000r31b003",
    );
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31b-dry");
    // Deployed, every attempt: rolled back, the outbox never took the report (kept), then the DLQ.
    const attempt = await deployedPolicy(world, outbox.missing)(event, localContext("policy")).catch(
      (e: unknown) => e,
    );
    expect(attempt).toBeInstanceOf(DeliveryError);
    const queue =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `dlq-r31b-dry-${process.pid}` })))
        .QueueUrl ?? "";
    await world.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue,
        MessageBody: JSON.stringify({
          version: "1.0",
          timestamp: "2026-11-27T23:30:00.000Z",
          requestContext: {
            requestId: "8ea123e4-1db7-4aca-ad10-d9ca1234c1fe",
            functionArn: `arn:aws:lambda:${REGION}:123456789012:function:ecs-autopilot-production-PolicyFunction-abcd1234:$LATEST`,
            condition: "RetriesExhausted",
            approximateInvokeCount: 3,
          },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
          responsePayload: { errorType: "DeliveryError", errorMessage: "1 message(s) could not be queued" },
        }),
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), "r31b-dry-"));
    writeFileSync(join(dir, "autopilot.json"), CONFIG_TEXT);
    const options = { queue, table: world.tableName, config: join(dir, "autopilot.json") };

    const dry = await dlqRedrive("policy", { ...options, dryRun: true }, world.clients);
    const real = await dlqRedrive("policy", { ...options, printMessages: true }, world.clients);

    // The redrive told the kept report (the rollback) …
    expect(real.exitCode).toBe(0);
    expect(real.output).toContain('"reportOf":"earlier attempt"');
    expect(real.output).toContain('"kind":"rollback"');
    // … so the dry run must not have shown a redrive that says nothing was rolled back.
    expect(dry.output).not.toContain('"kind":"no-rollback"');
  }, 90_000);
});
