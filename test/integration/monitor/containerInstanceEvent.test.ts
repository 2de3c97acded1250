/**
 * "ECS Container Instance State Change" through the monitor's Lambda handler, against moto: the
 * two AWS samples as they are, and events derived from them (one field changed at a time) for an
 * instance registered in moto with tasks started on it.
 */
import {
  CreateClusterCommand,
  type DescribeServicesCommandOutput,
  ECSClient,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { alertOnce } from "../../../core/monitor/containerInstanceEvent.ts";
import { tasksThatStay } from "../../../core/monitor/index.ts";
import type { SlackMessage } from "../../../core/notify/index.ts";
import { epochSeconds, stateKeys } from "../../../core/state/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { ACCOUNT, createService, ecrImage, registerContainerInstances } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const posts: SlackMessage[] = [];
const SAMPLE = loadFixture("ecs-container-instance-state-change.json") as {
  detail: Record<string, unknown>;
} & Record<string, unknown>;
const instances: Array<{ arn: string; ec2: string }> = [];
let eventId = 0;

const handler = (ecs = world.clients.ecs) =>
  createMonitorHandler(
    createRuntime("monitor", {
      clients: { ...world.clients, ecs },
      tableName: world.tableName,
      config: parseConfig("{}", "test"),
      notifier: { post: async (message) => void posts.push(message) },
    }),
  );

/** The AWS sample with this instance and the given fields in `detail`. */
function event(instance: number, at: string, detail: Record<string, unknown>) {
  const target = instances[instance];
  return {
    ...SAMPLE,
    id: `ci-event-${++eventId}`,
    account: ACCOUNT,
    region: REGION,
    time: at,
    resources: [target?.arn],
    detail: {
      ...SAMPLE.detail,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch-ec2`,
      containerInstanceArn: target?.arn,
      ec2InstanceId: target?.ec2,
      updatedAt: at,
      ...detail,
    },
  };
}

describe("the monitor on ECS Container Instance State Change", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    const { ecs } = world.clients;
    await ecs.send(new CreateClusterCommand({ clusterName: "batch-ec2" }));
    for (const registered of await registerContainerInstances(
      world.clients,
      world.insight.ec2,
      "batch-ec2",
      "c5.xlarge",
      9,
    ))
      instances.push({ arn: registered.arn, ec2: registered.ec2InstanceId });
    await createService(world.clients, {
      cluster: "batch-ec2",
      name: "web",
      launchType: "EC2",
      desiredCount: 1,
      containers: [
        { name: "app", image: ecrImage(REGION, "shop/web", "1.0"), cpu: 512, memory: 1024, essential: true },
      ],
      taskDefinition: { cpu: undefined, memory: undefined },
    });
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "report-job",
        containerDefinitions: [
          { name: "job", image: ecrImage(REGION, "shop/report", "1.0"), cpu: 256, memory: 512 },
        ],
      }),
    );
    // Instance 0: a web task and a standalone report job. Instance 1: a web task only.
    const start = (instance: number, taskDefinition: string, group?: string) =>
      ecs.send(
        new StartTaskCommand({
          cluster: "batch-ec2",
          taskDefinition,
          containerInstances: [instances[instance]?.arn ?? ""],
          ...(group ? { group } : {}),
        }),
      );
    await createService(world.clients, {
      cluster: "batch-ec2",
      name: "ledger",
      launchType: "EC2",
      desiredCount: 1,
      containers: [
        {
          name: "app",
          image: ecrImage(REGION, "shop/ledger", "1.0"),
          cpu: 256,
          memory: 512,
          essential: true,
        },
      ],
      taskDefinition: { cpu: undefined, memory: undefined },
    });
    await start(0, "web", "service:web");
    await start(0, "report-job");
    await start(1, "web", "service:web");
    // Instance 4: a ledger task and a web task. Instance 5: a report job that was stopped.
    await start(4, "ledger", "service:ledger");
    await start(4, "web", "service:web");
    const job = await start(5, "report-job");
    await ecs.send(
      new StopTaskCommand({ cluster: "batch-ec2", task: job.tasks?.[0]?.taskArn, reason: "done early" }),
    );
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: "batch-ec2",
        containerInstances: [0, 1, 4, 5].map((i) => instances[i]?.arn ?? ""),
        status: "DRAINING",
      }),
    );
  }, 60_000);

  it("accepts both AWS samples as they are (ACTIVE, agent connected) and stays quiet", async () => {
    posts.length = 0;
    for (const file of [
      "ecs-container-instance-state-change.json",
      "ecs-container-instance-state-change.lambda-go.json",
    ])
      expect(await handler()(loadFixture(file), localContext("monitor"))).toEqual({
        action: "ignored",
        detail: "ACTIVE, agent connected",
      });
    expect(posts).toEqual([]);
  });

  it("waits out routine agent reconnects and tells once when the agent stays away", async () => {
    posts.length = 0;
    const h = handler();
    const disconnected = { agentConnected: false, status: "ACTIVE", runningTasksCount: 1 };
    const at = (minutes: number) =>
      new Date(Date.UTC(2026, 10, 26, 9, minutes)).toISOString().replace(".000", "");
    const actions = [];
    for (const [minutes, detail] of [
      [0, disconnected],
      [3, disconnected],
      [4, { agentConnected: true, status: "ACTIVE" }],
      [20, disconnected],
      [26, disconnected],
      [31, disconnected],
      [45, disconnected],
    ] as const)
      actions.push(
        ((await h(event(2, at(minutes), detail), localContext("monitor"))) as { action: string }).action,
      );
    expect(actions).toEqual([
      "agent-disconnected-watching",
      "agent-disconnected-watching",
      // The reconnect forgets the first disconnect: the clock starts again at 20.
      "ignored",
      "agent-disconnected-watching",
      "agent-disconnected-watching",
      "agent-disconnected",
      "duplicate",
    ]);
    expect(posts.map((p) => p.text)).toEqual([`ECS agent disconnected: batch-ec2/${instances[2]?.ec2}`]);
    expect(JSON.stringify(posts[0]?.blocks)).toContain("has been disconnected for 11 min (1 task running)");
    expect(JSON.stringify(posts[0]?.blocks)).toContain("sudo systemctl status ecs");
  });

  it("tells at once when tasks wait to start on an instance whose agent is away", async () => {
    posts.length = 0;
    const result = await handler()(
      event(3, "2026-11-26T10:00:00Z", { agentConnected: false, status: "ACTIVE", pendingTasksCount: 2 }),
      localContext("monitor"),
    );
    expect(result).toMatchObject({ action: "agent-disconnected", detail: "0 min" });
    expect(JSON.stringify(posts[0]?.blocks)).toContain("2 tasks wait to start there and cannot");
  });

  it("names the tasks a draining instance keeps (a standalone job), once, and stays quiet while service tasks move", async () => {
    posts.length = 0;
    const h = handler();
    const draining = { agentConnected: true, status: "DRAINING", runningTasksCount: 2 };
    expect(await h(event(0, "2026-11-26T11:00:00Z", draining), localContext("monitor"))).toEqual({
      action: "draining-stuck",
      detail: "1 of 2 tasks stay",
      sent: [`SlackWebhookUrl: Draining instance keeps tasks: batch-ec2/${instances[0]?.ec2}`],
      dropped: [],
    });
    expect(await h(event(0, "2026-11-26T11:05:00Z", draining), localContext("monitor"))).toEqual({
      action: "duplicate",
      detail: "the tasks that stay were already reported",
    });
    expect(
      await h(
        event(1, "2026-11-26T11:00:00Z", { ...draining, runningTasksCount: 1 }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "draining", detail: "1 service tasks being replaced" });
    expect(posts.map((p) => p.text)).toEqual([
      `Draining instance keeps tasks: batch-ec2/${instances[0]?.ec2}`,
    ]);
    const body = JSON.stringify(posts[0]?.blocks);
    expect(body).toContain("(family:report-job): belongs to no service: ECS does not stop or replace it");
    expect(body).not.toContain("service:web");
    expect(body).toContain("aws ecs stop-task");
  });

  it("tells when an instance leaves the cluster with tasks still on it, not when it leaves empty", async () => {
    posts.length = 0;
    const h = handler();
    expect(
      await h(
        event(1, "2026-11-26T12:00:00Z", { agentConnected: false, status: "INACTIVE", runningTasksCount: 0 }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "instance-left", detail: "INACTIVE with no running task" });
    expect(
      await h(
        event(0, "2026-11-26T12:00:00Z", {
          agentConnected: false,
          status: "DEREGISTERING",
          runningTasksCount: 2,
          statusReason: "Instance deregistration forced by user",
        }),
        localContext("monitor"),
      ),
    ).toMatchObject({ action: "instance-leaving", detail: "2 tasks", dropped: [] });
    expect(posts.map((p) => p.text)).toEqual([
      `Instance leaving the cluster with tasks: batch-ec2/${instances[0]?.ec2}`,
    ]);
    const body = JSON.stringify(posts[0]?.blocks);
    expect(body).toContain("DEREGISTERING (2 tasks running)");
    expect(body).toContain("Instance deregistration forced by user");
    expect(body).toContain("instance-retirement");
  });

  it("knows which service tasks cannot move: 100 % minimum and 100 % maximum (moto does not keep deployment configurations)", () => {
    const stuck = tasksThatStay(
      [
        { taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch-ec2/a", group: "service:ledger" },
        { taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch-ec2/b", group: "service:web" },
      ],
      new Map([
        ["ledger", { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 } }],
        ["web", { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } }],
      ]),
    );
    expect(stuck).toEqual([
      {
        taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch-ec2/a",
        group: "service:ledger",
        why: "service ledger has minimumHealthyPercent 100 and maximumPercent 100: ECS can neither start a replacement first nor stop the task first",
      },
    ]);
  });
  it("tells a disconnect that lasts exactly the grace period (10 min), not one of 9 min", async () => {
    posts.length = 0;
    const h = handler();
    // No runningTasksCount in these events: the message says nothing of running tasks.
    const away = {
      agentConnected: false,
      status: "ACTIVE",
      runningTasksCount: undefined,
      pendingTasksCount: 0,
    };
    expect(await h(event(6, "2026-11-26T09:00:00Z", away), localContext("monitor"))).toEqual({
      action: "agent-disconnected-watching",
      detail:
        "agent disconnected 0 min ago; agents reconnect several times an hour, a message follows after 10 min (the next event or the sweep)",
    });
    expect(await h(event(6, "2026-11-26T09:09:00Z", away), localContext("monitor"))).toEqual({
      action: "agent-disconnected-watching",
      detail:
        "agent disconnected 9 min ago; agents reconnect several times an hour, a message follows after 10 min (the next event or the sweep)",
    });
    expect(await h(event(6, "2026-11-26T09:10:00Z", away), localContext("monitor"))).toEqual({
      action: "agent-disconnected",
      detail: "10 min",
      sent: [`SlackWebhookUrl: ECS agent disconnected: batch-ec2/${instances[6]?.ec2}`],
      dropped: [],
    });
    expect(JSON.stringify(posts[0]?.blocks)).toContain(
      "has been disconnected for 10 min. ECS places nothing on it while it is away.",
    );
    expect(await h(event(6, "2026-11-26T09:20:00Z", away), localContext("monitor"))).toEqual({
      action: "duplicate",
      detail: "the disconnected agent was already reported",
    });
    expect(posts).toHaveLength(1);
    // Told once a day: the "told" record of this instance and kind lasts a day from now.
    const once = alertOnce(instances[6]?.arn ?? "", "agent-disconnected");
    const told = await world.state.get(stateKeys.once(once.kind, once.id));
    expect(told).toMatchObject({ status: "done" });
    const left = Number(told?.expiration) - epochSeconds(new Date());
    expect(left).toBeGreaterThan(24 * 60 * 60 - 60);
    expect(left).toBeLessThanOrEqual(24 * 60 * 60);
  });

  it("remembers a disconnect for a day with what the sweep needs: since, cluster, region, EC2 instance", async () => {
    const h = handler();
    const key = stateKeys.agentDisconnected(instances[7]?.arn ?? "");
    await h(
      event(7, "2026-11-26T13:00:00Z", { agentConnected: false, status: "ACTIVE" }),
      localContext("monitor"),
    );
    const item = (await world.state.get(key)) as Record<string, unknown>;
    const { expiration, ...remembered } = item;
    expect(remembered).toEqual({
      ...key,
      since: "2026-11-26T13:00:00.000Z",
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch-ec2`,
      region: REGION,
      ec2InstanceId: instances[7]?.ec2,
    });
    // Kept a day from now (the state table's clock), so that the sweep finds it.
    const left = Number(expiration) - epochSeconds(new Date());
    expect(left).toBeGreaterThan(24 * 60 * 60 - 60);
    expect(left).toBeLessThanOrEqual(24 * 60 * 60);
    // A later event of the same disconnect keeps the first time.
    await h(
      event(7, "2026-11-26T13:04:00Z", { agentConnected: false, status: "ACTIVE" }),
      localContext("monitor"),
    );
    expect(await world.state.get(key)).toMatchObject({ since: "2026-11-26T13:00:00.000Z" });
    // A reconnect forgets it.
    expect(
      await h(
        event(7, "2026-11-26T13:05:00Z", { agentConnected: true, status: "ACTIVE" }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "ignored", detail: "ACTIVE, agent connected" });
    expect(await world.state.get(key)).toBeUndefined();
  });

  it("a late reconnect (an earlier one, delivered out of order or redriven from the DLQ) leaves a later disconnect remembered", async () => {
    posts.length = 0;
    const h = handler();
    const key = stateKeys.agentDisconnected(instances[8]?.arn ?? "");
    const disconnected = { agentConnected: false, status: "ACTIVE", runningTasksCount: 1 };
    const connected = { agentConnected: true, status: "ACTIVE" };
    // 14:00 disconnected; the reconnect of 13:50 (before it) arrives after it.
    await h(event(8, "2026-11-26T14:00:00Z", disconnected), localContext("monitor"));
    expect(await h(event(8, "2026-11-26T13:50:00Z", connected), localContext("monitor"))).toEqual({
      action: "ignored",
      detail: "ACTIVE, agent connected",
    });
    expect(await world.state.get(key)).toMatchObject({ since: "2026-11-26T14:00:00.000Z" });
    // The disconnect still counts from 14:00: at 14:10 it is told.
    expect(await h(event(8, "2026-11-26T14:10:00Z", disconnected), localContext("monitor"))).toMatchObject({
      action: "agent-disconnected",
      detail: "10 min",
    });
    // A reconnect at the time of the disconnect or after it forgets it.
    await h(event(8, "2026-11-26T14:12:00Z", connected), localContext("monitor"));
    expect(await world.state.get(key)).toBeUndefined();
    // With nothing remembered, a reconnect is quiet and remembers nothing.
    await h(event(8, "2026-11-26T14:13:00Z", connected), localContext("monitor"));
    expect(await world.state.get(key)).toBeUndefined();
  });

  it("fails the invocation when a reconnect's delete fails for another reason than its condition (so it is retried)", async () => {
    // moto cannot throttle: the refusal is a middleware on this test's DynamoDB client, as
    // DynamoDB's ThrottlingException reaches the SDK; every other call goes to moto.
    let refuse = true;
    world.clients.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (refuse && context.commandName === "DeleteItemCommand")
          throw Object.assign(new Error("Rate of requests exceeds the allowed throughput."), {
            name: "ThrottlingException",
            $metadata: { httpStatusCode: 400 },
          });
        return next(args);
      },
      { step: "initialize", name: "refuse-delete-item" },
    );
    try {
      const connected = { agentConnected: true, status: "ACTIVE" };
      await expect(
        handler()(event(8, "2026-11-26T15:00:00Z", connected), localContext("monitor")),
      ).rejects.toThrow("Rate of requests exceeds the allowed throughput.");
    } finally {
      refuse = false;
      world.clients.dynamodb.middlewareStack.remove("refuse-delete-item");
    }
  });

  it("names an instance by its container instance id when the event has no EC2 instance id, and remembers none", async () => {
    posts.length = 0;
    const key = stateKeys.agentDisconnected(instances[7]?.arn ?? "");
    const id = instances[7]?.arn.split("/").pop();
    expect(
      await handler()(
        event(7, "2026-11-26T14:00:00Z", {
          agentConnected: false,
          status: "ACTIVE",
          ec2InstanceId: undefined,
          runningTasksCount: 0,
          pendingTasksCount: 1,
        }),
        localContext("monitor"),
      ),
    ).toEqual({
      action: "agent-disconnected",
      detail: "0 min",
      sent: [`SlackWebhookUrl: ECS agent disconnected: batch-ec2/${id}`],
      dropped: [],
    });
    expect(JSON.stringify(posts[0]?.blocks)).toContain(
      "has been disconnected for 0 min (0 tasks running); 1 task waits to start there and cannot.",
    );
    expect(Object.keys((await world.state.get(key)) ?? {})).not.toContain("ec2InstanceId");
  });

  it("stays quiet for an instance that leaves empty (DEREGISTERING, or no task count), tells once one that leaves with tasks (INACTIVE)", async () => {
    posts.length = 0;
    const h = handler();
    expect(
      await h(
        event(6, "2026-11-26T15:00:00Z", {
          agentConnected: true,
          status: "DEREGISTERING",
          runningTasksCount: 0,
        }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "instance-left", detail: "DEREGISTERING with no running task" });
    expect(
      await h(
        event(6, "2026-11-26T15:01:00Z", {
          agentConnected: true,
          status: "DEREGISTERING",
          runningTasksCount: undefined,
        }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "instance-left", detail: "DEREGISTERING with no running task" });
    const inactive = { agentConnected: true, status: "INACTIVE", runningTasksCount: 3 };
    expect(await h(event(6, "2026-11-26T15:02:00Z", inactive), localContext("monitor"))).toEqual({
      action: "instance-leaving",
      detail: "3 tasks",
      sent: [`SlackWebhookUrl: Instance leaving the cluster with tasks: batch-ec2/${instances[6]?.ec2}`],
      dropped: [],
    });
    expect(JSON.stringify(posts[0]?.blocks)).toContain(
      "is INACTIVE (3 tasks running): service tasks are replaced",
    );
    expect(await h(event(6, "2026-11-26T15:03:00Z", inactive), localContext("monitor"))).toEqual({
      action: "duplicate",
      detail: "leaving the cluster was already reported",
    });
    expect(posts).toHaveLength(1);
  });

  it("takes a DRAINING event with no running task at its word (no ECS read), and finds a drain done when ECS runs none there", async () => {
    posts.length = 0;
    const h = handler();
    world.counter.reset();
    // Instance 1 still has a web task in moto; the event says the drain is done.
    expect(
      await h(
        event(1, "2026-11-26T16:00:00Z", { agentConnected: true, status: "DRAINING", runningTasksCount: 0 }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "drained", detail: "no task left on the instance" });
    expect(world.counter.total((k) => k.startsWith("ECS"))).toBe(0);
    // Instance 5: the event still counts a task, but its only task (a report job) was stopped:
    // ListTasks finds no running task, and there is nothing to describe.
    world.counter.reset();
    expect(
      await h(
        event(5, "2026-11-26T16:00:00Z", { agentConnected: true, status: "DRAINING", runningTasksCount: 1 }),
        localContext("monitor"),
      ),
    ).toEqual({ action: "drained", detail: "no task left on the instance" });
    expect(Object.entries(world.counter.byOperation()).filter(([call]) => call.startsWith("ECS."))).toEqual([
      ["ECS.ListTasks", 1],
    ]);
    expect(posts).toEqual([]);
  });

  it("names a service task that cannot move (100 % / 100 %) on a draining instance, and not the service task that can", async () => {
    posts.length = 0;
    // moto 5.2.1 neither keeps nor returns a service's deploymentConfiguration: a middleware adds
    // ledger's (100 % / 100 %) and web's (100 % / 200 %) to moto's DescribeServices answer.
    const ecs = new ECSClient({ region: REGION });
    const deployment: Record<string, { minimumHealthyPercent: number; maximumPercent: number }> = {
      ledger: { minimumHealthyPercent: 100, maximumPercent: 100 },
      web: { minimumHealthyPercent: 100, maximumPercent: 200 },
    };
    ecs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "DescribeServicesCommand")
          for (const service of (result.output as DescribeServicesCommandOutput).services ?? [])
            service.deploymentConfiguration = deployment[service.serviceName ?? ""];
        return result;
      },
      { step: "initialize", name: "motoDeploymentConfiguration" },
    );
    const result = await handler(ecs)(
      event(4, "2026-11-26T17:00:00Z", { agentConnected: true, status: "DRAINING", runningTasksCount: 2 }),
      localContext("monitor"),
    );
    expect(result).toEqual({
      action: "draining-stuck",
      detail: "1 of 2 tasks stay",
      sent: [`SlackWebhookUrl: Draining instance keeps tasks: batch-ec2/${instances[4]?.ec2}`],
      dropped: [],
    });
    const body = JSON.stringify(posts[0]?.blocks);
    expect(body).toContain(
      "(service:ledger): service ledger has minimumHealthyPercent 100 and maximumPercent 100: ECS can neither start a replacement first nor stop the task first",
    );
    expect(body).not.toContain("(service:web)");
  });
});
