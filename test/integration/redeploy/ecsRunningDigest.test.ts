/**
 * For a container on an image tag (deployed by a pipeline, not by ecs-autopilot), what runs is the
 * digest ECS resolved the tag to when it created the running service revision — a circuit-breaker
 * rollback goes back to the last successful revision and its digests. ECR's tag and the
 * deployment's time can only guess it; ECS's service revisions say it. Found in review (round 7):
 * - after a rollback, a late release newer than what runs was skipped as older than the tag's
 *   newer (failed) image;
 * - after the tag moved on since the deployment, nothing dated what runs and a release older than
 *   it was deployed over it (fail-open);
 * - a push the pipeline had already deployed on its tag was rolled out a second time, pinned.
 *
 * moto 5.2.1 reports no service revisions: the test states what ECS runs and answers it on the
 * client (test/support/redeploy.ts, ecsServiceRevisions). Without that answer the flow dates by the
 * tag as before (the other stale-push tests).
 */
import { DescribeServicesCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import {
  ecsServiceRevisions,
  eventTime,
  nextSecond,
  pinnedImage,
  redeployHandler,
  runningImage,
} from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

let serial = 0;

/** A service on `:latest` (policy `minor`), nightly 1 running; release 1.3.0 pushed, then nightly 2. */
async function nightlyService(name: string) {
  const world = await createWorld();
  const ecs = ecsServiceRevisions(world);
  const repository = `shop/ecs-runs-${name}`;
  await createCluster(world.clients, name);
  await createRepository(world.clients, repository);
  // Each nightly also gets its own tag: moto deletes an image whose only tag moves to another
  // (real ECR keeps it, untagged), and a running image ECR no longer has cannot be dated.
  const nightly1 = await pushImage(world.clients, repository, "latest", "nightly-1");
  await pushImage(world.clients, repository, "nightly-1", "nightly-1");
  const created = await createService(world.clients, {
    cluster: name,
    name: "web",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "minor" },
    containers: [{ name: "web", image: ecrImage(REGION, repository, "latest"), essential: true }],
  });
  const taskDefinition = created.taskDefinition ?? "";
  ecs.runs(taskDefinition, { web: nightly1 });
  const { handler, posted } = redeployHandler(world);
  const event = (digest: string, tag: string, time?: string) =>
    handler(
      ecrPushEvent({
        region: REGION,
        repository,
        digest,
        tag,
        id: `ecs-runs-${++serial}`,
        ...(time ? { time } : {}),
      }),
      localContext("redeploy"),
    );
  await nextSecond();
  const release = await pushImage(world.clients, repository, "1.3.0", "release-1.3.0");
  const releaseTime = eventTime();
  await nextSecond();
  const nightly2 = await pushImage(world.clients, repository, "latest", "nightly-2");
  await pushImage(world.clients, repository, "nightly-2", "nightly-2");
  // `minor` does not take `latest`: nightlies are the pipeline's.
  expect(await event(nightly2, "latest")).toMatchObject({ deployed: 0 });
  // The pipeline's `update-service --force-new-deployment` (ECS resolves `latest` again).
  await nextSecond();
  await world.clients.ecs.send(
    new UpdateServiceCommand({ cluster: name, service: "web", forceNewDeployment: true }),
  );
  return { world, ecs, repository, taskDefinition, event, posted, nightly1, nightly2, release, releaseTime };
}

describe("which digest runs on a tag: ECS's service revision says", () => {
  it("after a circuit-breaker rollback to nightly 1, a release delivered late (pushed after nightly 1) is deployed", async () => {
    const { world, ecs, repository, event, posted, release, releaseTime } = await nightlyService("rollback");
    // Nightly 2 failed its health checks; ECS rolled back to the last successful service revision,
    // whose container still runs nightly 1 (the default set above). ECR's `latest` names nightly 2.
    ecs.described.length = 0;

    const late = await event(release, "1.3.0", releaseTime);

    expect(late).toMatchObject({ deployed: 1, services: [{ result: "deployed" }] });
    expect(await runningImage(world, "web", "rollback")).toBe(pinnedImage(repository, release));
    expect(ecs.described.flat()).toHaveLength(1);
    expect(posted.join("\n")).toContain("1.3.0");
  }, 30_000);

  it.each([
    ["'latest' still names nightly 2", false],
    ["'latest' moved on to nightly 3 since", true],
  ])(
    "on nightly 2, a release pushed before it and delivered late is skipped as out of order (%s)",
    async (_, moved) => {
      const name = moved ? "moved" : "stayed";
      const { world, ecs, repository, taskDefinition, event, nightly2, release, releaseTime } =
        await nightlyService(name);
      ecs.runs(taskDefinition, { web: nightly2 });
      if (moved) {
        await nextSecond();
        const nightly3 = await pushImage(world.clients, repository, "latest", "nightly-3");
        expect(await event(nightly3, "latest")).toMatchObject({ deployed: 0 });
      }

      const late = await event(release, "1.3.0", releaseTime);

      expect(late).toMatchObject({ deployed: 0, services: [{ result: "skip:superseded" }] });
      expect(JSON.stringify(late)).toContain(
        `'1.3.0' was pushed at ${releaseTime}, before the push of 'latest'`,
      );
      expect(await runningImage(world, "web", name)).toBe(ecrImage(REGION, repository, "latest"));
    },
    30_000,
  );

  it("a push the pipeline already deployed on its tag is not rolled out again", async () => {
    const world = await createWorld();
    const ecs = ecsServiceRevisions(world);
    const repository = "shop/ecs-runs-pipeline";
    await createCluster(world.clients, "pipeline");
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "main", "build-40");
    const created = await createService(world.clients, {
      cluster: "pipeline",
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    const build41 = await pushImage(world.clients, repository, "main", "build-41");
    // The pipeline deployed build 41 itself: ECS resolved `main` to it.
    ecs.runs(created.taskDefinition ?? "", { web: build41 });
    const { handler } = redeployHandler(world);

    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: build41, tag: "main", id: "ecs-runs-pipeline" }),
      localContext("redeploy"),
    );

    expect(result).toMatchObject({ deployed: 0, services: [{ result: "skip:already-running" }] });
    const after = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "pipeline", services: ["web"] }),
    );
    expect(after.services?.[0]?.taskDefinition).toBe(created.taskDefinition);
  }, 30_000);

  it("is asked only where its answer can decide: not for a pinned container with a sidecar on a tag, nor an untracked service", async () => {
    // Found in review (round 8): any container on a tag, a fluent-bit sidecar included, cost the call.
    const world = await createWorld();
    const ecs = ecsServiceRevisions(world);
    const repository = "shop/ecs-runs-cost";
    await createCluster(world.clients, "cost");
    await createRepository(world.clients, repository);
    const d100 = await pushImage(world.clients, repository, "1.0.0", "release-1.0.0");
    const pinned = await createService(world.clients, {
      cluster: "cost",
      name: "pinned",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [
        { name: "app", image: pinnedImage(repository, d100), essential: true },
        {
          name: "log-router",
          image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
          essential: true,
        },
      ],
    });
    ecs.runs(pinned.taskDefinition ?? "", { app: d100, "log-router": `sha256:${"f".repeat(64)}` });
    const untracked = await createService(world.clients, {
      cluster: "cost",
      name: "untracked",
      desiredCount: 1,
      containers: [{ name: "app", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    });
    ecs.runs(untracked.taskDefinition ?? "", { app: d100 });
    const onTag = await createService(world.clients, {
      cluster: "cost",
      name: "on-tag",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "app", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    });
    ecs.runs(onTag.taskDefinition ?? "", { app: d100 });
    const { handler } = redeployHandler(world);
    const d110 = await pushImage(world.clients, repository, "1.1.0", "release-1.1.0");

    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: d110, tag: "1.1.0", id: "ecs-runs-cost" }),
      localContext("redeploy"),
    );

    expect(result).toMatchObject({
      failed: 0,
      services: [
        { service: "cost/on-tag", result: "deployed" },
        // A pinned image with no recorded tag runs the tag ECR lists for its digest (1.0.0, since
        // 1f552a8), so `minor` takes 1.1.0; its digest is pinned, so ECS is not asked which runs.
        { service: "cost/pinned", result: "deployed" },
        { service: "cost/untracked", result: "skip:not-tracked" },
      ],
    });
    expect(ecs.described).toEqual([[`${onTag.serviceArn?.replace(":service/", ":service-revision/")}/3`]]);
  }, 30_000);
});
