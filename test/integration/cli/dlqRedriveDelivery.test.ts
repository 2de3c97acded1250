/**
 * `dlq redrive` deletes a letter only when what its replay had to tell reached Slack (issue 11,
 * Must show 3 "delivered at least once and shown once", Must show 7). A monitor OOM stop whose
 * invocation failed every retry is redriven with no Slack target here, then while Slack answers
 * 503, then once Slack is back: the first two keep the letter (exit 1, the reason said), the third
 * posts the alert once and removes the letter. A letter that comes back after its alert was posted
 * (its delete lost) is redriven without posting again (the cause was told; its message id is
 * remembered as the Notify function remembers it). Against moto's SQS and DynamoDB and a loopback
 * Slack webhook.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dlqRedrive } from "../../../cli/dlq.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { startRecordingServer } from "../../support/recordingServer.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let queue: string;
let slack: Awaited<ReturnType<typeof startRecordingServer>>;
/** What the loopback Slack answers right now. */
let answer = 503;
const saved = process.env.SLACK_WEBHOOK_URL;
const EVENT_ID = "dlq-delivery-oom-1";

const oom = stoppedTaskEvent({
  id: EVENT_ID,
  taskId: "t-dlq-delivery-1",
  service: "orders",
  exitCode: 137,
  containerReason: "OutOfMemoryError: Container killed due to memory usage",
});

/** Lambda's on-failure record of the Monitor function around the OOM stop. */
const LETTER = JSON.stringify({
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
});

const depth = async (sqs: SQSClient) => {
  const attributes = (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    )
  ).Attributes;
  return {
    visible: attributes?.ApproximateNumberOfMessages,
    hidden: attributes?.ApproximateNumberOfMessagesNotVisible,
  };
};

/** The posts Slack took (answered 200), by their text. */
const shown = () =>
  slack.posts
    .filter((_, i) => accepted.has(i))
    .map((post) => (JSON.parse(post.body) as { text: string }).text);
const accepted = new Set<number>();

const redrive = () => dlqRedrive("monitor", { queue, table: world.tableName }, world.clients);

describe("dlq redrive keeps a letter until its replay's Slack messages are delivered", () => {
  beforeAll(async () => {
    world = await createWorld();
    queue =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `dlq-delivery-${process.pid}` })))
        .QueueUrl ?? "";
    await world.clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: LETTER }));
    slack = await startRecordingServer((_post, i, res) => {
      if (answer === 200) accepted.add(i);
      res.statusCode = answer;
      res.end(answer === 200 ? "ok" : "service unavailable");
    });
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.SLACK_WEBHOOK_URL;
    else process.env.SLACK_WEBHOOK_URL = saved;
    await slack.close();
  });

  it("with no Slack target here: printed, not delivered — the letter stays and the command fails", async () => {
    delete process.env.SLACK_WEBHOOK_URL;
    const { output, exitCode } = await redrive();
    expect(exitCode).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `^failed ${EVENT_ID}: \\{"status":"failed","code":"delivery-failed","error":"1 message\\(s\\) undelivered: .*no Slack target here \\(set SLACK_WEBHOOK_URL, or run under \`npx sst shell\`, which links the SlackWebhookUrl secret\\)"\\} \\(left in the queue\\)$`,
      ),
    );
    expect(await depth(world.clients.sqs)).toEqual({ visible: "1", hidden: "0" });
  }, 60_000);

  it("while Slack answers 503: undelivered, the letter stays and the command fails", async () => {
    process.env.SLACK_WEBHOOK_URL = slack.url("/services/T000/B000/dlqdelivery");
    answer = 503;
    const { output, exitCode } = await redrive();
    expect(exitCode).toBe(1);
    expect(output).toMatch(
      new RegExp(`^failed ${EVENT_ID}: .*"1 message\\(s\\) undelivered: .*\\(left in the queue\\)$`),
    );
    expect(slack.posts.length).toBeGreaterThan(0);
    expect(shown()).toEqual([]);
    expect(await depth(world.clients.sqs)).toEqual({ visible: "1", hidden: "0" });
  }, 60_000);

  it("once Slack is back: the alert is posted once and the letter leaves the queue", async () => {
    answer = 200;
    const { output, exitCode } = await redrive();
    expect({ exitCode, line: output.split(" ").slice(0, 2).join(" ") }).toEqual({
      exitCode: 0,
      line: `redriven ${EVENT_ID}:`,
    });
    expect(shown()).toHaveLength(1);
    expect(shown()[0]).toContain("out-of-memory");
    expect(await depth(world.clients.sqs)).toEqual({ visible: "0", hidden: "0" });
    expect((await redrive()).output).toBe("no dead letters for monitor");
  }, 60_000);

  it("a letter that comes back after its alert was posted (its delete lost) is redriven without posting again", async () => {
    await world.clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: LETTER }));
    const posts = slack.posts.length;
    const { output, exitCode } = await redrive();
    expect(exitCode).toBe(0);
    expect(output).toMatch(new RegExp(`^redriven ${EVENT_ID}: `));
    expect(slack.posts.length).toBe(posts);
    expect(shown()).toHaveLength(1);
    expect(await depth(world.clients.sqs)).toEqual({ visible: "0", hidden: "0" });
  }, 60_000);
});
