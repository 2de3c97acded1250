import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CreateRepositoryCommand } from "@aws-sdk/client-ecr";
import { beforeAll, describe, expect, it } from "vitest";
import { readImagePlatforms } from "../../../core/ecs/imagePlatforms.ts";
import { hasLinuxArm64 } from "../../../core/ecs/indexPlatforms.ts";
import { ACCOUNT, ecrImage, pushImageManifest } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

const IMAGES = resolve(import.meta.dirname, "..", "..", "fixtures", "images");
const manifest = (file: string) => readFileSync(resolve(IMAGES, file), "utf8");
const digestOf = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

let world: World;

/** moto derives digests from layers and invents one for an index; ECR's is the manifest's sha256. */
const push = (repository: string, tag: string, file: string) =>
  pushImageManifest(world.clients, repository, tag, manifest(file));

describe("readImagePlatforms (ECR BatchGetImage against moto)", () => {
  beforeAll(async () => {
    world = await createWorld();
    for (const repositoryName of ["tools/debug", "legacy/ppc", "shop/api"])
      await world.clients.ecr.send(new CreateRepositoryCommand({ repositoryName }));
    await push("tools/debug", "main", "oci-index-amd64-arm64-attested.json");
    await push("legacy/ppc", "2.0", "docker-manifest-list.spec-example.json");
    await push("shop/api", "1.0", "docker-manifest.spec-example.json");
  });

  it("reads an OCI index's platforms, leaving BuildKit attestations out", async () => {
    const image = ecrImage(REGION, "tools/debug", "main");
    world.counter.reset();
    const platforms = await readImagePlatforms(world.clients.ecr, REGION, [image]);
    expect(platforms.get(image)).toEqual({
      image,
      kind: "index",
      platforms: ["linux/amd64", "linux/arm64"],
      mediaType: "application/vnd.oci.image.index.v1+json",
    });
    expect(hasLinuxArm64(platforms.get(image)?.platforms ?? [])).toBe(true);
    expect(world.counter.byOperation()).toEqual({ "ECR.BatchGetImage": 1 });
  });

  it("tells a manifest list without arm64, a single-platform image and images it cannot read apart", async () => {
    const pinned = ecrImage(
      REGION,
      "legacy/ppc",
      digestOf(manifest("docker-manifest-list.spec-example.json")),
    );
    const single = ecrImage(REGION, "shop/api", "1.0");
    const images = [
      pinned,
      single,
      ecrImage(REGION, "shop/api", "9.9"),
      ecrImage(REGION, "gone/repo", "1.0"),
      `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/shop/api:1.0`,
      "public.ecr.aws/nginx/nginx:1.27",
      "nginx:1.27",
    ];
    const platforms = await readImagePlatforms(world.clients.ecr, REGION, images);
    expect(
      images.map((i) => [platforms.get(i)?.kind, platforms.get(i)?.platforms, platforms.get(i)?.reason]),
    ).toEqual([
      ["index", ["linux/ppc64le", "linux/amd64"], undefined],
      ["manifest", [], undefined],
      ["not-read", [], "image not found in ECR"],
      ["not-read", [], "repository not found"],
      ["not-read", [], "in ECR us-west-2, not eu-west-1"],
      ["not-read", [], "not in ECR"],
      ["not-read", [], "not in ECR"],
    ]);
    expect(platforms.get(pinned)?.mediaType).toBe(
      "application/vnd.docker.distribution.manifest.list.v2+json",
    );
    expect(hasLinuxArm64(platforms.get(pinned)?.platforms ?? [])).toBe(false);
  });
});
