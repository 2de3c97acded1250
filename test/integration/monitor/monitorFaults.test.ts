/**
 * Alerts are delivered at least once and shown once, and a stop is counted exactly once, under
 * faults. Requests reach moto; a lost reply or a refused call is injected by a middleware on the
 * client under test (moto cannot lose a reply). Slack is a real HTTP server on loopback.
 */
import { IdempotentParameterMismatchException } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { MonitorState } from "../../../core/monitor/index.ts";
import { SlackWebhook } from "../../../core/notify/index.ts";
import { acquireLease, StateTable, stateKeys } from "../../../core/state/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createNotifyHandler } from "../../../functions/notify.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { outboxRecords } from "../../support/outbox.ts";
import { startRecordingServer } from "../../support/recordingServer.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let serial = 0;
const SERVICE = "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/orders";

/** Fails the first `times` calls of `command` on `client`, after (drop-after) or before (refuse) moto saw them. */
function inject(
  client: { middlewareStack: { add: (...args: never[]) => void } },
  command: string,
  mode: "drop-after" | "refuse",
  times: number,
) {
  let left = times;
  (client.middlewareStack.add as (m: unknown, o: unknown) => void)(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (context.commandName !== `${command}Command` || left <= 0) return next(args);
      left--;
      if (mode === "refuse")
        throw Object.assign(new Error("Service Unavailable"), {
          name: "ServiceUnavailable",
          $metadata: { httpStatusCode: 503 },
        });
      await next(args);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    },
    { step: "deserialize", name: `inject-${command}-${++serial}` },
  );
}

const oom = (id: string, task: string) =>
  stoppedTaskEvent({
    id,
    taskId: task,
    service: "orders",
    exitCode: 137,
    containerReason: "OutOfMemoryError: Container killed due to memory usage",
  });

/** Lambda's asynchronous invocation: a failed attempt is retried, up to 2 times. */
async function invokeWithRetries(handler: (e: unknown, c: Context) => Promise<unknown>, event: unknown) {
  const errors: unknown[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return { response: await handler(structuredClone(event), localContext("monitor")), errors };
    } catch (error) {
      errors.push(error);
    }
  }
  return { response: undefined, errors };
}

async function queued(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    if (!received.Messages?.length) return texts;
    texts.push(
      ...received.Messages.map(
        (m) => (JSON.parse(m.Body ?? "{}") as { message: { text: string } }).message.text,
      ),
    );
  }
}

describe("monitor under faults", () => {
  beforeEach(async () => {
    world = await createWorld();
  });

  it("counts a stop once when the reply of its counting transaction is lost (the SDK retries it)", async () => {
    const clients = createAwsClients({ region: REGION });
    inject(clients.dynamodb, "TransactWriteItems", "drop-after", 1);
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients,
        tableName: world.tableName,
        config: DEFAULT_CONFIG,
        notifier: { post: async () => {} },
      }),
    );
    expect(await handler(oom("lost-1", "t-lost-1"), localContext("monitor"))).toMatchObject({
      action: "alerted",
    });
    const stats = await new MonitorState(world.state).readStopStats(SERVICE, 1);
    expect(stats[0]).toMatchObject({ stops: 1, outOfMemory: 1 });
  });

  it("counts a stop once when a retried invocation reuses its token within DynamoDB's 10 minutes", async () => {
    // DynamoDB refuses a TransactWriteItems token seen within 10 minutes with other values
    // (IdempotentParameterMismatchException, TransactWriteItems API reference); moto 5.2.1 does
    // not check tokens, so that check is emulated on the client, in front of moto.
    const clients = createAwsClients({ region: REGION });
    const seen = new Map<string, string>();
    (clients.dynamodb.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: { ClientRequestToken?: string; TransactItems?: unknown } }) => {
          const token = args.input.ClientRequestToken;
          if (context.commandName === "TransactWriteItemsCommand" && token !== undefined) {
            const body = JSON.stringify(args.input.TransactItems);
            if ((seen.get(token) ?? body) !== body)
              throw new IdempotentParameterMismatchException({ message: "token reused", $metadata: {} });
            seen.set(token, body);
          }
          return next(args);
        },
      { step: "initialize", name: "emulate-client-request-token" },
    );
    const table = new StateTable(clients.documents, world.tableName);
    const stop = {
      stopId: "arn:aws:ecs:us-east-2:667471847564:task/primary-cluster/t-token",
      eventId: "token-1",
      serviceArn: SERVICE,
      stopClass: "out-of-memory" as const,
      abnormal: true,
      reason: "OutOfMemoryError",
      taskArn: "arn:aws:ecs:us-east-2:667471847564:task/primary-cluster/t-token",
      windowMinutes: 10,
    };
    const first = new Date();
    const retry = new Date(first.getTime() + 60_000); // Lambda's first retry of a failed invocation
    expect(await new MonitorState(table, () => first).countStopOnce(stop)).toMatchObject({ by: "counted" });
    expect(await new MonitorState(table, () => retry).countStopOnce(stop)).toMatchObject({
      by: "counted-before-by-this-event",
    });
    const stats = await new MonitorState(world.state).readStopStats(SERVICE, 1);
    expect(stats[0]).toMatchObject({ stops: 1, outOfMemory: 1 });
  });

  it("counts a stop into the open incident once when the reply of its counting transaction is lost", async () => {
    // DynamoDB answers a TransactWriteItems sent again with the same ClientRequestToken (and the
    // same items) within 10 minutes with the first call's success, without applying it twice
    // (TransactWriteItems API reference). moto 5.2.1 ignores tokens and applies the call again,
    // so DynamoDB's answer is emulated on the client, in front of moto, together with the lost
    // reply: the first call reaches moto, its reply is dropped, and the SDK's retry is answered
    // as DynamoDB would. The count in the decision must be the incident's after this stop.
    const opener = createMonitorHandler(
      createRuntime("monitor", {
        clients: world.clients,
        tableName: world.tableName,
        config: DEFAULT_CONFIG,
        notifier: { post: async () => {} },
      }),
    );
    for (const n of [1, 2, 3]) await opener(oom(`open-${n}`, `t-open-${n}`), localContext("monitor"));
    expect(await new MonitorState(world.state).incident(SERVICE)).toMatchObject({ status: "open", stops: 3 });

    const clients = createAwsClients({ region: REGION });
    const answered = new Map<string, { body: string; output: unknown }>();
    let calls = 0;
    (clients.dynamodb.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: { ClientRequestToken?: string; TransactItems?: unknown } }) => {
          const token = args.input.ClientRequestToken;
          if (context.commandName !== "TransactWriteItemsCommand") return next(args);
          calls++;
          const body = JSON.stringify(args.input.TransactItems);
          const earlier = token === undefined ? undefined : answered.get(token);
          if (earlier?.body === body) return earlier.output;
          const output = await next(args);
          if (token !== undefined) answered.set(token, { body, output });
          if (calls === 1) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
          return output;
        },
      { step: "deserialize", name: "lost-reply-with-client-request-token" },
    );
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients,
        tableName: world.tableName,
        config: DEFAULT_CONFIG,
        notifier: { post: async () => {} },
      }),
    );
    expect(await handler(oom("lost-4", "t-lost-4"), localContext("monitor"))).toEqual({
      action: "incident-updated",
      detail: "4 stops so far",
    });
    // The first call (its reply lost) and the SDK's retry, answered as DynamoDB would.
    expect(calls).toBe(2);
    expect(await new MonitorState(world.state).incident(SERVICE)).toMatchObject({ stops: 4 });
    const stats = await new MonitorState(world.state).readStopStats(SERVICE, 1);
    expect(stats[0]).toMatchObject({ stops: 4, outOfMemory: 4 });
  });

  it("tells the alert on the retry when the outbox refused it, and counts the stop once", async () => {
    const queueUrl =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-${++serial}` }))).QueueUrl ??
      "";
    const clients = createAwsClients({ region: REGION });
    inject(clients.sqs, "SendMessage", "refuse", 5); // every SDK attempt of the first invocation
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients,
        tableName: world.tableName,
        config: DEFAULT_CONFIG,
        outboxQueueUrl: queueUrl,
      }),
    );
    const { response, errors } = await invokeWithRetries(handler, oom("outbox-1", "t-outbox-1"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DeliveryError);
    expect(response).toMatchObject({
      action: "alerted",
      sent: ["SlackWebhookUrl: primary-cluster/orders: task stopped (out-of-memory)"],
    });
    expect(await queued(world.clients.sqs, queueUrl)).toEqual([
      "primary-cluster/orders: task stopped (out-of-memory)",
    ]);
    const stats = await new MonitorState(world.state).readStopStats(SERVICE, 1);
    expect(stats[0]).toMatchObject({ stops: 1 });
  });

  it("tells the alert on the retry when an earlier attempt left its tell-once claim pending (a write applied, its reply lost)", async () => {
    const queueUrl =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-${++serial}` }))).QueueUrl ??
      "";
    // What the fault matrix found: the claim's PutItem reached DynamoDB after the failed attempt
    // had already tried to give it back, so the retry finds it pending under its own event.
    await acquireLease(
      world.state,
      stateKeys.once("alert", `${SERVICE}#out-of-memory`),
      "monitor#leftover-1",
      {
        leaseSeconds: 600,
      },
    );
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients: createAwsClients({ region: REGION }),
        tableName: world.tableName,
        config: DEFAULT_CONFIG,
        outboxQueueUrl: queueUrl,
      }),
    );
    expect(await handler(oom("leftover-1", "t-leftover-1"), localContext("monitor"))).toMatchObject({
      action: "alerted",
    });
    expect(await queued(world.clients.sqs, queueUrl)).toEqual([
      "primary-cluster/orders: task stopped (out-of-memory)",
    ]);
    // Once told, it is told: another task's stop within the cooldown stays quiet.
    expect(await handler(oom("leftover-2", "t-leftover-2"), localContext("monitor"))).toMatchObject({
      action: "counted",
    });
  });

  it("keeps messages in the outbox while Slack is down and posts each once when it is back", async () => {
    const queueUrl =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-${++serial}` }))).QueueUrl ??
      "";
    let slackUp = false;
    const slack = await startRecordingServer((_post, _i, res) => {
      res.writeHead(slackUp ? 200 : 503).end(slackUp ? "ok" : "down");
    });
    try {
      const monitor = createMonitorHandler(
        createRuntime("monitor", {
          clients: world.clients,
          tableName: world.tableName,
          config: DEFAULT_CONFIG,
          outboxQueueUrl: queueUrl,
        }),
      );
      // The ECS side never waits for Slack: the alert is queued while Slack is down.
      expect(await monitor(oom("down-1", "t-down-1"), localContext("monitor"))).toMatchObject({
        action: "alerted",
      });
      const notify = createNotifyHandler(
        createRuntime("notify", {
          clients: world.clients,
          tableName: world.tableName,
          notifier: new SlackWebhook(slack.url("/services/T/B/secret"), { maxAttempts: 2, baseDelayMs: 1 }),
        }),
      );
      const records = await outboxRecords(world.clients.sqs, queueUrl);
      expect(records).toHaveLength(1);
      const down = await notify({ Records: records }, localContext("notify"));
      expect(down).toMatchObject({
        batchItemFailures: [{ itemIdentifier: records[0]?.messageId }],
        posted: 0,
      });
      slackUp = true;
      expect(await notify({ Records: records }, localContext("notify"))).toMatchObject({
        batchItemFailures: [],
        posted: 1,
      });
      // SQS delivers a message twice now and then: the second copy is not posted again.
      expect(await notify({ Records: records }, localContext("notify"))).toMatchObject({
        batchItemFailures: [],
        posted: 0,
        alreadyPosted: 1,
      });
      expect(slack.posts.filter((p) => p.body.includes("task stopped"))).toHaveLength(3); // 2 refused attempts, 1 taken
      expect(slack.posts.every((p) => !JSON.stringify(down).includes(p.path))).toBe(true);
    } finally {
      await slack.close();
    }
  });

  it("shows an alert once when every queue reply of its first event was lost and the next stop queued it again", async () => {
    // The fault matrix's case (SQS SendMessage, drop-after always): each attempt of the first
    // stop queued the alert but never heard so, gave its claim back and failed; the second stop
    // (another event, so another message id) queued the same alert again.
    const queueUrl =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-${++serial}` }))).QueueUrl ??
      "";
    const slack = await startRecordingServer((_post, _i, res) => {
      res.writeHead(200).end("ok");
    });
    try {
      const lossy = createAwsClients({ region: REGION });
      inject(lossy.sqs, "SendMessage", "drop-after", Number.POSITIVE_INFINITY); // every call, SDK retries too
      const monitor = (clients: typeof lossy) =>
        createMonitorHandler(
          createRuntime("monitor", {
            clients,
            tableName: world.tableName,
            config: DEFAULT_CONFIG,
            outboxQueueUrl: queueUrl,
          }),
        );
      const first = await invokeWithRetries(monitor(lossy), oom("lostq-1", "t-lostq-1"));
      expect(first.response).toBeUndefined();
      expect(first.errors.every((e) => e instanceof DeliveryError)).toBe(true);
      expect(
        await monitor(world.clients)(oom("lostq-2", "t-lostq-2"), localContext("monitor")),
      ).toMatchObject({
        action: "alerted",
      });
      const records = [];
      for (;;) {
        const batch = await outboxRecords(world.clients.sqs, queueUrl);
        if (batch.length === 0) break;
        records.push(...batch);
      }
      const ids = new Set(records.map((r) => (JSON.parse(r.body) as { id: string }).id));
      expect(ids.size).toBe(2); // the first stop's alert (queued by every attempt), the second's
      expect(records.length).toBeGreaterThan(3);
      const notify = createNotifyHandler(
        createRuntime("notify", {
          clients: world.clients,
          tableName: world.tableName,
          notifier: new SlackWebhook(slack.url("/services/T/B/secret"), { maxAttempts: 1, baseDelayMs: 1 }),
        }),
      );
      expect(await notify({ Records: records }, localContext("notify"))).toMatchObject({
        batchItemFailures: [],
        posted: 1,
        alreadyPosted: records.length - 1,
      });
      expect(slack.posts.filter((p) => p.body.includes("task stopped (out-of-memory)"))).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it("does not use up the minute's rate limit when the reply of its rate-limit write is lost", async () => {
    // The fault matrix's case (DynamoDB UpdateItem, drop-after): the rate-limit write reached
    // DynamoDB, its reply was lost and the SDK sent it again. Counted per attempt, one alert used
    // two of the minute's two messages and the next alert was dropped.
    const clients = createAwsClients({ region: REGION });
    inject(clients.dynamodb, "UpdateItem", "drop-after", 1);
    const posts: string[] = [];
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients,
        tableName: world.tableName,
        config: { ...DEFAULT_CONFIG, monitor: { ...DEFAULT_CONFIG.monitor, rateLimitPerMinute: 2 } },
        notifier: { post: async (m) => void posts.push(m.text) },
      }),
    );
    const stop = (id: string, service: string) =>
      stoppedTaskEvent({ id, taskId: `t-${id}`, service, exitCode: 137 });
    expect(await handler(stop("rate-1", "orders"), localContext("monitor"))).toMatchObject({
      action: "alerted",
    });
    expect(await handler(stop("rate-2", "payments"), localContext("monitor"))).toMatchObject({
      sent: ["SlackWebhookUrl: primary-cluster/payments: task stopped (out-of-memory)"],
      dropped: [],
    });
    expect(posts).toEqual([
      "primary-cluster/orders: task stopped (out-of-memory)",
      "primary-cluster/payments: task stopped (out-of-memory)",
    ]);
  });
});
