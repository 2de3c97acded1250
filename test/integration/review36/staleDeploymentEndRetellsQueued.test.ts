/**
 * Review 36 (issue 11, Must show 1 "deployed when ECS reports the roll-out finished" and 2
 * "outcome reported truthfully"): a push is queued behind the deployment rolling out, D. ECS then
 * reports the end of another deployment of the service (an older one's COMPLETED delivered late,
 * EventBridge being at-least-once and unordered; or a deployment the push was not queued behind).
 * runRedeploy releases every queued push of the service on any COMPLETED/FAILED, whatever
 * deployment it names; the release finds D still rolling out and queues the push behind D again —
 * and, unlike the sweep (releaseDecisions.ts `sweepTells`, which keeps quiet when a release queues
 * the push behind the same deployment), the deployment-event path tells it: Slack gets a second
 * "queued" message whose context line says "queued behind D, which has finished" while D is still
 * rolling out (messages.ts prints `report.released.behind`, the pending's own `behind`). The
 * rewritten entry also gets a fresh `queuedAt`, which pushes back the sweep's fallback.
 *
 * Against moto: moto 5.2.1 keeps a service with desiredCount > 0 in an IN_PROGRESS deployment
 * (as test/integration/redeploy/twoRepositories.test.ts relies on); no middleware.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { renderPlainText, TerminalNotifier } from "../../../core/notify/index.ts";
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

describe("review 36: the end of a deployment the push was not queued behind", () => {
  it("leaves the push queued behind D without telling Slack that D has finished", async () => {
    const world = await createWorld();
    const slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/r36q");
    await pushImage(world.clients, "shop/r36q", "1.0.0");
    const created = await createService(world.clients, {
      cluster: "prod",
      name: "r36q",
      desiredCount: 4,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "app", image: ecrImage(REGION, "shop/r36q", "1.0.0"), essential: true }],
    });
    const serviceArn = created.serviceArn ?? "";
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    const digest = await pushImage(world.clients, "shop/r36q", "1.1.0", "1.1.0");
    const push = ecrPushEvent({
      region: REGION,
      repository: "shop/r36q",
      digest,
      tag: "1.1.0",
      id: "00000000-0000-4000-8000-000000036001",
      time: "2026-11-26T10:00:00Z",
    });
    expect(await handler(push, localContext("redeploy"))).toMatchObject({ queued: 1 });
    const [queued] = await listPendingPushes(world.state);
    const behind = queued?.behind ?? "";
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["r36q"] }),
    );
    // D is still rolling out.
    expect(described.services?.[0]?.deployments?.find((d) => d.id === behind)?.rolloutState).toBe(
      "IN_PROGRESS",
    );
    const told = slack.messages.length;

    // The end of another deployment of the service (an older one's, delivered late).
    const other = deploymentEvent({
      id: "deployment-r36-other-1",
      sample: "ecs-deployment-state-change-completed.json",
      account: "123456789012",
      region: REGION,
      serviceArn,
      deploymentId: "ecs-svc/1111111111111111111",
    });
    await handler(other, localContext("redeploy"));

    // The push still waits behind D (nothing lost)…
    const after = await listPendingPushes(world.state);
    expect(after.map((p) => [p.push.eventId, p.behind])).toEqual([[push.id, behind]]);
    // …and Slack, which heard "queued behind D" once, is not told again — least of all that D has finished.
    const newMessages = slack.messages.slice(told).map(renderPlainText);
    expect(newMessages.filter((text) => text.includes("which has finished"))).toEqual([]);
    expect(newMessages).toEqual([]);
  });
});
