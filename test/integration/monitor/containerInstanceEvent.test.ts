/**
 * "ECS Container Instance State Change" through the monitor's Lambda handler, against moto: the
 * two AWS samples as they are, and events derived from them (one field changed at a time) for an
 * instance registered in moto with tasks started on it.
 */
import {
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  StartTaskCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { tasksThatStay } from "../../../core/monitor/index.ts";
import type { SlackMessage } from "../../../core/notify/index.ts";
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

const handler = () =>
  createMonitorHandler(
    createRuntime("monitor", {
      clients: world.clients,
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
      4,
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
    await start(0, "web", "service:web");
    await start(0, "report-job");
    await start(1, "web", "service:web");
    await ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: "batch-ec2",
        containerInstances: [instances[0]?.arn ?? "", instances[1]?.arn ?? ""],
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
    expect(await h(event(0, "2026-11-26T11:05:00Z", draining), localContext("monitor"))).toMatchObject({
      action: "duplicate",
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
});
