import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { type AutopilotConfig, parseConfig } from "../../../core/config/index.ts";
import { MonitorState } from "../../../core/monitor/index.ts";
import { type Notifier, renderPlainText, type SlackMessage } from "../../../core/notify/index.ts";
import { recordRedeployments } from "../../../core/state/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent, stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  pushImage,
} from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
const posts: Array<{ webhook: string; message: SlackMessage }> = [];

function handlerWith(config: AutopilotConfig = parseConfig("{}", "test")) {
  const notifierFor = (webhook: string): Notifier => ({
    post: async (message) => {
      posts.push({ webhook, message });
    },
  });
  return createMonitorHandler(
    createRuntime("monitor", {
      clients: world.clients,
      tableName: world.tableName,
      config,
      notifier: notifierFor("SlackWebhookUrl"),
      notifierFor,
    }),
  );
}

describe("functions/monitor against moto", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("changes nothing when the same event arrives twice", async () => {
    posts.length = 0;
    const handler = handlerWith();
    const event = stoppedTaskEvent({
      id: "twice-1",
      taskId: "a1b2c3",
      service: "cart",
      stopCode: "TaskFailedToStart",
      stoppedReason:
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm",
    });
    const first = await handler(event, localContext("monitor"));
    world.counter.reset();
    const second = await handler(structuredClone(event), localContext("monitor"));
    expect(first).toMatchObject({ action: "alerted", detail: "secrets" });
    // Decided again, counted once, told once: the redelivery finds its own stop counted and the
    // alert told, writes nothing and posts nothing.
    expect(second).toEqual({ action: "counted", detail: "1 of 3 stops within 10 min" });
    expect(posts).toHaveLength(1);
    const operations = Object.keys(world.counter.byOperation());
    expect(operations.filter((op) => op === "DynamoDB.PutItem" || op === "DynamoDB.UpdateItem")).toEqual([]);
    const stats = await new MonitorState(world.state).readStopStats(
      "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/cart",
      1,
    );
    expect(stats[0]).toMatchObject({ stops: 1, byClass: { secrets: 1 } });
  });

  it("counts a task once although ECS reports its stop in several events", async () => {
    const handler = handlerWith();
    const deprovisioning = stoppedTaskEvent({
      id: "multi-1",
      taskId: "feed01",
      service: "feed",
      exitCode: 1,
    });
    const stopped = {
      ...stoppedTaskEvent({ id: "multi-2", taskId: "feed01", service: "feed", exitCode: 1 }),
    };
    (stopped.detail as Record<string, unknown>).lastStatus = "STOPPED";
    expect(await handler(deprovisioning, localContext("monitor"))).toMatchObject({ action: "counted" });
    expect(await handler(stopped, localContext("monitor"))).toMatchObject({ action: "duplicate" });
  });

  it("alerts on a failed deployment and a rollback (real samples) and says the service is unknown here", async () => {
    posts.length = 0;
    const handler = handlerWith();
    // AWS's documentation gives these samples one and the same event id; EventBridge never does,
    // so each gets its own here (the same id twice is, rightly, answered from the first record).
    const sample = (file: string, id: string) => ({ ...loadFixture(file), id });
    const failed = await handler(
      sample("ecs-deployment-state-change-failed.json", "doc-failed"),
      localContext("monitor"),
    );
    const rollback = await handler(
      sample("ecs-deployment-state-change-in-progress-rollback.json", "doc-rollback"),
      localContext("monitor"),
    );
    const completed = await handler(
      sample("ecs-deployment-state-change-completed.json", "doc-completed"),
      localContext("monitor"),
    );
    expect(failed).toMatchObject({ action: "deployment-failed" });
    expect(rollback).toMatchObject({ action: "deployment-rolling-back" });
    expect(completed).toMatchObject({ action: "ignored" });
    const text = renderPlainText(posts[0]?.message ?? { text: "", blocks: [] });
    expect(text).toContain("ECS deployment circuit breaker: task failed to start.");
    expect(text).toContain("The service is not in this account and region any more; images unknown.");
  });

  it("confirms a deployment the redeploy flow started, with the images involved", async () => {
    posts.length = 0;
    await createCluster(world.clients, "prod");
    const service = await createService(world.clients, {
      cluster: "prod",
      name: "web",
      containers: [
        { name: "web", image: ecrImage(REGION, "shop/web", `sha256:${"c".repeat(64)}`), essential: true },
      ],
    });
    const deploymentId = service.deployments?.[0]?.id ?? "";
    await recordRedeployments(world.state, [
      {
        deploymentId,
        serviceArn: service.serviceArn ?? "",
        repository: "shop/web",
        tag: "1.5.0",
        digest: `sha256:${"c".repeat(64)}`,
        taskDefinitionArn: service.taskDefinition ?? "",
        eventId: "push-1",
      },
    ]);
    const event = deploymentEvent({
      id: "completed-redeploy",
      sample: "ecs-deployment-state-change-completed.json",
      account: "123456789012",
      region: REGION,
      serviceArn: service.serviceArn ?? "",
      deploymentId,
    });
    expect(await handlerWith()(event, localContext("monitor"))).toMatchObject({
      action: "deployment-completed",
    });
    const text = renderPlainText(posts[0]?.message ?? { text: "", blocks: [] });
    expect(text).toContain("Started by ecs-autopilot redeploy: `shop/web:1.5.0`");
    expect(text).toContain(`@sha256:${"c".repeat(64)}`);
  });

  it("reports a placement failure once per cooldown with a capacity hint (real samples)", async () => {
    posts.length = 0;
    const handler = handlerWith();
    const fargate = loadFixture("ecs-service-action-task-placement-failure-fargate-spot.json");
    expect(await handler(fargate, localContext("monitor"))).toMatchObject({ action: "placement-failure" });
    expect(await handler({ ...fargate, id: "again" }, localContext("monitor"))).toMatchObject({
      action: "duplicate",
    });
    const impaired = { ...loadFixture("ecs-service-action-task-start-impaired.json"), id: "doc-impaired" };
    expect(await handler(impaired, localContext("monitor"))).toMatchObject({
      action: "start-impaired",
    });
    const text = renderPlainText(posts[0]?.message ?? { text: "", blocks: [] });
    expect(text).toContain("RESOURCE:FARGATE");
    expect(text).toContain("add FARGATE as a fallback in the capacity provider strategy");
    expect(text).toContain("Capacity providers: `FARGATE_SPOT`");
  });

  it("routes messages by cluster to their own webhook and limits the rate per webhook", async () => {
    world = await createWorld(); // a fresh table: the rate limit counts this minute's messages
    posts.length = 0;
    const config = parseConfig(
      JSON.stringify({
        monitor: {
          rateLimitPerMinute: 1,
          routes: [{ cluster: "payments-*", webhook: "SlackWebhookUrlPayments" }],
        },
      }),
      "test",
    );
    const handler = handlerWith(config);
    const oom = (id: string, cluster: string, service: string) =>
      stoppedTaskEvent({ id, taskId: `t-${id}`, cluster, service, exitCode: 137 });
    expect(await handler(oom("r1", "payments-eu", "ledger"), localContext("monitor"))).toMatchObject({
      sent: ["SlackWebhookUrlPayments: payments-eu/ledger: task stopped (out-of-memory)"],
    });
    expect(await handler(oom("r2", "payments-eu", "refunds"), localContext("monitor"))).toMatchObject({
      sent: [],
      dropped: ["payments-eu/refunds: task stopped (out-of-memory)"],
    });
    expect(await handler(oom("r3", "search", "indexer"), localContext("monitor"))).toMatchObject({
      sent: ["SlackWebhookUrl: search/indexer: task stopped (out-of-memory)"],
    });
    expect(posts.map((p) => p.webhook)).toEqual(["SlackWebhookUrlPayments", "SlackWebhookUrl"]);
  });

  it("says whether an image that could not be pulled exists in ECR", async () => {
    world = await createWorld();
    posts.length = 0;
    await createRepository(world.clients, "shop/search");
    await pushImage(world.clients, "shop/search", "2.0.0");
    const handler = handlerWith();
    const pullFailure = (id: string, tag: string) =>
      stoppedTaskEvent({
        id,
        taskId: `pull-${id}`,
        account: "123456789012",
        region: REGION,
        cluster: "search",
        service: `search-${id}`,
        stopCode: "TaskFailedToStart",
        stoppedReason: `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ecrImage(REGION, "shop/search", tag)}: not found`,
      });
    await handler(pullFailure("p1", "2.0.0"), localContext("monitor"));
    await handler(pullFailure("p2", "9.9.9"), localContext("monitor"));
    const texts = posts.map((p) => renderPlainText(p.message));
    expect(texts[0]).toContain(
      "Image `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/search:2.0.0` exists in ECR.",
    );
    expect(texts[1]).toContain(
      "Image `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/search:9.9.9` is not in ECR.",
    );
  });

  it("tells a Spot reclaim once per cooldown and never counts it towards a crash loop", async () => {
    world = await createWorld();
    posts.length = 0;
    const handler = handlerWith();
    const spot = (i: number) =>
      stoppedTaskEvent({
        id: `spot-${i}`,
        taskId: `spot${i}`,
        service: "render",
        stopCode: "SpotInterruption",
        stoppedReason: "Your Spot Task was interrupted.",
      });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await handler(spot(i), localContext("monitor")));
    expect(results.map((r) => (r as { action: string }).action)).toEqual([
      "alerted",
      "normal-stop",
      "normal-stop",
      "normal-stop",
      "normal-stop",
    ]);
    expect(posts.map((p) => p.message.text)).toEqual([
      "primary-cluster/render: task stopped (spot-interruption)",
    ]);
  });
});
