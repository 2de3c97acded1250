import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { MAX_EVENT_BYTES } from "../../../core/events/index.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createScheduleHandler } from "../../../functions/schedule.ts";
import { InvalidEventError } from "../../../runtime/rejectInvalidEvents.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { sampleEvent } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;
let queueUrl: string;

const quiet = () => new TerminalNotifier(() => undefined);
const runtimeFor = (flow: string, deadLetters: boolean) =>
  createRuntime(flow, {
    clients: world.clients,
    tableName: world.tableName,
    notifier: quiet(),
    ...(deadLetters ? { deadLetterQueueUrl: queueUrl } : {}),
  });

/** A push whose event id is 1 MiB: before issue 11 it deployed, then failed writing its record. */
const pushWithHugeId = () => ({ ...sampleEvent("ecr-image-action-push.json"), id: "x".repeat(1024 * 1024) });

describe("events larger than AWS sends are rejected at the edge, before any AWS call", () => {
  beforeAll(async () => {
    world = await createWorld();
    queueUrl =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: "autopilot-oversized-dlq" })))
        .QueueUrl ?? "";
  });

  it("refuses a 1 MiB event id locally with the field, calling nothing in AWS", async () => {
    world.counter.reset();
    const error = await createRedeployHandler(runtimeFor("redeploy", false))(
      pushWithHugeId(),
      localContext("redeploy"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toContain("id: Too big: expected string to have <=1024 characters");
    expect(world.counter.total()).toBe(0);
  });

  it("logs its id cut to 128 characters, not 1 MiB in every line", async () => {
    const lines: string[] = [];
    // The suite silences Powertools (test/setup/aws-environment.ts); this runtime logs as deployed.
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = "INFO";
    const handler = createRedeployHandler(runtimeFor("redeploy", false));
    process.env.POWERTOOLS_LOG_LEVEL = level;
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture),
      vi.spyOn(process.stderr, "write").mockImplementation(capture),
    ];
    try {
      await handler(pushWithHugeId(), localContext("redeploy")).catch(() => undefined);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const logged = lines
      .flatMap((chunk) => chunk.split("\n"))
      .filter((line) => line.includes('"correlation_id"'));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged)
      expect((JSON.parse(line) as { correlation_id: string }).correlation_id).toBe(
        `${"x".repeat(128)}… (1048576 characters)`,
      );
  });

  it("dead-letters it deployed: the only call is the DLQ's SendMessage, with a body the queue takes", async () => {
    world.counter.reset();
    const response = await createRedeployHandler(runtimeFor("redeploy", true))(
      pushWithHugeId(),
      localContext("redeploy"),
    );
    expect(response).toMatchObject({ status: "rejected", deadLettered: true });
    expect(world.counter.byOperation()).toEqual({ "SQS.SendMessage": 1 });
    const received = await world.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const body = received.Messages?.[0]?.Body ?? "";
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(256 * 1024);
    const parsed = JSON.parse(body) as { reason: string; eventBytes: number; eventStart: string };
    expect(parsed.reason).toContain("id: Too big");
    expect(parsed.eventBytes).toBeGreaterThan(1024 * 1024);
    expect(parsed.eventStart.startsWith('{"version":"0","id":"xxxx')).toBe(true);
  });

  it("refuses an event larger than EventBridge delivers (256 KB), whatever field is large", async () => {
    const event = sampleEvent("ecs-task-state-change-deprovisioning-stopcode-captured.json");
    (event.detail as Record<string, unknown>).stoppedReason = "y".repeat(MAX_EVENT_BYTES);
    world.counter.reset();
    const error = await createMonitorHandler(runtimeFor("monitor", false))(
      event,
      localContext("monitor"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toMatch(
      /\(event\): \d+ bytes, larger than the 262144 bytes \(256 KB\) EventBridge delivers/,
    );
    expect(world.counter.total()).toBe(0);
  });

  it("refuses an event nested deeper than EventBridge delivers without overflowing the stack", async () => {
    const event = cloudTrailEnvelope(loadFixture("cloudtrail-record-ecs-createcluster.json"));
    let nested: Record<string, unknown> = {};
    const root = nested;
    for (let i = 0; i < 100_000; i++) {
      const next = {};
      nested.a = next;
      nested = next;
    }
    (event.detail as Record<string, unknown>).requestParameters = root;
    world.counter.reset();
    const error = await createScheduleHandler(runtimeFor("schedule", false))(
      event,
      localContext("schedule"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toContain("nested deeper than the 1100 levels EventBridge delivers");
    expect(world.counter.total()).toBe(0);
  });
});
