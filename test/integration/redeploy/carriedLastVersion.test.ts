/**
 * Issue 11, reviewer's note 5: `autopilot:last-version:<container>` copied with a task definition.
 * ecspresso (`init` exports a revision with `--include TAGS`) and Terraform copies of another
 * service's task definition carry every `autopilot:` tag onto a revision ecs-autopilot never
 * registered. 9acf226 stopped trusting a copied `autopilot:image-tag:<container>` where ECR shows it
 * names another build; the last version was still read from any revision. So staging, whose task
 * definition was copied from prod's (prod ran 2.0.0 under `any`), refused every version below 2.0.0
 * over its `develop` build as "older than '2.0.0', the last version the service ran" — a version
 * staging never ran. The last version is history only on a revision whose record is about the image
 * it runs (pinned by digest, its recorded tag standing); elsewhere it is another build's.
 *
 * Control: the same revision registered without the copied tags deploys 1.5.0 (no last version).
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
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
  ["copied with prod's tags (ecspresso)", true],
  ["registered without tags (control)", false],
])(
  "staging on its `develop` tag, from prod's revision %s, takes 1.5.0 under `any`: prod's last version (2.0.0) is not staging's",
  async (_, carry) => {
    // Before the fix, the copy answered: skip:policy-rejected, "any: '1.5.0' is older than '2.0.0',
    // the last version the service ran before 'develop' (no downgrades)".
    const world = await createWorld();
    const name = String(carry);
    const repository = `shop/carried-lv-${name}`;
    const cluster = `carried-lv-${name}`;
    await createCluster(world.clients, cluster);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "1.0.0", "build-100");
    await createService(world.clients, {
      cluster,
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    });
    await createService(world.clients, {
      cluster,
      name: "web-staging",
      family: "web-staging",
      desiredCount: 1,
      // Not tracked yet: staging never runs 2.0.0.
      tags: { "autopilot:redeploy": "off" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    });
    const { handler } = redeployHandler(world);
    const event = (digest: string, tag: string, id: string) =>
      handler(
        ecrPushEvent({ region: REGION, repository, digest, tag, id, time: eventTime() }),
        localContext("redeploy"),
      );

    // Prod: ecs-autopilot deploys 2.0.0 pinned (last-version:web = 2.0.0).
    await nextSecond();
    const d200 = await pushImage(world.clients, repository, "2.0.0", "build-200");
    expect(await event(d200, "2.0.0", `lv-${name}-200`)).toMatchObject({ deployed: 1 });
    const prod = await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["web"] }));
    const exported = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: prod.services?.[0]?.taskDefinition ?? "",
        include: ["TAGS"],
      }),
    );
    expect(exported.tags).toEqual(
      expect.arrayContaining([{ key: "autopilot:last-version:web", value: "2.0.0" }]),
    );

    // Staging: its task definition is prod's, copied into its own family, on its `develop` tag.
    await nextSecond();
    await pushImage(world.clients, repository, "develop", "build-develop");
    const td = exported.taskDefinition ?? {};
    const registered = await world.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web-staging",
        networkMode: td.networkMode,
        requiresCompatibilities: td.requiresCompatibilities,
        cpu: td.cpu,
        memory: td.memory,
        containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
          ...c,
          image: ecrImage(REGION, repository, "develop"),
        })),
        ...(carry ? { tags: exported.tags } : {}),
      }),
    );
    const staging = await world.clients.ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: "web-staging",
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
      }),
    );
    // …and is tracked under `any` from now on.
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: staging.service?.serviceArn,
        tags: [{ key: "autopilot:redeploy", value: "any" }],
      }),
    );

    await nextSecond();
    const d150 = await pushImage(world.clients, repository, "1.5.0", "build-150");
    const pushed = await event(d150, "1.5.0", `lv-${name}-150`);

    expect(pushed).toMatchObject({
      deployed: 1,
      services: [
        {
          service: `${cluster}/web`,
          result: "skip:policy-rejected",
          detail: "tag autopilot:redeploy=any: any: '1.5.0' is older than '2.0.0' (no downgrades)",
        },
        { service: `${cluster}/web-staging`, result: "deployed" },
      ],
    });
    expect(await runningImage(world, "web-staging", cluster)).toBe(pinnedImage(repository, d150));
    expect(await runningImage(world, "web", cluster)).toBe(pinnedImage(repository, d200));
  },
  40_000,
);
