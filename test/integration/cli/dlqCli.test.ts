/**
 * `ecs-autopilot dlq list|redrive`, through npx as a user runs it, against moto's SQS. The dead
 * letters are the shapes AWS and ecs-autopilot write: an event rejected by its schema (written by
 * the real handler), Lambda's on-failure invocation record (the shape documented in the AWS CDK
 * destinations README) around a real ECR push, and an outbox message.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { CreateQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { SlackApi, TerminalNotifier, webhookTarget } from "../../../core/notify/index.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { SlackStandIn } from "../../faults/SlackStandIn.ts";
import { runCli } from "../../support/cli.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let events: string;
let outbox: string;
let digest: string;
const PUSH_ID = "5f1c0b6e-0000-4000-8000-00000000d1ad";

const cli = (...args: string[]) =>
  runCli(args, {
    AUTOPILOT_STATE_TABLE: world.tableName,
    AUTOPILOT_DEAD_LETTER_QUEUE_URL: events,
    AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL: outbox,
    AWS_REGION: REGION,
    SLACK_WEBHOOK_URL: "",
  });

const running = async () =>
  (await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["cart"] })))
    .services?.[0]?.taskDefinition;

describe("ecs-autopilot dlq", () => {
  beforeAll(async () => {
    world = await createWorld();
    events =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: "dlq-events" }))).QueueUrl ?? "";
    outbox =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: "dlq-outbox" }))).QueueUrl ?? "";
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/cart");
    await pushImage(world.clients, "shop/cart", "1.0.0");
    await createService(world.clients, {
      cluster: "prod",
      name: "cart",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "cart", image: ecrImage(REGION, "shop/cart", "1.0.0"), essential: true }],
    });
    digest = await pushImage(world.clients, "shop/cart", "1.1.0");

    // 1. An event that fails its schema: the real handler dead-letters it with the reason.
    const handler = createRedeployHandler(
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        deadLetterQueueUrl: events,
        notifier: new TerminalNotifier(() => {}),
      }),
    );
    const broken = sampleEvent("ecr-image-action-push.json");
    delete (broken.detail as Record<string, unknown>)["repository-name"];
    await handler({ ...broken, id: "broken-0001" }, localContext("redeploy"));
    // 2. A push whose invocation failed every retry: Lambda's on-failure record.
    const push = ecrPushEvent({ region: REGION, repository: "shop/cart", digest, tag: "1.1.0", id: PUSH_ID });
    await world.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: events,
        MessageBody: JSON.stringify({
          version: "1.0",
          timestamp: "2026-11-26T10:00:00.000Z",
          requestContext: {
            requestId: "8ea123e4-1db7-4aca-ad10-d9ca1234c1fd",
            functionArn:
              "arn:aws:lambda:eu-west-1:123456789012:function:ecs-autopilot-production-RedeployFunction-abcd1234:$LATEST",
            condition: "RetriesExhausted",
            approximateInvokeCount: 3,
          },
          requestPayload: push,
          responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
          responsePayload: {
            errorType: "RedeployFailedError",
            errorMessage: "1 service(s) failed to redeploy",
          },
        }),
      }),
    );
    // 3. A Slack message that was never taken.
    await world.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: outbox,
        MessageBody: JSON.stringify({
          id: "m-0001",
          channel: "SlackWebhookUrl",
          flow: "monitor",
          eventId: "oom-1",
          message: { text: "prod/cart: task stopped (out-of-memory)", blocks: [] },
        }),
      }),
    );
  });

  it("lists every dead letter with its flow, where it came from and why, taking none off the queue", async () => {
    const listed = await cli("dlq", "list", "--format", "json");
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(
      letters.map((l) => [l.queue, l.flow, l.source]).sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual([
      ["events", "redeploy", "lambda-failure"],
      ["events", "redeploy", "rejected-event"],
      ["outbox", "notify", "outbox"],
    ]);
    expect(letters.find((l) => l.source === "rejected-event")?.reason).toBe(
      "invalid event: detail.repository-name: Invalid input: expected string, received undefined",
    );
    expect(letters.find((l) => l.source === "lambda-failure")?.reason).toBe(
      "RetriesExhausted after 3 attempt(s): RedeployFailedError: 1 service(s) failed to redeploy",
    );
    // Listing twice shows the same: nothing was taken.
    expect(JSON.parse((await cli("dlq", "list", "redeploy", "--format", "json")).stdout)).toHaveLength(2);
  }, 60_000);

  it("redrives a flow's dead letters: a dry run changes nothing; then the push deploys and leaves the queue", async () => {
    const before = await running();
    const dry = await cli("dlq", "redrive", "redeploy", "--dry-run");
    expect(dry.stdout).toContain(`would redrive ${PUSH_ID}`);
    expect(await running()).toBe(before);
    expect(JSON.parse((await cli("dlq", "list", "redeploy", "--format", "json")).stdout)).toHaveLength(2);

    // No Slack target here: the replay's "deployed" message is printed only because it is asked
    // for (--print-messages); without it the replay would fail and keep its letter
    // (dlqRedriveDelivery.test.ts).
    const redrive = await cli("dlq", "redrive", "redeploy", "--print-messages");
    expect(redrive.stderr).toContain(":rocket: prod / cart deployed");
    // The replayed push deploys; the invalid event fails its schema again and stays.
    expect(redrive.stdout).toMatch(new RegExp(`redriven ${PUSH_ID}: .*"deployed":1`));
    expect(redrive.stdout).toContain("failed broken-0001");
    expect(redrive.code).toBe(1);
    expect(await running()).not.toBe(before);
    const left = JSON.parse((await cli("dlq", "list", "redeploy", "--format", "json")).stdout) as Array<{
      source: string;
    }>;
    expect(left.map((l) => l.source)).toEqual(["rejected-event"]);

    // With no Slack target here, a Slack message is not redriven: printing it and deleting the
    // letter would lose it for Slack. It stays, and the command fails.
    const nowhere = await cli("dlq", "redrive", "notify");
    expect(nowhere.stdout.trim()).toBe(
      "not redriven m-0001: no Slack target here (set SLACK_WEBHOOK_URL, or run under `npx sst shell`, which links the SlackWebhookUrl secret); left in the queue",
    );
    expect(nowhere.code).toBe(1);
    expect(JSON.parse((await cli("dlq", "list", "notify", "--format", "json")).stdout)).toHaveLength(1);
    // With one, it is posted and leaves the queue.
    const slack = await SlackStandIn.start();
    try {
      const posted = await runCli(["dlq", "redrive", "notify"], {
        AUTOPILOT_STATE_TABLE: world.tableName,
        AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL: outbox,
        AUTOPILOT_DEAD_LETTER_QUEUE_URL: events,
        AWS_REGION: REGION,
        SLACK_WEBHOOK_URL: slack.webhookUrl,
      });
      expect(posted.stdout).toContain("redriven m-0001: posted");
      expect(slack.shown()).toHaveLength(1);
    } finally {
      await slack.close();
    }
    expect(JSON.parse((await cli("dlq", "list", "notify", "--format", "json")).stdout)).toEqual([]);
    // Seven runs of the real command through npx (each a fresh Node process).
  }, 180_000);

  it("redrives Slack messages with a bot token: the channel is read back first, so one already shown is not posted again", async () => {
    const slack = await SlackStandIn.start();
    try {
      const target = webhookTarget("SLACK_WEBHOOK_URL", slack.botSecret);
      if (target.kind !== "slack-api") throw new Error("the stand-in's secret is not a bot token");
      // m-0002: Slack showed it, but its reply was lost on the last receive, so it was parked.
      await new SlackApi({ secret: "SLACK_WEBHOOK_URL", ...target }).post(
        { text: "prod/cart: crash loop", blocks: [] },
        { id: "m-0002", mayHavePosted: false, queuedAt: Date.now() },
      );
      for (const [id, text] of [
        ["m-0002", "prod/cart: crash loop"],
        ["m-0003", "prod/cart: task stopped (image-pull)"],
      ])
        await world.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: outbox,
            MessageBody: JSON.stringify({
              id,
              channel: "SlackWebhookUrl",
              flow: "monitor",
              message: { text, blocks: [] },
            }),
          }),
        );
      const redrive = await runCli(["dlq", "redrive", "notify"], {
        AUTOPILOT_STATE_TABLE: world.tableName,
        AUTOPILOT_DEAD_LETTER_QUEUE_URL: events,
        AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL: outbox,
        AWS_REGION: REGION,
        SLACK_WEBHOOK_URL: slack.botSecret,
      });
      expect(redrive.stdout).toContain("redriven m-0002: posted");
      expect(redrive.stdout).toContain("redriven m-0003: posted");
      expect(redrive.code).toBe(0);
      expect(slack.shown().map((m) => m.text)).toEqual([
        "prod/cart: crash loop",
        "prod/cart: task stopped (image-pull)",
      ]);
      // Each dead letter was read back before it was posted (or found).
      expect(slack.reads).toHaveLength(2);
    } finally {
      await slack.close();
    }
  }, 120_000);

  it("refuses an unknown flow and a missing queue with one line and exit 2", async () => {
    const unknown = await cli("dlq", "list", "nosuch");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^ecs-autopilot: unknown flow 'nosuch'; flows: redeploy, /);
    const none = await runCli(["dlq", "list"], {
      AUTOPILOT_DEAD_LETTER_QUEUE_URL: "",
      AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL: "",
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no dead-letter queue");
  });
});
