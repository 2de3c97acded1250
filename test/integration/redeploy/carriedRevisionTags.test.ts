/**
 * Found in review: ecs-autopilot trusted the `autopilot:` tags of the revision a service runs
 * (`autopilot:source-time:<container>`, `autopilot:image-tag:<container>`) as facts about the image
 * that revision runs. A deploy tool that copies a task definition WITH its tags carries them onto a
 * revision that runs another image: ecspresso's `init` exports the service's revision with
 * `DescribeTaskDefinition(include: TAGS)` into ecs-task-def.json, and every `ecspresso deploy`
 * registers that file again with only the image changed (kayac/ecspresso, `tdToTaskDefinitionInput
 * (out.TaskDefinition, out.Tags)`); scripts doing `describe-task-definition --include TAGS | jq |
 * register-task-definition` do the same. The carried `source-time` is then older than the image
 * the revision runs, so a build pushed between the two, delivered late (a Lambda retry, a DLQ
 * redrive), was taken for newer and deployed over the newer build the pipeline deployed. Now our
 * tags are trusted only on a container pinned by digest, as ecs-autopilot deploys.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

const now = () => `${new Date().toISOString().slice(0, 19)}Z`;
const aSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

async function runningImage(world: World, cluster: string): Promise<string> {
  const described = await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["web"] }));
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
  );
  return definition.taskDefinition?.containerDefinitions?.[0]?.image ?? "";
}

it.each([
  ["copied with its tags (ecspresso)", true],
  ["registered without tags (control)", false],
])(
  "a late build-42 event never replaces build 43 that a pipeline deployed from a revision %s",
  async (_, carry) => {
    const world = await createWorld();
    const repository = `shop/carried-${carry}`;
    const cluster = `carried-${carry}`;
    await createCluster(world.clients, cluster);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "sha-40", "build-40");
    await pushImage(world.clients, repository, "main", "build-40");
    await createService(world.clients, {
      cluster,
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      }),
    );
    const event = (digest: string, tag: string, id: string, time: string) =>
      handler(ecrPushEvent({ region: REGION, repository, digest, tag, id, time }), localContext("redeploy"));

    // Build 41: ecs-autopilot deploys it (its revision records source-time:web = T41).
    await aSecond();
    const b41 = await pushImage(world.clients, repository, "sha-41", "build-41");
    expect(await event(b41, "sha-41", "carried-41", now())).toMatchObject({ deployed: 1 });

    // The team adopts ecspresso now: `ecspresso init` exports the running revision, tags included.
    const running = await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["web"] }));
    const exported = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: running.services?.[0]?.taskDefinition ?? "",
        include: ["TAGS"],
      }),
    );
    expect(exported.tags?.map((t) => t.key)).toContain("autopilot:source-time:web");

    // Build 42 is pushed; its event fails once (throttled) and is retried later.
    await aSecond();
    const b42 = await pushImage(world.clients, repository, "sha-42", "build-42");
    const t42 = now();
    await aSecond();
    // Build 43 is pushed and deployed by the pipeline: `ecspresso deploy` registers the exported file
    // with the image set to this build's tag (its tags carried as they are) and updates the service.
    const b43 = await pushImage(world.clients, repository, "sha-43", "build-43");
    await pushImage(world.clients, repository, "main", "build-43");
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
          image: ecrImage(REGION, repository, "sha-43"),
        })),
        ...(carry ? { tags: exported.tags } : {}),
      }),
    );
    await world.clients.ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: "web",
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        // ECS creates a new deployment for a new task definition; moto 5.2.1 dates a deployment
        // anew only on a forced one (ecs/models.py update_service), so it is forced here.
        forceNewDeployment: true,
      }),
    );
    expect(await runningImage(world, cluster)).toBe(ecrImage(REGION, repository, "sha-43"));
    expect(b43).not.toBe(b42);

    // The retry of build 42's event.
    const late = await event(b42, "sha-42", "carried-42", t42);

    // Build 43 runs; build 42 is older. Was: deployed, pinning @build-42 over build 43.
    expect(await runningImage(world, cluster), JSON.stringify(late)).not.toContain(b42);
  },
  30_000,
);
