/**
 * Issue 11, reviewer's note 1. A pipeline pushes build 42 as `main` and deploys it itself, with
 * version consistency turned off for the container (`versionConsistency: disabled`: "Amazon ECS will
 * not resolve the provided container image tag to a digest", ContainerDefinition in the ECS API
 * reference), so every task pulls `main` as it starts. Build 42's event is queued behind that
 * roll-out; build 42 fails, the circuit breaker rolls it back. The rolled-back deployment's target
 * revision then names the container's image (`…:main`) but no `imageDigest` (optional in
 * ContainerImage), and a deployment may name no `targetServiceRevisionArn` (optional in
 * ServiceDeploymentBrief). Both were read as "not rolled back": the FAILED event released the push
 * and pinned build 42 — the build ECS had just rolled back. Now such a rollback fails closed where it
 * may have run the pushed repository (skip:rolled-back, told in Slack); a sidecar of another
 * repository without a digest says nothing of the push.
 *
 * moto keeps a service of 4 tasks IN_PROGRESS (so the push queues) and has no service revisions,
 * service deployments nor rollbacks: those are answered on the client (test/support/redeploy.ts,
 * ecsServiceRevisions); the FAILED event is AWS's sample.
 */
import { expect, it } from "vitest";
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
import { ecsServiceRevisions, pinnedImage, redeployHandler, runningImages } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

const SIDECAR = "public.ecr.aws/datadog/agent:latest";

it.each([
  ["its target revision names no digest for the container of the pushed repository", "no-digest"],
  ["it names no target revision", "no-target"],
  ["only a sidecar of another repository has no digest (control: the rollback was of build 40)", "sidecar"],
] as const)(
  "a queued push released by the end of a deployment ECS rolled back, where %s",
  async (_, rollback) => {
    const world = await createWorld();
    const ecs = ecsServiceRevisions(world);
    const repository = `shop/unresolved-${rollback}`;
    await createCluster(world.clients, rollback);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "sha-41", "build-41");
    const d41 = await pushImage(world.clients, repository, "main", "build-41");
    const d40 = await pushImage(world.clients, repository, "sha-40", "build-40");
    await pushImage(world.clients, repository, "sha-42", "build-42");
    const d42 = await pushImage(world.clients, repository, "main", "build-42");
    const main = ecrImage(REGION, repository, "main");
    // The pipeline's deploy of `main`, rolling out (4 tasks: moto keeps it IN_PROGRESS).
    const created = await createService(world.clients, {
      cluster: rollback,
      name: "web",
      desiredCount: 4,
      tags: { "autopilot:redeploy": "any" },
      containers: [
        { name: "web", image: main, essential: true, versionConsistency: "disabled" },
        { name: "sidecar", image: SIDECAR, essential: false, versionConsistency: "disabled" },
      ],
    });
    const { handler, posted } = redeployHandler(world);
    expect(
      await handler(
        ecrPushEvent({
          region: REGION,
          repository,
          digest: d42,
          tag: "main",
          id: `unresolved-${rollback}-42`,
        }),
        localContext("redeploy"),
      ),
    ).toMatchObject({ queued: 1 });
    // The deployment failed and ECS rolled back: build 41 runs again.
    ecs.runs(created.taskDefinition ?? "", { web: d41 });
    if (rollback === "no-digest") ecs.rolledBack(created.serviceArn ?? "", { web: { image: main } });
    else if (rollback === "no-target") ecs.rolledBack(created.serviceArn ?? "", {}, { target: false });
    else ecs.rolledBack(created.serviceArn ?? "", { web: d40, sidecar: { image: SIDECAR } });

    const released = await handler(
      deploymentEvent({
        id: `unresolved-${rollback}-failed`,
        sample: "ecs-deployment-state-change-failed.json",
        account: "123456789012",
        region: REGION,
        serviceArn: created.serviceArn ?? "",
        deploymentId: created.deployments?.[0]?.id ?? "",
      }),
      localContext("redeploy"),
    );

    const deployment = `${(created.serviceArn ?? "").replace(":service/", ":service-deployment/")}/1`;
    const why =
      rollback === "no-digest"
        ? `ECS rolled back ${deployment} on this service after ${d42} was pushed, and its target revision names no digest for container 'web' (${main}: version consistency off): the pushed image may be the one that failed, so it is not rolled out (push a fix, or deploy it by hand)`
        : `ECS rolled back ${deployment} on this service after ${d42} was pushed and names no target revision for it: the pushed image may be the one that failed, so it is not rolled out (push a fix, or deploy it by hand)`;
    if (rollback === "sidecar") {
      expect(released).toMatchObject({ reports: [{ deployed: 1 }] });
      expect((await runningImages(world, "web", rollback)).web).toBe(pinnedImage(repository, d42));
    } else {
      expect(released).toMatchObject({
        reports: [{ deployed: 0, services: [{ result: "skip:rolled-back", detail: why }] }],
      });
      expect((await runningImages(world, "web", rollback)).web).toBe(main);
      expect(posted.join("\n")).toContain(why);
    }
    // Settled either way: the queue entry is gone.
    expect(await listPendingPushes(world.state)).toEqual([]);
  },
  30_000,
);
