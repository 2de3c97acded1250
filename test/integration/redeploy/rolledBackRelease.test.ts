/**
 * A pipeline pushes build 42 as `main` and deploys it itself; build 42's event arrives during that
 * roll-out and is queued behind it. Build 42 fails its health checks: the circuit breaker marks the
 * deployment FAILED and rolls back to build 41. Found in review (round 8): the FAILED event released
 * the queued push, which was planned against build 41 and rolled out, pinned — the build ECS had
 * just rolled back, a second failure and a second round of alarms. Now a release asks ECS which
 * deployments of the service it rolled back since the push (ListServiceDeployments, then their
 * target revisions' images) and skips a digest among them as `rolled-back`, telling Slack.
 *
 * moto keeps a service of 4 tasks IN_PROGRESS (so the push queues) and has no service revisions,
 * service deployments nor rollbacks: those are answered on the client (test/support/redeploy.ts,
 * ecsServiceRevisions); the FAILED event is AWS's sample.
 */
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { listPendingPushes } from "../../../core/redeploy/pendingPushes.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { ecsServiceRevisions, pinnedImage, redeployHandler, runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("a queued push released by the end of a deployment ECS rolled back", () => {
  it.each([
    ["that deployment was of the push's own digest: not rolled out again", true],
    ["that deployment was of another build: the push deploys", false],
  ])(
    "%s",
    async (_, own) => {
      const world = await createWorld();
      const ecs = ecsServiceRevisions(world);
      const name = own ? "own" : "other";
      const repository = `shop/rolled-back-${name}`;
      await createCluster(world.clients, name);
      await createRepository(world.clients, repository);
      await pushImage(world.clients, repository, "sha-41", "build-41");
      const d41 = await pushImage(world.clients, repository, "main", "build-41");
      const d40 = await pushImage(world.clients, repository, "sha-40", "build-40");
      await pushImage(world.clients, repository, "sha-42", "build-42");
      const d42 = await pushImage(world.clients, repository, "main", "build-42");
      // The pipeline's deploy of `main`, rolling out (4 tasks: moto keeps it IN_PROGRESS).
      const created = await createService(world.clients, {
        cluster: name,
        name: "web",
        desiredCount: 4,
        tags: { "autopilot:redeploy": "any" },
        containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
      });
      const { handler, posted } = redeployHandler(world);
      expect(
        await handler(
          ecrPushEvent({
            region: REGION,
            repository,
            digest: d42,
            tag: "main",
            id: `rolled-back-${name}-42`,
          }),
          localContext("redeploy"),
        ),
      ).toMatchObject({ queued: 1 });
      // The deployment failed and ECS rolled back: build 41 runs again.
      ecs.runs(created.taskDefinition ?? "", { web: d41 });
      ecs.rolledBack(created.serviceArn ?? "", { web: own ? d42 : d40 });

      const released = await handler(
        deploymentEvent({
          id: `rolled-back-${name}-failed`,
          sample: "ecs-deployment-state-change-failed.json",
          account: "123456789012",
          region: REGION,
          serviceArn: created.serviceArn ?? "",
          deploymentId: created.deployments?.[0]?.id ?? "",
        }),
        localContext("redeploy"),
      );

      const pinned = pinnedImage(repository, d42);
      if (own) {
        expect(released).toMatchObject({
          reports: [{ deployed: 0, services: [{ result: "skip:rolled-back" }] }],
        });
        expect(await runningImage(world, "web", name)).toBe(ecrImage(REGION, repository, "main"));
        expect(posted.join("\n")).toContain(`ECS rolled back a deployment of ${d42} on this service`);
      } else {
        expect(released).toMatchObject({ reports: [{ deployed: 1 }] });
        expect(await runningImage(world, "web", name)).toBe(pinned);
      }
      // Settled either way: the queue entry is gone.
      expect(await listPendingPushes(world.state)).toEqual([]);
    },
    30_000,
  );

  it("the push's own event, handled after the rollback (a retry, a redrive, late delivery), is not rolled out either", async () => {
    // Found in review (round 9): the check ran only at a queued push's release.
    const world = await createWorld();
    const ecs = ecsServiceRevisions(world);
    const repository = "shop/rolled-back-late";
    await createCluster(world.clients, "late");
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "sha-41", "build-41");
    const d41 = await pushImage(world.clients, repository, "main", "build-41");
    await pushImage(world.clients, repository, "sha-42", "build-42");
    const d42 = await pushImage(world.clients, repository, "main", "build-42");
    const pushed = `${new Date(Date.now() - 60_000).toISOString().slice(0, 19)}Z`;
    const created = await createService(world.clients, {
      cluster: "late",
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    // The pipeline deployed build 42 on `main`; it failed and ECS rolled back to build 41.
    ecs.runs(created.taskDefinition ?? "", { web: d41 });
    ecs.rolledBack(created.serviceArn ?? "", { web: d42 });
    const { handler, posted } = redeployHandler(world);

    const late = await handler(
      ecrPushEvent({
        region: REGION,
        repository,
        digest: d42,
        tag: "main",
        id: "rolled-back-late-42",
        time: pushed,
      }),
      localContext("redeploy"),
    );

    expect(late).toMatchObject({ deployed: 0, services: [{ result: "skip:rolled-back" }] });
    // A push's own skips are posted only with redeploy.notifySkipped (a released push always tells).
    expect(posted).toEqual([]);
    expect(await runningImage(world, "web", "late")).toBe(ecrImage(REGION, repository, "main"));
  }, 30_000);
});
