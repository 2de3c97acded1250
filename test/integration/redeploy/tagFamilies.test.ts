/**
 * One repository holding several images told apart by a tag pattern (a monorepo's `api-1.3` and
 * `worker-1.2`). Found in review (round 7): a task with one container of each, tracked with
 * `prefix:api-`, had its worker container handed the API image as "the first match ('worker-1.2'
 * does not match)". Where some container runs a tag the pattern matches, the push is for those only;
 * "the first match" stays for a container that runs none (moving a service onto a pattern).
 */
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
import { pinnedImage, redeployHandler, runningImages } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

async function monorepoService(name: string, running: Readonly<Record<string, string>>) {
  const world = await createWorld();
  const repository = `shop/${name}`;
  await createCluster(world.clients, name);
  await createRepository(world.clients, repository);
  for (const tag of Object.values(running)) await pushImage(world.clients, repository, tag, tag);
  await createService(world.clients, {
    cluster: name,
    name: "shop",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "prefix:api-" },
    containers: Object.entries(running).map(([container, tag]) => ({
      name: container,
      image: ecrImage(REGION, repository, tag),
      essential: true,
    })),
  });
  const { handler } = redeployHandler(world);
  const api13 = await pushImage(world.clients, repository, "api-1.3", "api-1.3");
  const result = await handler(
    ecrPushEvent({ region: REGION, repository, digest: api13, tag: "api-1.3", id: `families-${name}` }),
    localContext("redeploy"),
  );
  return { world, repository, api13, result };
}

describe("several images in one repository, told apart by a tag prefix", () => {
  it("an api- release updates the api container and never the worker's", async () => {
    const { world, repository, api13, result } = await monorepoService("monorepo", {
      api: "api-1.2",
      worker: "worker-1.2",
    });
    expect(result).toMatchObject({ deployed: 1 });
    expect(await runningImages(world, "shop", "monorepo")).toEqual({
      api: pinnedImage(repository, api13),
      worker: ecrImage(REGION, repository, "worker-1.2"),
    });
  }, 30_000);

  it("no container runs an api- tag yet: the first match is taken, as for a single container", async () => {
    const { world, repository, api13, result } = await monorepoService("first-match", {
      app: "latest",
    });
    expect(result).toMatchObject({ deployed: 1 });
    expect(await runningImages(world, "shop", "first-match")).toEqual({
      app: pinnedImage(repository, api13),
    });
  }, 30_000);

  it("containers a pipeline pinned by digest (no tag recorded) are told apart by their tags in ECR", async () => {
    // Found in review (round 9): with no tag known for either container, the first match took both.
    const world = await createWorld();
    const repository = "shop/pinned-monorepo";
    await createCluster(world.clients, "pinned");
    await createRepository(world.clients, repository);
    const api12 = await pushImage(world.clients, repository, "api-1.2", "api-1.2");
    const worker12 = await pushImage(world.clients, repository, "worker-1.2", "worker-1.2");
    await createService(world.clients, {
      cluster: "pinned",
      name: "shop",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "prefix:api-" },
      containers: [
        { name: "api", image: pinnedImage(repository, api12), essential: true },
        { name: "worker", image: pinnedImage(repository, worker12), essential: true },
      ],
    });
    const { handler } = redeployHandler(world);
    const api13 = await pushImage(world.clients, repository, "api-1.3", "api-1.3");

    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: api13, tag: "api-1.3", id: "pinned-api-1.3" }),
      localContext("redeploy"),
    );

    expect(result).toMatchObject({ deployed: 1 });
    expect(await runningImages(world, "shop", "pinned")).toEqual({
      api: pinnedImage(repository, api13),
      worker: pinnedImage(repository, worker12),
    });
  }, 30_000);
});
