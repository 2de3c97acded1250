/**
 * `dlq list|redrive` read the whole dead-letter queue, not its first receive (issue 11, Must show
 * 7): exactly 10, 11 and 25 letters are all listed, a listing (and a dry run) leaves every one of
 * them in the queue and visible, a letter beyond the first 10 is taken for redrive, and a letter
 * deleted by someone else between the listing and its take is a failed redrive (said, exit 1),
 * never skipped. Against moto's SQS; the schedule replays run on moto's (empty) account.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { dlqList, dlqRedrive } from "../../../cli/dlq.ts";
import { readDeadLetters, returnDeadLetter, takeDeadLetter } from "../../../runtime/deadLetters.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { sampleEvent } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

/** Lambda's on-failure record of one of our functions around `event`. */
const failureRecord = (component: string, event: object) =>
  JSON.stringify({
    version: "1.0",
    timestamp: "2026-11-26T10:00:00.000Z",
    requestContext: {
      requestId: "8ea123e4-1db7-4aca-ad10-d9ca1234c1fd",
      functionArn: `arn:aws:lambda:${REGION}:123456789012:function:ecs-autopilot-production-${component}Function-abcd1234:$LATEST`,
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: { errorType: "Error", errorMessage: "failed" },
  });

const stop = (id: string) =>
  failureRecord(
    "Monitor",
    stoppedTaskEvent({ id, taskId: `t-${id}`, service: "orders", exitCode: 1, containerReason: "Error" }),
  );
const reconcile = (id: string) =>
  failureRecord("Schedule", {
    ...sampleEvent("scheduled-event.json"),
    id,
    region: REGION,
    resources: [`arn:aws:scheduler:${REGION}:123456789012:schedule/default/ecs-autopilot-schedule-reconcile`],
  });

/** A new queue holding these bodies, sent in this order. */
async function queueOf(name: string, bodies: string[]): Promise<string> {
  const url =
    (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}-${process.pid}` })))
      .QueueUrl ?? "";
  for (const body of bodies)
    await world.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  return url;
}

const depth = async (url: string) => {
  const attributes = (
    await world.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    )
  ).Attributes;
  return {
    visible: attributes?.ApproximateNumberOfMessages,
    hidden: attributes?.ApproximateNumberOfMessagesNotVisible,
  };
};

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

const listedLabels = async (queue: string, flow?: string) =>
  (
    JSON.parse(await dlqList(flow, { queue, format: "json" }, world.clients)) as Array<{
      event: { id: string };
    }>
  )
    .map((l) => l.event.id)
    .sort();

/** The queue's client, but someone else deletes `messageId` as soon as the listing hands it back. */
function deletedAfterListing(sqs: SQSClient, queue: string, messageId: () => string): SQSClient {
  let handle: string | undefined;
  let deleted = false;
  return new Proxy(sqs, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return async (command: Parameters<SQSClient["send"]>[0]) => {
        const output = (await target.send(command as ReceiveMessageCommand)) as {
          Messages?: Array<{ MessageId?: string; ReceiptHandle?: string }>;
        };
        if (command instanceof ReceiveMessageCommand)
          handle = output.Messages?.find((m) => m.MessageId === messageId())?.ReceiptHandle ?? handle;
        if (!deleted && handle && command instanceof ChangeMessageVisibilityBatchCommand) {
          deleted = true;
          await target.send(new DeleteMessageCommand({ QueueUrl: queue, ReceiptHandle: handle }));
        }
        return output;
      };
    },
  });
}

describe("dlq reads the whole dead-letter queue", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("exactly 10 letters: all 10 listed, all 10 still in the queue and visible", async () => {
    const queue = await queueOf("dlq-ten", ids("stop", 10).map(stop));
    expect((await dlqList(undefined, { queue }, world.clients)).split("\n").at(-1)).toBe("10 dead letter(s)");
    expect(await listedLabels(queue)).toEqual(ids("stop", 10).sort());
    expect(await depth(queue)).toEqual({ visible: "10", hidden: "0" });
  }, 60_000);

  it("25 letters of two flows: every one listed, per flow too, twice alike, and all left visible", async () => {
    const stops = ids("stop25", 20);
    const reconciles = ids("reconcile25", 5);
    const queue = await queueOf("dlq-twentyfive", [...stops.map(stop), ...reconciles.map(reconcile)]);
    const lines = (await dlqList(undefined, { queue }, world.clients)).split("\n");
    expect(lines.at(-1)).toBe("25 dead letter(s)");
    expect(lines.filter((l) => l.startsWith("monitor "))).toHaveLength(20);
    expect(lines.filter((l) => l.startsWith("schedule "))).toHaveLength(5);
    expect(await listedLabels(queue)).toEqual([...stops, ...reconciles].sort());
    expect(await listedLabels(queue, "schedule")).toEqual([...reconciles].sort());
    expect(await depth(queue)).toEqual({ visible: "25", hidden: "0" });
  }, 60_000);

  it("takes a letter beyond the first 10 and holds only that one; given back, all 25 are visible", async () => {
    const queue = await queueOf("dlq-take", ids("take", 25).map(stop));
    const letters = await readDeadLetters(world.clients.sqs, queue);
    const last = letters.find((l) => l.event?.id === "take-24");
    expect(last?.event?.id).toBe("take-24");
    const taken = await takeDeadLetter(world.clients.sqs, queue, last?.messageId ?? "");
    expect(taken?.messageId).toBe(last?.messageId);
    expect(await depth(queue)).toEqual({ visible: "24", hidden: "1" });
    if (taken) await returnDeadLetter(world.clients.sqs, queue, taken);
    expect(await depth(queue)).toEqual({ visible: "25", hidden: "0" });
    // A letter the queue does not hold: none taken, every letter handed back.
    expect(await takeDeadLetter(world.clients.sqs, queue, "no-such-message")).toBeUndefined();
    expect(await depth(queue)).toEqual({ visible: "25", hidden: "0" });
  }, 60_000);

  it("11 letters, the schedule one last: a dry run plans it and leaves all 11; the redrive replays and removes only it", async () => {
    const queue = await queueOf("dlq-eleven", [...ids("stop11", 10).map(stop), reconcile("reconcile11")]);
    const dry = await dlqRedrive("schedule", { queue, table: world.tableName, dryRun: true }, world.clients);
    expect(dry.output).toMatch(/^would redrive reconcile11: /);
    expect(dry.output.split("\n")).toHaveLength(1);
    expect(await depth(queue)).toEqual({ visible: "11", hidden: "0" });

    const done = await dlqRedrive("schedule", { queue, table: world.tableName }, world.clients);
    expect(done.output).toMatch(/^redriven reconcile11: /);
    expect(done.output.split("\n")).toHaveLength(1);
    expect(done.exitCode).toBe(0);
    expect(await depth(queue)).toEqual({ visible: "10", hidden: "0" });
    expect(await listedLabels(queue)).toEqual(ids("stop11", 10).sort());
  }, 60_000);

  it("a letter deleted by someone else between the listing and its take is a failed redrive, said, exit 1", async () => {
    const queue = await queueOf("dlq-gone", [
      ...ids("stopgone", 12).map(stop),
      reconcile("reconcile-kept"),
      reconcile("reconcile-gone"),
    ]);
    const gone = (await readDeadLetters(world.clients.sqs, queue)).find(
      (l) => l.event?.id === "reconcile-gone",
    );
    const { output, exitCode } = await dlqRedrive(
      "schedule",
      { queue, table: world.tableName },
      { ...world.clients, sqs: deletedAfterListing(world.clients.sqs, queue, () => gone?.messageId ?? "") },
    );
    expect(exitCode).toBe(1);
    const lines = output.split("\n").sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "failed reconcile-gone: no longer in the queue (deleted since it was listed, or being read by someone else); not redriven",
    );
    expect(lines[1]).toMatch(/^redriven reconcile-kept: /);
    expect(await depth(queue)).toEqual({ visible: "12", hidden: "0" });
  }, 60_000);
});
