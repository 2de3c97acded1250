import { describe, expect, it } from "vitest";
import type { ImagePlatforms } from "../../../core/ecs/imagePlatforms.ts";
import { imageArchitectures } from "../../../core/rightsize/imageArchitectures.ts";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const API = `${REGISTRY}/shop/api:1.4`;
const WORKER = `${REGISTRY}/shop/worker:2.0`;
const DIGEST = "sha256:4b1c6a0c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a";
const PINNED = `${REGISTRY}/shop/cron@${DIGEST}`;

const index = (image: string, ...platforms: string[]): ImagePlatforms => ({
  image,
  kind: "index",
  platforms,
});
const manifest = (image: string): ImagePlatforms => ({ image, kind: "manifest", platforms: [] });
const notRead = (image: string, reason: string): ImagePlatforms => ({
  image,
  kind: "not-read",
  platforms: [],
  reason,
});
const read = (...platforms: ImagePlatforms[]) => new Map(platforms.map((p) => [p.image, p]));

describe("imageArchitectures: whether a task's images run on arm64 (the Graviton choice)", () => {
  it("says yes when every image is an index with a linux/arm64 build", () => {
    expect(
      imageArchitectures(
        [API, WORKER],
        read(index(API, "linux/amd64", "linux/arm64"), index(WORKER, "linux/arm64/v8")),
      ),
    ).toEqual({
      arm64: "yes",
      evidence: "shop/api:1.4 has linux/amd64, linux/arm64; shop/worker:2.0 has linux/arm64/v8",
    });
  });

  it("says no when one image is an index without linux/arm64, even if the others have it", () => {
    expect(
      imageArchitectures(
        [API, WORKER],
        read(index(API, "linux/amd64", "linux/arm64"), index(WORKER, "linux/amd64")),
      ),
    ).toEqual({
      arm64: "no",
      evidence: "shop/api:1.4 has linux/amd64, linux/arm64; shop/worker:2.0 has linux/amd64",
    });
  });

  it("says no for a single-platform image: it holds one build (an ARM64 task is Graviton-ready whatever this says, recommend.ts)", () => {
    expect(imageArchitectures([API], read(manifest(API)))).toEqual({
      arm64: "no",
      evidence: "shop/api:1.4 is a single-platform image",
    });
  });

  it("says unknown when an image could not be read, with the reason", () => {
    expect(
      imageArchitectures(
        [API, "nginx:1.27"],
        read(index(API, "linux/amd64", "linux/arm64"), notRead("nginx:1.27", "not in ECR")),
      ),
    ).toEqual({
      arm64: "unknown",
      evidence: "shop/api:1.4 has linux/amd64, linux/arm64; nginx:1.27 not read (not in ECR)",
    });
  });

  it("says unknown for an image it was given no answer for", () => {
    expect(imageArchitectures([API, WORKER], read(index(API, "linux/arm64")))).toEqual({
      arm64: "unknown",
      evidence: "shop/api:1.4 has linux/arm64; shop/worker:2.0 not read (not read)",
    });
  });

  it("says no rather than unknown when one image is known not to run on arm64", () => {
    expect(
      imageArchitectures([API, WORKER], read(manifest(API), notRead(WORKER, "RepositoryNotFoundException"))),
    ).toEqual({
      arm64: "no",
      evidence:
        "shop/api:1.4 is a single-platform image; shop/worker:2.0 not read (RepositoryNotFoundException)",
    });
  });

  it("says unknown for a task without container images", () => {
    expect(imageArchitectures([], new Map())).toEqual({ arm64: "unknown", evidence: "no container images" });
  });

  it("names an image by repository and tag, by the start of its digest, by its repository alone, or as written when it is no image reference", () => {
    expect(
      imageArchitectures(
        [PINNED, "busybox", "not an image"],
        read(
          index(PINNED, "linux/arm64"),
          index("busybox", "linux/arm64"),
          index("not an image", "linux/arm64"),
        ),
      ),
    ).toEqual({
      arm64: "yes",
      evidence:
        "shop/cron@sha256:4b1c6a0c2d3e has linux/arm64; busybox has linux/arm64; not an image has linux/arm64",
    });
  });
});
