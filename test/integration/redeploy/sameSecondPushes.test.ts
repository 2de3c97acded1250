/**
 * Two pushes of one mutable tag in the same second (EventBridge `time` has whole seconds), during
 * a roll-out. Build 41's event is handled first and queued while `main` still names it; build 42
 * moves `main` in the same second. Found in review: newest-wins fell back to the (random) event
 * ids, build 42's event lost to the queued one, and at the release the queued build 41 was stale
 * by the tag check: neither deployed. ECR's answer (`main` names build 42) now decides first.
 */
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
import { runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("two pushes of a tag in the same second, during a roll-out", () => {
  it("ends with the digest the tag names running (ECR says which push is newer)", async () => {
    const world = await createWorld();
    const posted: string[] = [];
    const slack = new TerminalNotifier((line) => posted.push(line));
    const repository = "shop/samesecond";
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, repository);
    // Each build keeps its own tag too (moto drops an image whose only tag moves; ECR keeps it untagged).
    await pushImage(world.clients, repository, "build-40", "build-40");
    await pushImage(world.clients, repository, "main", "build-40");
    // desiredCount 4: moto keeps the first deployment IN_PROGRESS, so pushes queue behind it.
    const created = await createService(world.clients, {
      cluster: "prod",
      name: "samesecond",
      desiredCount: 4,
      tags: { "autopilot:redeploy": "force" },
      containers: [{ name: "samesecond", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    const time = "2026-11-26T10:00:00Z";
    // Build 41: its event is handled while `main` still names it, and queues.
    await pushImage(world.clients, repository, "build-41", "build-41");
    const d41 = await pushImage(world.clients, repository, "main", "build-41");
    const e41 = ecrPushEvent({
      region: REGION,
      repository,
      digest: d41,
      tag: "main",
      id: "ffffffff-0000-4000-8000-000000000041",
      time,
    });
    expect(await handler(e41, localContext("redeploy"))).toMatchObject({ queued: 1 });
    // Build 42, the same second (its event id sorts lower: UUIDs are random).
    await pushImage(world.clients, repository, "build-42", "build-42");
    const d42 = await pushImage(world.clients, repository, "main", "build-42");
    const e42 = ecrPushEvent({
      region: REGION,
      repository,
      digest: d42,
      tag: "main",
      id: "00000000-0000-4000-8000-000000000042",
      time,
    });
    const second = await handler(e42, localContext("redeploy"));
    // The newer push (the one `main` names in ECR) must take the queue.
    expect(second).toMatchObject({ queued: 1 });

    const released = await handler(
      deploymentEvent({
        id: "deployment-samesecond",
        sample: "ecs-deployment-state-change-completed.json",
        account: "123456789012",
        region: REGION,
        serviceArn: created.serviceArn ?? "",
        deploymentId: created.deployments?.[0]?.id ?? "",
      }),
      localContext("redeploy"),
    );
    expect(released).toMatchObject({ reports: [{ deployed: 1 }] });
    expect(await runningImage(world, "samesecond")).toContain(`@${d42}`);
    expect(await listPendingPushes(world.state)).toEqual([]);
  });
});
