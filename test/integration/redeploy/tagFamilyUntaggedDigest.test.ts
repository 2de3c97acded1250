/**
 * Found in review (issue 11, round 10), fixed: e7c4c22's tag families for containers another tool pinned by
 * digest (no tag recorded): the family is read from the digest's tags in ECR *now*. A re-push of
 * the running tag (`api-1.3` rebuilt; `prefix:` deploys a re-push, README `repush`) moves that tag
 * off the digest the api container runs, so ECR names no tag for it (moto deletes the untagged
 * image; ECR keeps it untagged: no tag either way). The worker's digest still has `worker-1.2`,
 * which the pattern does not match; no container is in the family, "the first match" takes every
 * container, and the worker container is handed the API image — the round-9 bug again.
 *
 * A second case: one container on a tag the pattern matches, and one pinned (its digest tagged
 * `api-1.2` in ECR). The pinned one is never looked up (imageChecksFor plans without ECR's tags,
 * and the tagged container already makes a family), so it is left out of the family and keeps the
 * old build while its sibling gets the new one.
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

describe("tag families of containers pinned by another tool", () => {
  it("a re-push of the api tag never hands the worker container the API image", async () => {
    const world = await createWorld();
    const repository = "shop/repush-monorepo";
    await createCluster(world.clients, "repush");
    await createRepository(world.clients, repository);
    const api13 = await pushImage(world.clients, repository, "api-1.3", "api-1.3");
    const worker12 = await pushImage(world.clients, repository, "worker-1.2", "worker-1.2");
    await createService(world.clients, {
      cluster: "repush",
      name: "shop",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "prefix:api-" },
      containers: [
        { name: "api", image: pinnedImage(repository, api13), essential: true },
        { name: "worker", image: pinnedImage(repository, worker12), essential: true },
      ],
    });
    const { handler } = redeployHandler(world);
    // `api-1.3` rebuilt and pushed again (a new digest under the same tag).
    const rebuilt = await pushImage(world.clients, repository, "api-1.3", "api-1.3-rebuilt");

    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: rebuilt, tag: "api-1.3", id: "repush-api-1.3" }),
      localContext("redeploy"),
    );

    expect((await runningImages(world, "shop", "repush")).worker, JSON.stringify(result)).toBe(
      pinnedImage(repository, worker12),
    );
  }, 30_000);

  it("a pinned container whose digest ECR tags api-1.2 is in the api family beside one on an api- tag", async () => {
    const world = await createWorld();
    const repository = "shop/mixed-monorepo";
    await createCluster(world.clients, "mixed");
    await createRepository(world.clients, repository);
    const api12 = await pushImage(world.clients, repository, "api-1.2", "api-1.2");
    await createService(world.clients, {
      cluster: "mixed",
      name: "shop",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "prefix:api-" },
      containers: [
        { name: "api", image: ecrImage(REGION, repository, "api-1.2"), essential: true },
        // The same API build as a second container (a migration or admin process), pinned by a tool.
        { name: "api-admin", image: pinnedImage(repository, api12), essential: true },
      ],
    });
    const { handler } = redeployHandler(world);
    const api13 = await pushImage(world.clients, repository, "api-1.3", "api-1.3");

    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: api13, tag: "api-1.3", id: "mixed-api-1.3" }),
      localContext("redeploy"),
    );

    expect(await runningImages(world, "shop", "mixed"), JSON.stringify(result)).toEqual({
      api: pinnedImage(repository, api13),
      "api-admin": pinnedImage(repository, api13),
    });
  }, 30_000);
});
