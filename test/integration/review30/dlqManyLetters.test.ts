/**
 * Review 30 (issue 11, Must show 7 "Dead letters you can act on"): `dlq list` and `dlq redrive`
 * read a dead-letter queue by receiving with VisibilityTimeout 0 (runtime/deadLetters.ts,
 * readDeadLetters) and, to take one letter, by receiving 10 at a time and handing the others back
 * at once (takeDeadLetter). A queue receive then returns the same first messages again, so past
 * the first 10 letters of the shared events DLQ nothing is seen: the letters of one flow that sit
 * behind 10 letters of other flows are not listed and not redriven — and `dlq redrive` says
 * "no dead letters" with exit 0 (a letter takeDeadLetter does not find is skipped without a line,
 * cli/dlq.ts `if (!letter) continue;`). Against moto's SQS.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { dlqList, dlqRedrive } from "../../../cli/dlq.ts";
import { sampleEvent } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let queue: string;
const SCHEDULE_EVENT_ID = "7d0c2f7e-0000-4000-8000-00000000d1a7";

/** Lambda's on-failure record of a function (the shape dlqCli.test.ts uses). */
const failureRecord = (component: string, event: object, errorType: string) =>
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
    responsePayload: { errorType, errorMessage: "failed" },
  });

describe("review 30: dlq with more than 10 letters in the shared events queue", () => {
  beforeAll(async () => {
    world = await createWorld();
    queue =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `dlq-review30-${process.pid}` })))
        .QueueUrl ?? "";
    // Ten monitor letters (a burst of failed task-stop events during a DynamoDB outage, say)...
    const stop = sampleEvent("ecs-task-state-change-ec2-container-stopped-2016.json");
    for (let i = 0; i < 10; i++)
      await world.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: queue,
          MessageBody: failureRecord("Monitor", { ...stop, id: `stop-${i}` }, "TransactionCanceledException"),
        }),
      );
    // ...then one failed schedule reconcile.
    const scheduled = {
      ...sampleEvent("scheduled-event.json"),
      id: SCHEDULE_EVENT_ID,
      region: REGION,
      resources: [
        `arn:aws:scheduler:${REGION}:123456789012:schedule/default/ecs-autopilot-schedule-reconcile`,
      ],
    };
    await world.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue,
        MessageBody: failureRecord("Schedule", scheduled, "ScheduleApplyError"),
      }),
    );
    // The queue holds all eleven.
    const attributes = await world.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe("11");
  }, 60_000);

  it("dlq list shows all eleven letters, and the schedule letter under its flow", async () => {
    // Observed: "10 dead letter(s)".
    expect((await dlqList(undefined, { queue }, world.clients)).split("\n").at(-1)).toBe("11 dead letter(s)");
    const listed = await dlqList("schedule", { queue, format: "json" }, world.clients);
    // Observed: [] — only the first 10 (monitor) letters are ever received.
    expect(
      (JSON.parse(listed) as Array<{ label: string }>).map((l) => (l as { flow?: string }).flow),
    ).toEqual(["schedule"]);
  }, 60_000);

  it("dlq redrive schedule replays it (or at least does not say there is none, exit 0)", async () => {
    const { output, exitCode } = await dlqRedrive(
      "schedule",
      { queue, table: world.tableName },
      world.clients,
    );
    // Observed: "no dead letters for schedule", exit 0, the letter still in the queue.
    expect(output).not.toBe("no dead letters for schedule");
    expect(output).toMatch(/^redriven /);
    expect(exitCode).toBe(0);
  }, 60_000);
});
