/**
 * A service whose containers come from two repositories (an app and a sidecar) queues one push per
 * repository: newest wins within a repository, never across them. Found in review, when a service
 * had one queue slot and newest-wins compared a push of one repository with a queued push of the other:
 * (a) rolling out: the sidecar push replaced the queued app push ("superseded"), which never deployed;
 * (b) idle with the app push still queued: the sidecar push, pushed a few seconds earlier, was
 *     skipped as "superseded" by it, and never deployed.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { pushFromEvent } from "../../../core/redeploy/index.ts";
import { listPendingPushes, queuePendingPush } from "../../../core/redeploy/pendingPushes.ts";
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
import { createWorld, REGION, type World } from "../../support/world.ts";

let serial = 0;

async function setUp(name: string, desiredCount: number) {
  const world = await createWorld();
  const slack = new TerminalNotifier(() => undefined);
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, `shop/${name}-app`);
  await createRepository(world.clients, `shop/${name}-side`);
  await pushImage(world.clients, `shop/${name}-app`, "1.0.0");
  await pushImage(world.clients, `shop/${name}-side`, "1.0.0", "side-1.0.0");
  const created = await createService(world.clients, {
    cluster: "prod",
    name,
    desiredCount,
    tags: { "autopilot:redeploy": "minor" },
    containers: [
      { name: "app", image: ecrImage(REGION, `shop/${name}-app`, "1.0.0"), essential: true },
      { name: "side", image: ecrImage(REGION, `shop/${name}-side`, "1.0.0"), essential: false },
    ],
  });
  const handler = createRedeployHandler(
    createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
  );
  return {
    world,
    slack,
    handler,
    serviceArn: created.serviceArn ?? "",
    deployment: created.deployments?.[0]?.id ?? "",
  };
}

async function pushed(world: World, repository: string, tag: string, time: string, content: string) {
  const digest = await pushImage(world.clients, repository, tag, content);
  const id = `00000000-0000-4000-8000-${String(++serial).padStart(12, "0")}`;
  return { digest, event: ecrPushEvent({ region: REGION, repository, digest, tag, id, time }) };
}

async function images(world: World, service: string): Promise<Record<string, string>> {
  const d = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "prod", services: [service] }),
  );
  const td = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: d.services?.[0]?.taskDefinition ?? "" }),
  );
  return Object.fromEntries(
    (td.taskDefinition?.containerDefinitions ?? []).map((c) => [c.name, c.image ?? ""]),
  );
}

const end = (serviceArn: string, deploymentId: string) =>
  deploymentEvent({
    id: `deployment-11d-${++serial}`,
    sample: "ecs-deployment-state-change-completed.json",
    account: "123456789012",
    region: REGION,
    serviceArn,
    deploymentId,
  });

describe("one service, two repositories", () => {
  it("(a) rolling out: an app push and then a sidecar push are both deployed once the roll-out ends", async () => {
    const { world, handler, serviceArn, deployment } = await setUp("duo", 4);
    const app = await pushed(world, "shop/duo-app", "1.1.0", "2026-11-26T10:00:00Z", "app-1.1.0");
    const side = await pushed(world, "shop/duo-side", "1.1.0", "2026-11-26T10:00:10Z", "side-1.1.0");
    expect(await handler(app.event, localContext("redeploy"))).toMatchObject({ queued: 1 });
    expect(await handler(side.event, localContext("redeploy"))).toMatchObject({ queued: 1, skipped: 0 });
    expect((await listPendingPushes(world.state)).map((p) => p.push.repository).sort()).toEqual([
      "shop/duo-app",
      "shop/duo-side",
    ]);
    expect(await handler(end(serviceArn, deployment), localContext("redeploy"))).toMatchObject({
      status: "released",
    });
    const now = await images(world, "duo");
    expect(now.side).toContain(side.digest);
    expect(now.app).toContain(app.digest);
  });

  it("(b) idle, app push still queued: a sidecar push pushed just before it is not dropped", async () => {
    const { world, handler, serviceArn, deployment } = await setUp("trio", 1);
    const side = await pushed(world, "shop/trio-side", "1.1.0", "2026-11-26T09:59:58Z", "side-1.1.0");
    const app = await pushed(world, "shop/trio-app", "1.1.0", "2026-11-26T10:00:00Z", "app-1.1.0");
    // The app push was queued behind the service's deployment, whose end is not handled yet.
    await queuePendingPush(
      world.state,
      {
        push: pushFromEvent(app.event),
        serviceArn,
        clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
        behind: deployment,
        queuedAt: "2026-11-26T10:00:01Z",
      },
      undefined,
    );
    expect(await handler(side.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    expect(await handler(end(serviceArn, deployment), localContext("redeploy"))).toMatchObject({
      status: "released",
    });
    const now = await images(world, "trio");
    expect(now.app).toContain(app.digest);
    expect(now.side).toContain(side.digest);
  });
});
