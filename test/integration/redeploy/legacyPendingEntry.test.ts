/**
 * Upgrade: a push queued by a build that kept one queue entry per service has the key
 * { pk: "pending", sk: <serviceArn> } (no "#<repository>"). The sweep (whole partition) releases
 * it and forgets it under that key. Found in review: it was forgotten under the new key (a no-op),
 * so every 5-minute sweep released it again for the 3 days it lives.
 */
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { pushFromEvent } from "../../../core/redeploy/index.ts";
import { listPendingPushes, PENDING_SECONDS } from "../../../core/redeploy/pendingPushes.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("a queue entry written before the per-repository key", () => {
  it("is released once and forgotten", async () => {
    const world = await createWorld();
    const slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/old");
    await pushImage(world.clients, "shop/old", "1.0.0");
    const created = await createService(world.clients, {
      cluster: "prod",
      name: "old",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "old", image: ecrImage(REGION, "shop/old", "1.0.0"), essential: true }],
    });
    const serviceArn = created.serviceArn ?? "";
    const digest = await pushImage(world.clients, "shop/old", "1.1.0", "1.1.0");
    const push = ecrPushEvent({
      region: REGION,
      repository: "shop/old",
      digest,
      tag: "1.1.0",
      id: "00000000-0000-4000-8000-0000000e3001",
      time: "2026-11-26T10:00:00Z",
    });
    // Written as queuePendingPush wrote it at 7f2dc31 (key stateKeys.pendingPush(serviceArn)).
    const p = pushFromEvent(push);
    await world.state.put({
      pk: "pending",
      sk: serviceArn,
      kind: "pending-push",
      push: p,
      serviceArn,
      clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
      behind: created.deployments?.[0]?.id ?? "",
      queuedAt: "2026-11-25T10:00:01Z",
      pushEventId: p.eventId,
      expiration: Math.floor(Date.now() / 1000) + PENDING_SECONDS,
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    const swept: unknown[] = [];
    for (const n of [1, 2, 3, 4])
      swept.push(
        await handler(
          { ...sampleEvent("scheduled-event.json"), id: `sweep-e300${n}` },
          localContext("redeploy"),
        ),
      );
    // Released by the first sweep only; the three after find nothing queued.
    expect(swept.map((r) => (r as { reports: unknown[] }).reports.length)).toEqual([1, 0, 0, 0]);
    expect(await listPendingPushes(world.state)).toEqual([]);
    expect(slack.messages).toHaveLength(1);
  });
});
