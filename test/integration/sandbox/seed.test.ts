/**
 * sandbox/seed.ts's stand-in layer and diff-id digests (`sha(seed)`) once hex-encoded the seed
 * and kept 64 hex characters: only its first 32 characters counted. The seed is
 * `layer-<repository>-<content>-<platform>`, so in a repository whose name had 20 characters or
 * more, `build-1` and `build-2` gave byte-identical manifests — the same digest, and a test
 * pushing two builds compared an image with itself (found in review, when a fault repro's second
 * push failed with ImageAlreadyExistsException in `shop/fault-dropafter`).
 */
import { describe, expect, it } from "vitest";
import { createRepository, pushImage } from "../../../sandbox/seed.ts";
import { createWorld } from "../../support/world.ts";

describe("seeded images", () => {
  it("differ when their content differs, whatever the repository's name", async () => {
    const world = await createWorld();
    const repository = "shop/fault-dropafter";
    await createRepository(world.clients, repository);
    const first = await pushImage(world.clients, repository, "build-1", "build-1");
    const second = await pushImage(world.clients, repository, "build-2", "build-2");
    expect(second).not.toBe(first);
  });
});
