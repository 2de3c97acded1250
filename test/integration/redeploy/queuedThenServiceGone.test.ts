/**
 * A push is queued behind a roll-out ("queued behind deployment X: deploys when it finishes"), then
 * the service stops taking it: deleted, or its autopilot:redeploy tag removed. The queue entry goes
 * and Slack, which was told "queued", hears once what became of it. Found in review: the entry was
 * forgotten and nothing was posted.
 */
import {
  ClusterNotFoundException,
  DeleteServiceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { listPendingPushes } from "../../../core/redeploy/pendingPushes.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION } from "../../support/world.ts";

let serial = 0;

async function queuedPush(name: string) {
  const world = await createWorld();
  const slack = new TerminalNotifier(() => undefined);
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, `shop/${name}`);
  await pushImage(world.clients, `shop/${name}`, "1.0.0");
  const created = await createService(world.clients, {
    cluster: "prod",
    name,
    desiredCount: 4, // moto keeps this deployment IN_PROGRESS
    tags: { "autopilot:redeploy": "minor" },
    containers: [{ name, image: ecrImage(REGION, `shop/${name}`, "1.0.0"), essential: true }],
  });
  const handler = createRedeployHandler(
    createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
  );
  const digest = await pushImage(world.clients, `shop/${name}`, "1.1.0", "v1.1.0");
  const id = `00000000-0000-4000-8f12-${String(++serial).padStart(12, "0")}`;
  const event = ecrPushEvent({
    region: REGION,
    repository: `shop/${name}`,
    digest,
    tag: "1.1.0",
    id,
    time: "2026-11-26T10:00:00Z",
  });
  expect(await handler(event, localContext("redeploy"))).toMatchObject({ queued: 1 });
  const serviceArn = created.serviceArn ?? "";
  const deployment = created.deployments?.[0]?.id ?? "";
  const end = () =>
    deploymentEvent({
      id: `deployment-11f-${++serial}`,
      sample: "ecs-deployment-state-change-completed.json",
      account: "123456789012",
      region: REGION,
      serviceArn,
      deploymentId: deployment,
    });
  return { world, slack, handler, serviceArn, end };
}

describe("a queued push whose service stops taking it", () => {
  it("autopilot:redeploy tag removed: the entry goes and Slack hears once that the queued push was dropped", async () => {
    const { world, slack, handler, serviceArn, end } = await queuedPush("untag");
    await world.clients.ecs.send(
      new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ["autopilot:redeploy"] }),
    );
    expect(await handler(end(), localContext("redeploy"))).toMatchObject({
      reports: [{ deployed: 0, services: [{ result: "skip:not-tracked" }] }],
    });
    expect(await listPendingPushes(world.state)).toEqual([]);
    // told "queued" once, then what became of it once
    expect(slack.messages.length).toBe(2);
  });

  it("autopilot:redeploy=off: for comparison", async () => {
    const { world, slack, handler, serviceArn, end } = await queuedPush("offtag");
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: serviceArn,
        tags: [{ key: "autopilot:redeploy", value: "off" }],
      }),
    );
    expect(await handler(end(), localContext("redeploy"))).toMatchObject({
      reports: [{ deployed: 0, services: [{ result: "skip:policy-off" }] }],
    });
    expect(await listPendingPushes(world.state)).toEqual([]);
    expect(slack.messages.length).toBe(2);
  });

  it("service deleted: the entry goes and Slack hears once that the queued push was dropped", async () => {
    const { world, slack, handler, end } = await queuedPush("gone");
    await world.clients.ecs.send(new DeleteServiceCommand({ cluster: "prod", service: "gone", force: true }));
    expect(await handler(end(), localContext("redeploy"))).toMatchObject({
      reports: [{ deployed: 0, services: [{ result: "skip:inactive" }] }],
    });
    expect(await listPendingPushes(world.state)).toEqual([]);
    expect(slack.messages.length).toBe(2);
    expect(JSON.stringify(slack.messages[1]?.blocks)).toContain(
      "the service no longer exists (deleted, or its cluster is): the queued push was dropped",
    );
  });

  it("cluster deleted: DescribeServices answers ClusterNotFoundException, and the push is dropped and told the same way", async () => {
    const { world, slack, handler, end } = await queuedPush("nocluster");
    await world.clients.ecs.send(
      new DeleteServiceCommand({ cluster: "prod", service: "nocluster", force: true }),
    );
    // moto 5.2.1 describes services of a deleted cluster without an error; ECS answers
    // ClusterNotFoundException once the cluster is gone, which is answered here on the client.
    world.clients.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "DescribeServicesCommand")
          throw new ClusterNotFoundException({ message: "Cluster not found.", $metadata: {} });
        return next(args);
      },
      { step: "initialize", name: "clusterGone" },
    );
    expect(await handler(end(), localContext("redeploy"))).toMatchObject({
      reports: [{ deployed: 0, services: [{ result: "skip:inactive" }] }],
    });
    world.clients.ecs.middlewareStack.remove("clusterGone");
    expect(await listPendingPushes(world.state)).toEqual([]);
    expect(slack.messages.length).toBe(2);
  });
});
