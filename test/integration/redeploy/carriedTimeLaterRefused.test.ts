/**
 * Found in review (issue 11, round 10), fixed: by e7c4c22's "dated" rule, a late push whose tag moved on to an
 * image this service refuses goes through where every updated container's running image is known
 * and dated, and a recorded `autopilot:source-time:<container>` counts as its date whenever the
 * container is pinned by digest. carriedRevisionTags.test.ts shows why a recorded time is not
 * always about the image: ecspresso (and `describe-task-definition --include TAGS | register-…`)
 * carries our tags onto the revisions it registers. A pipeline that pins by digest that way leaves
 * the time of the build ecs-autopilot deployed last on a revision running a newer build; with the
 * tag now on a build this Graviton service refuses, an older build's late event is taken as newer
 * than what runs and pinned over it.
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

const both = { platforms: ["linux/amd64", "linux/arm64"] };

it.each([
  ["copied with its tags (ecspresso)", true],
  ["registered without tags (control)", false],
])(
  "a late build-42 event never replaces build 43, pinned by a pipeline from a revision %s, when `main` now names an amd64-only build",
  async (_, carry) => {
    const world = await createWorld();
    const repository = `shop/carried-pinned-${carry}`;
    const cluster = `carried-pinned-${carry}`;
    await createCluster(world.clients, cluster);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "sha-40", "build-40", both);
    await pushImage(world.clients, repository, "main", "build-40", both);
    await createService(world.clients, {
      cluster,
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
      taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } },
    });
    const { handler } = redeployHandler(world);
    const event = (digest: string, id: string, time: string) =>
      handler(
        ecrPushEvent({ region: REGION, repository, digest, tag: "main", id, time }),
        localContext("redeploy"),
      );

    // Build 41: ecs-autopilot deploys it pinned (its revision records source-time:web = T41).
    await nextSecond();
    await pushImage(world.clients, repository, "sha-41", "build-41", both);
    const d41 = await pushImage(world.clients, repository, "main", "build-41", both);
    expect(await event(d41, "cp-41", eventTime())).toMatchObject({ deployed: 1 });
    const running = await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["web"] }));
    const exported = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: running.services?.[0]?.taskDefinition ?? "",
        include: ["TAGS"],
      }),
    );

    // Build 42 is pushed; its event is throttled and redriven later.
    await nextSecond();
    await pushImage(world.clients, repository, "sha-42", "build-42", both);
    const d42 = await pushImage(world.clients, repository, "main", "build-42", both);
    const t42 = eventTime();
    // Build 43: the pipeline deploys it pinned by digest from the exported revision.
    await nextSecond();
    await pushImage(world.clients, repository, "sha-43", "build-43", both);
    const d43 = await pushImage(world.clients, repository, "main", "build-43", both);
    const td = exported.taskDefinition ?? {};
    const registered = await world.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: td.family,
        networkMode: td.networkMode,
        requiresCompatibilities: td.requiresCompatibilities,
        runtimePlatform: td.runtimePlatform,
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
    // Build 44 is amd64 only (a broken build matrix): this Graviton service refuses it.
    await nextSecond();
    await pushImage(world.clients, repository, "sha-44", "build-44", { platforms: ["linux/amd64"] });
    const d44 = await pushImage(world.clients, repository, "main", "build-44", {
      platforms: ["linux/amd64"],
    });
    expect(await event(d44, "cp-44", eventTime())).toMatchObject({
      services: [{ result: "skip:platform-mismatch" }],
    });

    // The redrive of build 42's event.
    const late = await event(d42, "cp-42", t42);

    // Build 43 runs, and build 42 is older. With the tags carried: deployed, pinning @build-42 over it.
    expect(await runningImage(world, "web", cluster), JSON.stringify(late)).toBe(
      pinnedImage(repository, d43),
    );
  },
  30_000,
);
