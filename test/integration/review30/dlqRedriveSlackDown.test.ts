/**
 * Review 30 (issue 11, Must show 3 "alerts delivered at least once" and 7 "dead letters you can
 * act on"): `dlq redrive <flow>` replays an event through the flow's handler with no outbox
 * (cli/invoke.ts sets outboxQueueUrl: ""), so its Slack messages are posted directly; a post Slack
 * does not take is only listed as `undelivered` (runtime/deliver.ts) and the response is a
 * success, so the dead letter is deleted (cli/dlq.ts). A monitor alert whose event was
 * dead-lettered during an outage is then gone for good when the redrive runs while Slack is still
 * failing — the one thing the monitor had to do. (An outbox letter, by contrast, is left in the
 * queue when Slack does not take it.) Against moto's SQS and a loopback Slack that answers 503.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dlqRedrive } from "../../../cli/dlq.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { startRecordingServer } from "../../support/recordingServer.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let queue: string;
let slack: Awaited<ReturnType<typeof startRecordingServer>>;
const saved = process.env.SLACK_WEBHOOK_URL;

const oom = stoppedTaskEvent({
  id: "review30-oom-1",
  taskId: "t-review30-1",
  service: "orders",
  exitCode: 137,
  containerReason: "OutOfMemoryError: Container killed due to memory usage",
});

describe("review 30: dlq redrive of a monitor event while Slack is down", () => {
  beforeAll(async () => {
    world = await createWorld();
    queue =
      (
        await world.clients.sqs.send(
          new CreateQueueCommand({ QueueName: `dlq-review30-slack-${process.pid}` }),
        )
      ).QueueUrl ?? "";
    await world.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue,
        MessageBody: JSON.stringify({
          version: "1.0",
          timestamp: "2026-11-26T10:00:00.000Z",
          requestContext: {
            requestId: "8ea123e4-1db7-4aca-ad10-d9ca1234c1fd",
            functionArn: `arn:aws:lambda:${REGION}:123456789012:function:ecs-autopilot-production-MonitorFunction-abcd1234:$LATEST`,
            condition: "RetriesExhausted",
            approximateInvokeCount: 3,
          },
          requestPayload: oom,
          responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
          responsePayload: { errorType: "TransactionCanceledException", errorMessage: "throttled" },
        }),
      }),
    );
    slack = await startRecordingServer((_post, _i, res) => {
      res.statusCode = 503;
      res.end("service unavailable");
    });
    process.env.SLACK_WEBHOOK_URL = slack.url("/services/T000/B000/review30secret");
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.SLACK_WEBHOOK_URL;
    else process.env.SLACK_WEBHOOK_URL = saved;
    await slack.close();
  });

  it("keeps the letter (exit 1) when the replayed event's alert could not be delivered", async () => {
    const { output, exitCode } = await dlqRedrive(
      "monitor",
      { queue, table: world.tableName },
      world.clients,
    );
    // The alert was produced and offered to Slack, which refused it.
    expect(slack.posts.length).toBeGreaterThan(0);
    expect(output).toContain("undelivered");
    // Observed: exit 0, "redriven review30-oom-1: {…"undelivered":["…out-of-memory…"]}", queue empty.
    const depth = await world.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect({ exitCode, left: depth.Attributes?.ApproximateNumberOfMessages }).toEqual({
      exitCode: 1,
      left: "1",
    });
  }, 60_000);
});
