/**
 * Found in review (issue 11, round 11): bf77af9 stopped trusting a carried `source-time` on a
 * pinned container (only when the pushed tag moved; see carriedTimeTagNotMoved.test.ts) and asks
 * ECR for the tags of a pinned digest only when the revision records none. The carried
 * `autopilot:image-tag:<container>` is trusted as it is: ecspresso (and `describe-task-definition
 * --include TAGS | register-…`, carriedRevisionTags.test.ts) copies it onto the revision it
 * registers for a newer build pinned by digest. The semver policies then compare the pushed tag
 * with the tag of the build ecs-autopilot deployed last, not with the one that runs: a patch of the
 * previous minor line (1.4.3, a backport released after 1.5.0) is deployed over 1.5.0 — a downgrade
 * `minor` exists to prevent. ECR says which tags the running digest has (1.5.0, not 1.4.2).
 *
 * Control: the same revision registered without the carried tags — the digest's tag comes from
 * ECR (1.5.0, since 1f552a8), so `minor` skips 1.4.3 as older.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
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
import { eventTime, nextSecond, pinnedImage, redeployHandler, runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

it.each([
  ["copied with its tags (ecspresso)", true],
  ["registered without tags (control)", false],
])(
  "1.4.3 pushed after a pipeline pinned 1.5.0 from a revision %s never downgrades the service under `minor`",
  async (_, carry) => {
    const world = await createWorld();
    const repository = `shop/carried-tag-${carry}`;
    const cluster = `carried-tag-${carry}`;
    await createCluster(world.clients, cluster);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "1.4.1", "build-141");
    await createService(world.clients, {
      cluster,
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "1.4.1"), essential: true }],
    });
    const { handler } = redeployHandler(world);
    const event = (digest: string, tag: string, id: string) =>
      handler(
        ecrPushEvent({ region: REGION, repository, digest, tag, id, time: eventTime() }),
        localContext("redeploy"),
      );

    // 1.4.2: ecs-autopilot deploys it pinned (image-tag:web = 1.4.2).
    await nextSecond();
    const d142 = await pushImage(world.clients, repository, "1.4.2", "build-142");
    expect(await event(d142, "1.4.2", "ct-142")).toMatchObject({ deployed: 1 });
    const running = await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["web"] }));
    const exported = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: running.services?.[0]?.taskDefinition ?? "",
        include: ["TAGS"],
      }),
    );

    // 1.5.0: the pipeline deploys it pinned by digest from the exported revision.
    await nextSecond();
    const d150 = await pushImage(world.clients, repository, "1.5.0", "build-150");
    const td = exported.taskDefinition ?? {};
    const registered = await world.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: td.family,
        networkMode: td.networkMode,
        requiresCompatibilities: td.requiresCompatibilities,
        cpu: td.cpu,
        memory: td.memory,
        containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
          ...c,
          image: pinnedImage(repository, d150),
        })),
        ...(carry ? { tags: exported.tags } : {}),
      }),
    );
    await world.clients.ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: "web",
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        forceNewDeployment: true,
      }),
    );

    // 1.4.3: a backport on the previous minor line, pushed (and delivered) after 1.5.0.
    await nextSecond();
    const d143 = await pushImage(world.clients, repository, "1.4.3", "build-143");
    const backport = await event(d143, "1.4.3", "ct-143");

    expect(await runningImage(world, "web", cluster), JSON.stringify(backport)).toBe(
      pinnedImage(repository, d150),
    );
  },
  30_000,
);
