/**
 * Found in review (issue 11, round 10), fixed: e7c4c22 ran the rolled-back check "for every push to a
 * tracked service that runs the pushed repository on a tag" — but a circuit-breaker rollback goes
 * back to the last revision that succeeded, and on a service ecs-autopilot manages that revision is
 * pinned by digest (every image it deploys is). The service then runs no container on a tag, so the
 * push's own event handled after the rollback (a Lambda retry, a DLQ redrive, late delivery) is not
 * checked and rolls the build ECS just rolled back out a second time.
 *
 * moto has no service revisions, service deployments nor rollbacks: those are answered on the
 * client (test/support/redeploy.ts, ecsServiceRevisions), as rolledBackRelease.test.ts does.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { expect, it } from "vitest";
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

it("the push's own event after ECS rolled it back to ecs-autopilot's pinned revision is not rolled out again", async () => {
  const world = await createWorld();
  const ecs = ecsServiceRevisions(world);
  const repository = "shop/rolled-back-pinned";
  await createCluster(world.clients, "pinned-rb");
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "sha-40", "build-40");
  await pushImage(world.clients, repository, "main", "build-40");
  const created = await createService(world.clients, {
    cluster: "pinned-rb",
    name: "web",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "any" },
    containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
  });
  const { handler } = redeployHandler(world);
  const event = (digest: string, id: string, time: string) =>
    handler(
      ecrPushEvent({ region: REGION, repository, digest, tag: "main", id, time }),
      localContext("redeploy"),
    );

  // Build 41: ecs-autopilot deploys it, pinned by digest.
  await nextSecond();
  await pushImage(world.clients, repository, "sha-41", "build-41");
  const d41 = await pushImage(world.clients, repository, "main", "build-41");
  expect(await event(d41, "rb-pinned-41", eventTime())).toMatchObject({ deployed: 1 });
  expect(await runningImage(world, "web", "pinned-rb")).toBe(pinnedImage(repository, d41));
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "pinned-rb", services: ["web"] }),
  );
  const autopilotRevision = described.services?.[0]?.taskDefinition ?? "";

  // Build 42 is pushed; its event fails (throttled) and goes to the DLQ. Meanwhile build 42 is
  // deployed (by the pipeline, or by an earlier attempt) and fails its health checks: the circuit
  // breaker rolls back to ecs-autopilot's revision of build 41, pinned.
  await nextSecond();
  await pushImage(world.clients, repository, "sha-42", "build-42");
  const d42 = await pushImage(world.clients, repository, "main", "build-42");
  const t42 = eventTime();
  await nextSecond();
  ecs.runs(autopilotRevision, { web: d41 });
  ecs.rolledBack(created.serviceArn ?? "", { web: d42 });

  // The redrive of build 42's event.
  const late = await event(d42, "rb-pinned-42", t42);

  expect(late, JSON.stringify(late)).toMatchObject({
    deployed: 0,
    services: [{ result: "skip:rolled-back" }],
  });
  expect(await runningImage(world, "web", "pinned-rb")).toBe(pinnedImage(repository, d41));
}, 30_000);
