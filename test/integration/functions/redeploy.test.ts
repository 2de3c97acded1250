import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime, type FlowRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let runtime: FlowRuntime;
let slack: TerminalNotifier;
let queueUrl: string;

const runningTaskDefinition = async () =>
  (await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["api"] })))
    .services?.[0]?.taskDefinition;

describe("functions/redeploy", () => {
  beforeAll(async () => {
    world = await createWorld();
    queueUrl =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: "autopilot-dead-letters" })))
        .QueueUrl ?? "";
    slack = new TerminalNotifier(() => undefined);
    runtime = createRuntime("redeploy", {
      clients: world.clients,
      tableName: world.tableName,
      deadLetterQueueUrl: queueUrl,
      notifier: slack,
    });
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/api");
    await pushImage(world.clients, "shop/api", "3.1.0");
    await createService(world.clients, {
      cluster: "prod",
      name: "api",
      tags: { "autopilot:redeploy": "patch" },
      containers: [{ name: "api", image: ecrImage(REGION, "shop/api", "3.1.0"), essential: true }],
    });
  });

  it("deploys a push, tells Slack once, and answers a redelivered event from its record", async () => {
    const digest = await pushImage(world.clients, "shop/api", "3.1.1");
    const event = ecrPushEvent({
      region: REGION,
      repository: "shop/api",
      digest,
      tag: "3.1.1",
      id: "c0ffee00-0000-4000-8000-000000000001",
    });
    const handler = createRedeployHandler(runtime);

    const first = await handler(event, localContext("redeploy"));
    const revisionAfterFirst = await runningTaskDefinition();
    world.counter.reset();
    const second = await handler(structuredClone(event), localContext("redeploy"));

    expect(first).toMatchObject({ deployed: 1, failed: 0, digest, tag: "3.1.1" });
    expect(second).toEqual(first);
    expect(await runningTaskDefinition()).toBe(revisionAfterFirst);
    expect(world.counter.byOperation()["ECS.RegisterTaskDefinition"]).toBeUndefined();
    expect(world.counter.byOperation()["ECS.UpdateService"]).toBeUndefined();
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toBe("shop/api:3.1.1: deployed to 1 service(s), 0 failed, 0 skipped");
  });

  it("sends an event that fails its schema to the DLQ with the field that is wrong, and changes nothing", async () => {
    const broken = sampleEvent("ecr-image-action-push.json");
    delete (broken.detail as Record<string, unknown>)["repository-name"];
    const before = await runningTaskDefinition();
    world.counter.reset();

    const response = await createRedeployHandler(runtime)(broken, localContext("redeploy"));

    expect(response).toMatchObject({ status: "rejected", deadLettered: true });
    expect((response as { reason: string }).reason).toContain("detail.repository-name");
    const received = await world.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
      }),
    );
    expect(received.Messages).toHaveLength(1);
    const body = JSON.parse(received.Messages?.[0]?.Body ?? "{}");
    expect(body.reason).toContain("detail.repository-name");
    expect(body.event.id).toBe("13cde686-328b-6117-af20-0e5566167482");
    expect(world.counter.total((key) => key.startsWith("ECS.") || key.startsWith("DynamoDB."))).toBe(0);
    expect(await runningTaskDefinition()).toBe(before);
  });

  it("ignores an ECR DELETE event (the real sample) without touching the account", async () => {
    world.counter.reset();
    const response = await createRedeployHandler(runtime)(
      sampleEvent("ecr-image-action-delete.json"),
      localContext("redeploy"),
    );
    expect(response).toEqual({ status: "ignored", reason: "ECR DELETE event: only pushes are redeployed" });
    expect(world.counter.total((key) => key.startsWith("ECS."))).toBe(0);
  });
});
