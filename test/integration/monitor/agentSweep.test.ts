/**
 * The monitor's `monitor-agent-sweep` job: an agent that disconnects and sends no further event is
 * still told, once. The first event, the state table and the delivery are real (moto); the instance
 * is registered in moto. moto 5.2.1 always reports `agentConnected: true` (moto/ecs/models.py sets
 * it and nothing changes it), so the case "still disconnected 15 minutes later" answers
 * DescribeContainerInstances from aws-sdk-client-mock, or (later tests) moto's own answer with
 * `agentConnected` set to false by a client middleware; everything else is moto's.
 */
import {
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  type DescribeContainerInstancesCommandOutput,
  ECSClient,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { SCHEDULED_JOBS } from "../../../core/events/index.ts";
import type { SlackMessage } from "../../../core/notify/index.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { ACCOUNT, registerContainerInstances } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const posts: SlackMessage[] = [];
const instances: Array<{ arn: string; ec2: string }> = [];
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch-ec2`;
const SAMPLE = loadFixture("ecs-container-instance-state-change.json") as {
  detail: Record<string, unknown>;
} & Record<string, unknown>;
const SCHEDULED = loadFixture("scheduled-event.json") as Record<string, unknown>;
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

const disconnected = (instance: number, at: string, detail: Record<string, unknown> = {}) => {
  const target = instances[instance];
  return {
    ...SAMPLE,
    id: `sweep-event-${++eventId}`,
    account: ACCOUNT,
    region: REGION,
    time: at,
    resources: [target?.arn],
    detail: {
      ...SAMPLE.detail,
      clusterArn: CLUSTER,
      containerInstanceArn: target?.arn,
      ec2InstanceId: target?.ec2,
      agentConnected: false,
      status: "ACTIVE",
      runningTasksCount: 1,
      pendingTasksCount: 0,
      updatedAt: at,
      ...detail,
    },
  };
};

/**
 * An ECS client on moto whose DescribeContainerInstances answer is moto's, except that the agent
 * is away (moto 5.2.1 always says `agentConnected: true`) and, for the instances in `withoutEc2`,
 * there is no ec2InstanceId; or that fails with `fail` before reaching moto (moto never throttles).
 */
function awayClient(options: { withoutEc2?: readonly string[]; fail?: Error } = {}) {
  const ecs = new ECSClient({ region: REGION });
  const calls: Array<{ cluster?: string; containerInstances?: string[] }> = [];
  ecs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "DescribeContainerInstancesCommand") return next(args);
      calls.push(args.input as (typeof calls)[number]);
      if (options.fail) throw options.fail;
      const result = await next(args);
      for (const instance of (result.output as DescribeContainerInstancesCommandOutput).containerInstances ??
        []) {
        instance.agentConnected = false;
        if (options.withoutEc2?.includes(instance.containerInstanceArn ?? "")) delete instance.ec2InstanceId;
      }
      return result;
    },
    { step: "initialize", name: "agentAway" },
  );
  return { ecs, calls };
}

/** Forgets every remembered disconnect (each test starts from none). */
async function forgetAll() {
  for (const item of await world.state.queryPartition(stateKeys.agentDisconnects()))
    await world.state.delete(stateKeys.agentDisconnected(item.sk));
}

/** The Scheduled Event sample as the `monitor-agent-sweep` schedule delivers it. */
const sweep = (at: string) => ({
  ...SCHEDULED,
  id: `sweep-${++eventId}`,
  account: ACCOUNT,
  region: REGION,
  time: at,
  resources: [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/monitor-agent-sweep`],
});

describe("the monitor's agent sweep (a disconnect that sends no second event)", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(new CreateClusterCommand({ clusterName: "batch-ec2" }));
    for (const registered of await registerContainerInstances(
      world.clients,
      world.insight.ec2,
      "batch-ec2",
      "c5.xlarge",
      5,
    ))
      instances.push({ arn: registered.arn, ec2: registered.ec2InstanceId });
  }, 60_000);

  it("is a scheduled job of the monitor", () => {
    expect(SCHEDULED_JOBS.find((j) => j.name === "monitor-agent-sweep")).toMatchObject({
      flow: "monitor",
      schedule: "rate(5 minutes)",
    });
  });

  it("tells an agent still away after the grace period once, with no further event from ECS", async () => {
    posts.length = 0;
    const ecs = new ECSClient({ region: REGION });
    const mock = mockClient(ecs);
    mock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        {
          containerInstanceArn: instances[1]?.arn,
          ec2InstanceId: instances[1]?.ec2,
          status: "ACTIVE",
          agentConnected: false,
          runningTasksCount: 1,
          // Tasks placed there since the disconnect wait for the agent.
          pendingTasksCount: 2,
        },
      ],
      failures: [],
    });
    const h = handler(ecs);
    expect(await h(disconnected(1, "2026-11-26T10:00:00Z"), localContext("monitor"))).toMatchObject({
      action: "agent-disconnected-watching",
    });
    // 5 minutes in: within the grace period, ECS is not even asked.
    expect(await h(sweep("2026-11-26T10:05:00Z"), localContext("monitor"))).toMatchObject({
      action: "agent-sweep",
      detail: "1 remembered: 0 to tell, 0 already told, 0 forgotten, 1 within 10 min",
    });
    expect(mock.commandCalls(DescribeContainerInstancesCommand)).toHaveLength(0);
    // 15 minutes in, no event since: ECS says the agent is still away → told.
    expect(await h(sweep("2026-11-26T10:15:00Z"), localContext("monitor"))).toMatchObject({
      action: "agent-sweep",
      detail: "1 remembered: 1 to tell, 0 already told, 0 forgotten, 0 within 10 min",
    });
    expect(mock.commandCalls(DescribeContainerInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, containerInstances: [instances[1]?.arn] },
    ]);
    expect(posts.map((p) => p.text)).toEqual([`ECS agent disconnected: batch-ec2/${instances[1]?.ec2}`]);
    expect(JSON.stringify(posts[0]?.blocks)).toContain(
      "has been disconnected for 15 min (1 task running); 2 tasks wait to start there and cannot.",
    );
    // Once: neither the next sweep nor a late event tells it again.
    expect(await h(sweep("2026-11-26T10:20:00Z"), localContext("monitor"))).toMatchObject({
      detail: "1 remembered: 0 to tell, 1 already told, 0 forgotten, 0 within 10 min",
    });
    expect(await h(disconnected(1, "2026-11-26T10:25:00Z"), localContext("monitor"))).toMatchObject({
      action: "duplicate",
    });
    expect(posts).toHaveLength(1);
  });

  it("forgets a disconnect ECS no longer sees (moto: the agent is connected; then the instance is gone)", async () => {
    posts.length = 0;
    const h = handler();
    await world.state.delete(stateKeys.agentDisconnected(instances[1]?.arn ?? ""));
    await h(disconnected(0, "2026-11-26T11:00:00Z"), localContext("monitor"));
    expect(await world.state.get(stateKeys.agentDisconnected(instances[0]?.arn ?? ""))).toMatchObject({
      since: "2026-11-26T11:00:00.000Z",
      clusterArn: CLUSTER,
    });
    expect(await h(sweep("2026-11-26T11:12:00Z"), localContext("monitor"))).toMatchObject({
      action: "agent-sweep",
      detail: "1 remembered: 0 to tell, 0 already told, 1 forgotten (reconnected), 0 within 10 min",
    });
    expect(await world.state.get(stateKeys.agentDisconnected(instances[0]?.arn ?? ""))).toBeUndefined();
    expect(posts).toEqual([]);
  });
  it("forgets the disconnects of a cluster ECS no longer knows (moto: ClusterNotFoundException)", async () => {
    posts.length = 0;
    await forgetAll();
    const { ecs, calls } = awayClient();
    const h = handler(ecs);
    const gone = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/gone`;
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/gone/0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
    const event = disconnected(0, "2026-11-26T12:00:00Z", { clusterArn: gone, containerInstanceArn: arn });
    await h({ ...event, resources: [arn] }, localContext("monitor"));
    expect(await world.state.get(stateKeys.agentDisconnected(arn))).toMatchObject({ clusterArn: gone });
    expect(await h(sweep("2026-11-26T12:12:00Z"), localContext("monitor"))).toEqual({
      action: "agent-sweep",
      detail: "1 remembered: 0 to tell, 0 already told, 1 forgotten (cluster not found), 0 within 10 min",
    });
    expect(calls).toEqual([{ cluster: gone, containerInstances: [arn] }]);
    expect(await world.state.get(stateKeys.agentDisconnected(arn))).toBeUndefined();
    expect(posts).toEqual([]);
  });

  it("forgets only the instance ECS reports missing (moto's failure names it by its short ARN) and tells the others, named by their EC2 instance", async () => {
    posts.length = 0;
    await forgetAll();
    // Three instances in ARN order (the order the sweep asks ECS in): the last one is deregistered.
    const [first, second, last] = [2, 3, 4].sort((a, b) =>
      (instances[a]?.arn ?? "").localeCompare(instances[b]?.arn ?? ""),
    ) as [number, number, number];
    await world.clients.ecs.send(
      new DeregisterContainerInstanceCommand({
        cluster: "batch-ec2",
        containerInstance: instances[last]?.arn,
      }),
    );
    // The first one's event had no EC2 instance id (ECS's answer names it); ECS's answer about the
    // second has none (the event named it).
    const { ecs, calls } = awayClient({ withoutEc2: [instances[second]?.arn ?? ""] });
    const h = handler(ecs);
    await h(
      disconnected(first, "2026-11-26T13:00:00Z", { ec2InstanceId: undefined }),
      localContext("monitor"),
    );
    await h(disconnected(second, "2026-11-26T13:00:00Z"), localContext("monitor"));
    await h(disconnected(last, "2026-11-26T13:00:00Z"), localContext("monitor"));
    // And one in a cluster deleted since (asked after batch-ec2: the state table's order).
    const gone = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/gone`;
    const away = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/gone/0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
    await h(
      disconnected(0, "2026-11-26T13:00:00Z", { clusterArn: gone, containerInstanceArn: away }),
      localContext("monitor"),
    );
    expect(await h(sweep("2026-11-26T13:10:00Z"), localContext("monitor"))).toEqual({
      action: "agent-sweep",
      detail:
        "4 remembered: 2 to tell, 0 already told, 2 forgotten (ECS: MISSING, cluster not found), 0 within 10 min",
      sent: [
        `SlackWebhookUrl: ECS agent disconnected: batch-ec2/${instances[first]?.ec2}`,
        `SlackWebhookUrl: ECS agent disconnected: batch-ec2/${instances[second]?.ec2}`,
      ],
      dropped: [],
    });
    expect(calls).toEqual([
      { cluster: CLUSTER, containerInstances: [first, second, last].map((i) => instances[i]?.arn) },
      { cluster: gone, containerInstances: [away] },
    ]);
    expect(JSON.stringify(posts[0]?.blocks)).toContain("has been disconnected for 10 min (0 tasks running)");
    expect(JSON.stringify(posts[0]?.blocks)).toContain("status ACTIVE");
    expect(await world.state.get(stateKeys.agentDisconnected(instances[last]?.arn ?? ""))).toBeUndefined();
    for (const kept of [first, second])
      expect(await world.state.get(stateKeys.agentDisconnected(instances[kept]?.arn ?? ""))).toMatchObject({
        since: "2026-11-26T13:00:00.000Z",
      });
  });

  it("keeps every disconnect when ECS cannot be asked (throttled): the next sweep asks again", async () => {
    posts.length = 0;
    await forgetAll();
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const { ecs } = awayClient({ fail: throttled });
    const h = handler(ecs);
    await h(disconnected(0, "2026-11-26T14:00:00Z"), localContext("monitor"));
    await expect(h(sweep("2026-11-26T14:15:00Z"), localContext("monitor"))).rejects.toThrow("Rate exceeded");
    expect(await world.state.get(stateKeys.agentDisconnected(instances[0]?.arn ?? ""))).toMatchObject({
      since: "2026-11-26T14:00:00.000Z",
    });
    expect(posts).toEqual([]);
  });
});
