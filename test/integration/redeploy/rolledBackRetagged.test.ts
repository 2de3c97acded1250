/**
 * Found in review (issue 11, round 11): the rolled-back check looks only at deployments created
 * after *this* push (redeployPush.ts, planInputs: `since = push.time`, and the `deployedSince`
 * gate; serviceRevisions.ts: `createdAt.after: since`). A digest is pushed again whenever a tag is
 * added to it — a release promotion (`crane tag`, `aws ecr put-image`, a nightly "tag the last
 * main build as a release candidate" job) is a PUSH event of the same digest with a later time.
 * A build ECS just rolled back on this service is then deployed on it again by the promotion's
 * event: the rollback is undone, and the service fails the same way a second time.
 *
 * The push's own event (same digest, its own earlier time) is refused as `rolled-back` — the
 * service knows the digest failed here; the promotion of those bytes is not.
 *
 * moto has no service revisions nor service deployments: those are answered on the client
 * (test/support/redeploy.ts, ecsServiceRevisions), as rolledBackRelease.test.ts does.
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
  redeployHandler,
  runningImage,
} from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

it("a tag added to the build ECS rolled back on the service never rolls it out there again", async () => {
  const world = await createWorld();
  const ecs = ecsServiceRevisions(world);
  const repository = "shop/rolled-back-retagged";
  await createCluster(world.clients, "retagged");
  await createRepository(world.clients, repository);
  const d41 = await pushImage(world.clients, repository, "main", "build-41");
  const created = await createService(world.clients, {
    cluster: "retagged",
    name: "web",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "any" },
    containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
  });
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "retagged", services: ["web"] }),
  );
  const revision = described.services?.[0]?.taskDefinition ?? "";
  const { handler } = redeployHandler(world);
  const event = (digest: string, tag: string, id: string, time: string) =>
    handler(ecrPushEvent({ region: REGION, repository, digest, tag, id, time }), localContext("redeploy"));

  // Build 42 on `main`: the pipeline deploys it on its tag; the circuit breaker rolls it back to
  // build 41 (ECS runs build 41 again on the same revision).
  await nextSecond();
  const d42 = await pushImage(world.clients, repository, "main", "build-42");
  const t42 = eventTime();
  await nextSecond();
  ecs.runs(revision, { web: d41 });
  ecs.rolledBack(created.serviceArn ?? "", { web: d42 });
  // Its own event, handled after the rollback, is refused.
  expect(await event(d42, "main", "retag-42", t42)).toMatchObject({
    services: [{ result: "skip:rolled-back" }],
  });

  // Later, a promotion job tags the same build as a release candidate: a push of build 42 again.
  await nextSecond();
  await pushImage(world.clients, repository, "rc-2026-11-27", "build-42");
  const promoted = await event(d42, "rc-2026-11-27", "retag-rc", eventTime());

  expect(promoted, JSON.stringify(promoted)).toMatchObject({ deployed: 0 });
  expect(await runningImage(world, "web", "retagged")).toBe(ecrImage(REGION, repository, "main"));
}, 30_000);
