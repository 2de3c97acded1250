/**
 * A service with an app and a sidecar from two repositories, both on a mutable tag (`main`, policy
 * `force`), pushed by one pipeline seconds apart, the sidecar's event handled first (EventBridge
 * does not order events). Each container's push time is its own (`autopilot:source-time:<container>`),
 * so the app push is judged against the app's last push, not the sidecar's, and deploys. Found in
 * review: it was compared with the revision's one source time (the sidecar's push) and skipped as
 * "superseded … delivered out of order", its new digest never deployed.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
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
async function pushed(world: World, repository: string, tag: string, time: string, content: string) {
  const digest = await pushImage(world.clients, repository, tag, content);
  const id = `00000000-0000-4000-8f11-${String(++serial).padStart(12, "0")}`;
  return { digest, event: ecrPushEvent({ region: REGION, repository, digest, tag, id, time }) };
}

describe("mutable tags, two repositories", () => {
  it("an app push handled after a sidecar push made seconds later still deploys", async () => {
    const world = await createWorld();
    const slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/mt-app");
    await createRepository(world.clients, "shop/mt-side");
    await pushImage(world.clients, "shop/mt-app", "main", "app-v0");
    await pushImage(world.clients, "shop/mt-side", "main", "side-v0");
    await createService(world.clients, {
      cluster: "prod",
      name: "mt",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "force" },
      containers: [
        { name: "app", image: ecrImage(REGION, "shop/mt-app", "main"), essential: true },
        { name: "side", image: ecrImage(REGION, "shop/mt-side", "main"), essential: false },
      ],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    const app = await pushed(world, "shop/mt-app", "main", "2026-11-26T10:00:00Z", "app-v1");
    const side = await pushed(world, "shop/mt-side", "main", "2026-11-26T10:00:05Z", "side-v1");

    expect(await handler(side.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    expect(await handler(app.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });

    const d = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["mt"] }),
    );
    const td = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: d.services?.[0]?.taskDefinition ?? "" }),
    );
    const images = Object.fromEntries(
      (td.taskDefinition?.containerDefinitions ?? []).map((c) => [c.name, c.image ?? ""]),
    );
    expect(images.side).toContain(side.digest);
    expect(images.app).toContain(app.digest);
  });
});
