/**
 * Found in review (issue 11, round 11): bf77af9 gave "the first match" under a tag pattern only to
 * containers whose tag is unknown, "never to one known to run another family" — yet it still hands
 * the push to *every* container of the repository when no container is in the family and none is
 * unknown (planRedeploy.ts, `containers`: `… : unknownTag.length > 0 ? unknownTag : inRepository`),
 * and to every unknown one when several are. Both happen in the very monorepo the rule is for:
 *
 * - A CI that tags each build twice (`api-v1.3` and the commit `api-3f2a1b`, a usual pair). A
 *   re-push of `api-v1.3` (README `repush`) leaves the API container's digest with `api-3f2a1b`
 *   only, which `prefix:api-v` does not match; the worker's digest has `worker-v1.2`. All tags are
 *   known, none matches: the worker container is handed the API image.
 * - A rebuild of both images under their version tags (a base-image refresh): both digests the
 *   service runs lose their tags (ECR keeps them untagged; moto deletes them), both containers are
 *   "unknown", and both are handed the API image.
 *
 * Either way the worker container runs the API build under the worker's name: its jobs stop.
 */
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { pinnedImage, redeployHandler, runningImages } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("tag families when no container is in the pushed family", () => {
  it("a re-push of api-v1.3 whose old digest keeps only its commit tag never hands the worker the API image", async () => {
    const world = await createWorld();
    const repository = "shop/monorepo-commit-tags";
    await createCluster(world.clients, "fallback");
    await createRepository(world.clients, repository);
    // Each build is pushed under its version and its commit (same content: the same digest).
    const api13 = await pushImage(world.clients, repository, "api-v1.3", "api-1.3");
    await pushImage(world.clients, repository, "api-3f2a1b", "api-1.3");
    const worker12 = await pushImage(world.clients, repository, "worker-v1.2", "worker-1.2");
    await pushImage(world.clients, repository, "worker-9c8d7e", "worker-1.2");
    await createService(world.clients, {
      cluster: "fallback",
      name: "shop",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "prefix:api-v" },
      // Pinned by another tool (Terraform with the digest), no tag recorded on the revision.
      containers: [
        { name: "api", image: pinnedImage(repository, api13), essential: true },
        { name: "worker", image: pinnedImage(repository, worker12), essential: true },
      ],
    });
    const { handler } = redeployHandler(world);
    // `api-v1.3` rebuilt and pushed again (a new digest under the same tag, new commit tag too).
    const rebuilt = await pushImage(world.clients, repository, "api-v1.3", "api-1.3-rebuilt");

    const result = await handler(
      ecrPushEvent({
        region: REGION,
        repository,
        digest: rebuilt,
        tag: "api-v1.3",
        id: "commit-tags-api-1.3",
      }),
      localContext("redeploy"),
    );

    expect((await runningImages(world, "shop", "fallback")).worker, JSON.stringify(result)).toBe(
      pinnedImage(repository, worker12),
    );
  }, 30_000);

  it("a rebuild of both images under their tags never hands the worker the API image", async () => {
    const world = await createWorld();
    const repository = "shop/monorepo-rebuilt";
    await createCluster(world.clients, "rebuilt");
    await createRepository(world.clients, repository);
    const api13 = await pushImage(world.clients, repository, "api-1.3", "api-1.3");
    const worker12 = await pushImage(world.clients, repository, "worker-1.2", "worker-1.2");
    await createService(world.clients, {
      cluster: "rebuilt",
      name: "shop",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "prefix:api-" },
      containers: [
        { name: "api", image: pinnedImage(repository, api13), essential: true },
        { name: "worker", image: pinnedImage(repository, worker12), essential: true },
      ],
    });
    const { handler } = redeployHandler(world);
    // The nightly base-image refresh rebuilds both under their version tags: the worker first
    // (rejected here: `prefix:api-` does not match `worker-1.2`), then the API.
    const worker12b = await pushImage(world.clients, repository, "worker-1.2", "worker-1.2-rebuilt");
    const first = await handler(
      ecrPushEvent({
        region: REGION,
        repository,
        digest: worker12b,
        tag: "worker-1.2",
        id: "rebuilt-worker",
      }),
      localContext("redeploy"),
    );
    expect(first, JSON.stringify(first)).toMatchObject({ deployed: 0 });
    const api13b = await pushImage(world.clients, repository, "api-1.3", "api-1.3-rebuilt");

    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: api13b, tag: "api-1.3", id: "rebuilt-api" }),
      localContext("redeploy"),
    );

    expect((await runningImages(world, "shop", "rebuilt")).worker, JSON.stringify(result)).toBe(
      pinnedImage(repository, worker12),
    );
  }, 30_000);
});
