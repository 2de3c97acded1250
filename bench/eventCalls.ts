/**
 * What one event costs, measured through the Lambda handlers (event lease, config, the flow, and
 * delivery to the Slack outbox queue) against moto: AWS calls by operation, DynamoDB request units
 * and the handler's duration. These are the per-event figures the monthly bill is built from.
 */
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { localContext } from "../cli/localContext.ts";
import { ApiCallCounter, createAwsClients } from "../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../core/config/index.ts";
import { TerminalNotifier } from "../core/notify/index.ts";
import { createStateTable } from "../core/state/index.ts";
import { SERVICE_TAGS } from "../core/tags.ts";
import { createMonitorHandler } from "../functions/monitor.ts";
import { createNotifyHandler } from "../functions/notify.ts";
import { createRedeployHandler } from "../functions/redeploy.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime } from "../runtime/runtime.ts";
import { stoppedTaskEvent } from "../sandbox/ecsEvents.ts";
import {
  ACCOUNT,
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../sandbox/seed.ts";

export interface EventCost {
  readonly event: string;
  readonly fn: string;
  readonly calls: number;
  readonly byOperation: Record<string, number>;
  /** DynamoDB request units, items taken as ≤ 1 KB and reads as strongly consistent (an upper bound). */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Messages queued to the Slack outbox. */
  readonly outboxMessages: number;
  /** Handler duration here, against moto on loopback (not AWS's latency). */
  readonly ms: number;
}

/** Request units of DynamoDB calls, from what each call asks for and gets. */
export class CapacityMeter {
  read = 0;
  write = 0;
  attach(client: { middlewareStack: { add: (...args: never[]) => void } }): void {
    (client.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (
        next: (args: unknown) => Promise<{ output: Record<string, unknown> }>,
        context: { commandName?: string },
      ) =>
        async (args: { input: Record<string, unknown> }) => {
          const result = await next(args);
          const input = args.input;
          const output = result.output;
          const items = (o: unknown) => Object.values((o ?? {}) as Record<string, unknown[]>).flat().length;
          switch (context.commandName) {
            case "GetItemCommand":
              this.read += 1;
              break;
            case "BatchGetItemCommand":
              this.read += Object.values(
                (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>,
              ).reduce((n, t) => n + (t.Keys?.length ?? 0), 0);
              break;
            case "QueryCommand":
            case "ScanCommand":
              this.read += Math.max(1, Number(output.Count ?? 0));
              break;
            case "TransactGetItemsCommand":
              this.read += 2 * ((input.TransactItems as unknown[]) ?? []).length;
              break;
            case "PutItemCommand":
            case "UpdateItemCommand":
            case "DeleteItemCommand":
              this.write += 1;
              break;
            case "BatchWriteItemCommand":
              this.write += items(input.RequestItems);
              break;
            case "TransactWriteItemsCommand":
              this.write += 2 * ((input.TransactItems as unknown[]) ?? []).length;
              break;
          }
          return result;
        },
      { step: "initialize", name: "benchCapacityMeter" },
    );
  }
}

export async function eventCalls(region: string): Promise<EventCost[]> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region, counter });
  const meter = new CapacityMeter();
  meter.attach(clients.dynamodb);
  const table = "bench-events";
  await createStateTable(clients, table);
  const queueUrl =
    (await clients.sqs.send(new CreateQueueCommand({ QueueName: "bench-outbox" }))).QueueUrl ?? "";
  const runtime = (flow: string) =>
    createRuntime(flow, {
      clients,
      tableName: table,
      config: DEFAULT_CONFIG,
      outboxQueueUrl: queueUrl,
      notifier: new TerminalNotifier(() => {}),
    });
  const costs: EventCost[] = [];
  const measure = async (event: string, fn: string, handler: LambdaHandler, payload: unknown) => {
    counter.reset();
    meter.read = 0;
    meter.write = 0;
    const started = performance.now();
    await handler(payload, localContext(fn));
    const ms = performance.now() - started;
    const byOperation = counter.byOperation();
    costs.push({
      event,
      fn,
      calls: counter.total(),
      byOperation,
      readUnits: meter.read,
      writeUnits: meter.write,
      outboxMessages: byOperation["SQS.SendMessage"] ?? 0,
      ms: Math.round(ms * 10) / 10,
    });
  };

  // One service tracking the pushed repository among nine others.
  await createCluster(clients, "events");
  await createRepository(clients, "events/web");
  for (let i = 0; i < 10; i++)
    await createService(clients, {
      cluster: "events",
      name: `svc-${i}`,
      tags: { [SERVICE_TAGS.redeploy]: "minor" },
      containers: [
        {
          name: "app",
          image: ecrImage(region, i === 0 ? "events/web" : `other-${i}/app`, "1.0.0"),
          essential: true,
        },
      ],
    });
  const redeploy = createRedeployHandler(runtime("redeploy"));
  const push = async (tag: string) =>
    ecrPushEvent({
      region,
      repository: "events/web",
      digest: await pushImage(clients, "events/web", tag),
      tag,
      id: `ev-${tag}`,
    });
  await redeploy(await push("1.1.0"), localContext("redeploy")); // builds the index; not measured
  await drain(clients, queueUrl);
  await measure("ECR push (1 service redeployed)", "redeploy", redeploy, await push("1.2.0"));

  // The outbox: each queued message is posted once by the Notify function.
  const notify = createNotifyHandler(runtime("notify"));
  const records = await drain(clients, queueUrl);
  if (records.length > 0)
    await measure("outbox message posted", "notify", notify, { Records: records.slice(0, 1) });

  const monitor = createMonitorHandler(runtime("monitor"));
  const running = sampleEvent("ecs-task-state-change-running-fargate.json");
  await measure("task state change, not a stop", "monitor", monitor, { ...running, id: "ev-running" });
  await measure(
    "task stop (deployment replaced it)",
    "monitor",
    monitor,
    stoppedTaskEvent({
      id: "ev-stop-deploy",
      taskId: "deploy1",
      account: ACCOUNT,
      region,
      cluster: "events",
      service: "svc-1",
      exitCode: 0,
      stopCode: "ServiceSchedulerInitiated",
      stoppedReason: "Scaling activity initiated by (deployment ecs-svc/1234567890123456789)",
    }),
  );
  await measure(
    "task stop (application error, first)",
    "monitor",
    monitor,
    stoppedTaskEvent({
      id: "ev-stop-crash",
      taskId: "crash1",
      account: ACCOUNT,
      region,
      cluster: "events",
      service: "svc-2",
      exitCode: 1,
    }),
  );
  await drain(clients, queueUrl);
  const completed = {
    ...sampleEvent("ecs-deployment-state-change-completed.json"),
    id: "ev-deploy-done",
    account: ACCOUNT,
    region,
  };
  await measure("deployment completed", "monitor", monitor, completed);
  await measure("deployment completed", "redeploy", redeploy, { ...completed, id: "ev-deploy-done-2" });
  await measure("queued-push sweep (every 5 minutes)", "redeploy", redeploy, {
    ...sampleEvent("scheduled-event.json"),
    id: "ev-sweep",
    account: ACCOUNT,
    region,
    resources: [`arn:aws:scheduler:${region}:${ACCOUNT}:schedule/default/redeploy-pending-sweep`],
  });
  await drain(clients, queueUrl);
  return costs;
}

/** Receives every message of the queue as SQS event records (deleting none: they just stay invisible). */
async function drain(clients: ReturnType<typeof createAwsClients>, queueUrl: string) {
  const records: unknown[] = [];
  for (;;) {
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 3600 }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return records;
    for (const m of messages)
      records.push({
        messageId: m.MessageId ?? "",
        receiptHandle: m.ReceiptHandle ?? "",
        body: m.Body ?? "",
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "0",
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: "0",
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? "",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:eu-west-1:${ACCOUNT}:bench-outbox`,
        awsRegion: "eu-west-1",
      });
  }
}
