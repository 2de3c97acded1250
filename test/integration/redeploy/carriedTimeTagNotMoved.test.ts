/**
 * Found in review (issue 11, round 11): bf77af9 dates a pinned image by the later of its recorded
 * `autopilot:source-time:<container>` and ECR's push time — but asks ECR only "when the pushed tag
 * moved on" (loadImageFacts.ts: `moved && (checks.pinned ?? []).length > 0`). The recorded time is
 * just as wrong when the pushed tag did not move: ecspresso (and `describe-task-definition
 * --include TAGS | register-…`) carries our tags onto the revision it registers for a newer build
 * (carriedRevisionTags.test.ts). Under `any` the last push wins; a late event of an older push
 * under another tag (`develop`, still naming its image) is then compared with the copied time of
 * an older build and deployed over the newer one that runs.
 *
 * Control: the same revision registered without the carried tags — no recorded time, ECR's push
 * time of build 43 is asked, and the late build-42 event is `superseded`.
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
  "a late `develop` build-42 event never replaces build 43, pinned by a pipeline from a revision %s, under `any`",
  async (_, carry) => {
    const world = await createWorld();
    const repository = `shop/carried-unmoved-${carry}`;
    const cluster = `carried-unmoved-${carry}`;
    await createCluster(world.clients, cluster);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "main", "build-40");
    await createService(world.clients, {
      cluster,
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    const { handler } = redeployHandler(world);
    const event = (digest: string, tag: string, id: string, time: string) =>
      handler(ecrPushEvent({ region: REGION, repository, digest, tag, id, time }), localContext("redeploy"));

    // Build 41 on `main`: ecs-autopilot deploys it pinned (source-time:web = T41, image-tag:web = main).
    await nextSecond();
    const d41 = await pushImage(world.clients, repository, "main", "build-41");
    expect(await event(d41, "main", "cu-41", eventTime())).toMatchObject({ deployed: 1 });
    const running = await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["web"] }));
    const exported = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: running.services?.[0]?.taskDefinition ?? "",
        include: ["TAGS"],
      }),
    );

    // Build 42 is pushed on `develop`; its event is throttled and redriven later. `develop` stays on it.
    await nextSecond();
    const d42 = await pushImage(world.clients, repository, "develop", "build-42");
    const t42 = eventTime();
    // Build 43 on `main`: the pipeline deploys it pinned by digest from the exported revision.
    await nextSecond();
    const d43 = await pushImage(world.clients, repository, "main", "build-43");
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
          image: pinnedImage(repository, d43),
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

    // The redrive of build 42's event.
    const late = await event(d42, "develop", "cu-42", t42);

    // Build 43 runs, and build 42 was pushed before it.
    expect(await runningImage(world, "web", cluster), JSON.stringify(late)).toBe(
      pinnedImage(repository, d43),
    );
  },
  30_000,
);
