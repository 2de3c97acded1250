/**
 * What the redeploy asks ECR of a pushed image and what it makes of ECR's answers
 * (core/redeploy/imageReads.ts): which reads a plan needs, which BatchGetImage failure entries are
 * facts and which fail the push for a retry (fail closed), which time dates an image, the platform
 * of a manifest and of its config blob, and which artifacts sign the digest. The moto tests of
 * test/integration/redeploy (imageFacts, imageReadFailures, signedAfterPush, staleTagNowReplan,
 * runningTagMoved, carried*) hold the same decisions through ECR; here each condition is held alone.
 * Manifests are the spec examples of test/fixtures/images (SOURCES.tsv); answers are shaped as the
 * ECR API documents them (Image, ImageDetail, ImageFailure, ImageReferrer).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Image, ImageFailure, ImageReferrer } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { MEDIA_TYPES, signatureTags } from "../../../core/redeploy/ImageFacts.ts";
import {
  cosignTagSignature,
  failureToAsk,
  IMAGE_FACT_FAILURES,
  imageIdOf,
  imageReadsFor,
  inBatches,
  laterImageToRead,
  MAX_CONFIG_BYTES,
  manifestImageIds,
  nextReferrersPage,
  oversizedBlob,
  platformFromConfig,
  platformFromManifest,
  pushedManifest,
  REFERRERS_API_LOOKED,
  RUNNING_LOOKUPS_AT_ONCE,
  referrersApiSignatures,
  referrersTagCandidates,
  referrersTagSignatures,
  runningFactOf,
  signatureTagsLooked,
  tagFactsOf,
  wholeSecond,
} from "../../../core/redeploy/imageReads.ts";

const text = (name: string) =>
  readFileSync(resolve(import.meta.dirname, "../../fixtures/images", name), "utf8");
const json = (name: string) => JSON.parse(text(name)) as Record<string, unknown>;
const sha256 = (content: string | Uint8Array) =>
  `sha256:${createHash("sha256").update(content).digest("hex")}`;

const DIGEST = `sha256:${"a".repeat(64)}`;
const LATER = `sha256:${"b".repeat(64)}`;
const OTHER = `sha256:${"c".repeat(64)}`;
const tags = signatureTags(DIGEST);
const pushedAt = new Date("2026-11-27T10:00:05.731Z");

const image = (
  manifest: string,
  id: { imageDigest?: string; imageTag?: string },
  mediaType?: string,
): Image => ({
  registryId: "123456789012",
  repositoryName: "shop/api",
  imageId: id,
  imageManifest: manifest,
  ...(mediaType ? { imageManifestMediaType: mediaType } : {}),
});

describe("imageReadsFor: what a plan asks ECR", () => {
  const none = { platform: false, signature: false, tag: false };

  it("nothing when no check needs anything (no service would deploy)", () => {
    expect(imageReadsFor({ tag: "1.5.0" }, none)).toBeUndefined();
    expect(imageReadsFor({ tag: "1.5.0" }, { ...none, running: [], pinned: [] })).toBeUndefined();
  });

  it("the manifest for platforms, for signatures, or for both", () => {
    expect(imageReadsFor({}, { ...none, platform: true })).toStrictEqual({ manifest: true, running: [] });
    expect(imageReadsFor({}, { ...none, signature: true })).toStrictEqual({ manifest: true, running: [] });
    expect(imageReadsFor({}, { ...none, platform: true, signature: true })).toStrictEqual({
      manifest: true,
      running: [],
    });
  });

  it("where the pushed tag points now, when the check asks and the push has a tag", () => {
    expect(imageReadsFor({ tag: "1.5.0" }, { ...none, tag: true })).toStrictEqual({
      manifest: false,
      tag: "1.5.0",
      running: [],
    });
    // A push by digest only has no tag to ask about: nothing is read for it, as for no check at all.
    expect(imageReadsFor({}, { ...none, tag: true })).toStrictEqual({ manifest: false, running: [] });
    expect(imageReadsFor({ tag: "1.5.0" }, { ...none, platform: true })).toStrictEqual({
      manifest: true,
      running: [],
    });
  });

  it("each running and pinned reference once, running first", () => {
    expect(
      imageReadsFor({}, { ...none, running: ["main", DIGEST, "main"], pinned: [DIGEST, LATER] }),
    ).toStrictEqual({ manifest: false, running: ["main", DIGEST, LATER] });
    expect(imageReadsFor({}, { ...none, running: ["main"] })).toStrictEqual({
      manifest: false,
      running: ["main"],
    });
    expect(imageReadsFor({}, { ...none, pinned: [LATER] })).toStrictEqual({
      manifest: false,
      running: [LATER],
    });
  });
});

describe("laterImageToRead: the image the tag names now, read as the pushed one", () => {
  const reads = { manifest: true, tag: "main", running: [] };

  it("when the tag names another digest now", () => {
    expect(laterImageToRead(reads, { tag: "main", digest: LATER }, DIGEST)).toBe(LATER);
  });

  it("not when the tag still names the pushed digest, names none, or was not asked", () => {
    expect(laterImageToRead(reads, { tag: "main", digest: DIGEST }, DIGEST)).toBeUndefined();
    expect(laterImageToRead(reads, { tag: "main" }, DIGEST)).toBeUndefined();
    expect(laterImageToRead(reads, undefined, DIGEST)).toBeUndefined();
  });

  it("not when no check reads manifests (nothing to compare it by)", () => {
    expect(
      laterImageToRead({ ...reads, manifest: false }, { tag: "main", digest: LATER }, DIGEST),
    ).toBeUndefined();
  });
});

describe("times and references", () => {
  it("a time is cut to the whole second, as EventBridge gives event times", () => {
    expect(wholeSecond(pushedAt)).toBe("2026-11-27T10:00:05Z");
    expect(wholeSecond(new Date("2026-11-27T10:00:05Z"))).toBe("2026-11-27T10:00:05Z");
  });

  it("a sha256: reference is asked by digest, anything else by tag (a signature tag too)", () => {
    expect(imageIdOf(DIGEST)).toStrictEqual({ imageDigest: DIGEST });
    expect(imageIdOf("1.5.0")).toStrictEqual({ imageTag: "1.5.0" });
    expect(imageIdOf(tags.cosign)).toStrictEqual({ imageTag: `sha256-${"a".repeat(64)}.sig` });
  });
});

describe("tagFactsOf: where the pushed tag points now", () => {
  it("still at the pushed image: that answer dates it, to the whole second", () => {
    expect(tagFactsOf(DIGEST, "1.5.0", { imageDigest: DIGEST, imagePushedAt: pushedAt })).toStrictEqual({
      tagNow: { tag: "1.5.0", digest: DIGEST },
      pushedAt: "2026-11-27T10:00:05Z",
    });
  });

  it("at another image: that image's time dates nothing of the pushed one", () => {
    expect(tagFactsOf(DIGEST, "1.5.0", { imageDigest: LATER, imagePushedAt: pushedAt })).toStrictEqual({
      tagNow: { tag: "1.5.0", digest: LATER },
    });
  });

  it("at the pushed image without a push time: no date", () => {
    expect(tagFactsOf(DIGEST, "1.5.0", { imageDigest: DIGEST })).toStrictEqual({
      tagNow: { tag: "1.5.0", digest: DIGEST },
    });
  });

  it("no image has the tag any more: a fact, the tag with no digest", () => {
    expect(tagFactsOf(DIGEST, "1.5.0", undefined)).toStrictEqual({ tagNow: { tag: "1.5.0" } });
    expect(tagFactsOf(DIGEST, "1.5.0", { imagePushedAt: pushedAt })).toStrictEqual({
      tagNow: { tag: "1.5.0" },
    });
  });
});

describe("runningFactOf: what ECR says of a running image", () => {
  it("its digest, push time to the whole second and tags", () => {
    expect(
      runningFactOf({ imageDigest: DIGEST, imagePushedAt: pushedAt, imageTags: ["1.5.0", "main"] }),
    ).toStrictEqual({ digest: DIGEST, pushedAt: "2026-11-27T10:00:05Z", tags: ["1.5.0", "main"] });
  });

  it("an untagged image has no tags", () => {
    expect(runningFactOf({ imageDigest: DIGEST, imagePushedAt: pushedAt })).toStrictEqual({
      digest: DIGEST,
      pushedAt: "2026-11-27T10:00:05Z",
      tags: [],
    });
  });

  it("nothing is known without both a digest and a push time, or of an image ECR no longer has", () => {
    expect(runningFactOf({ imagePushedAt: pushedAt, imageTags: ["main"] })).toBeUndefined();
    expect(runningFactOf({ imageDigest: DIGEST, imageTags: ["main"] })).toBeUndefined();
    expect(runningFactOf(undefined)).toBeUndefined();
  });
});

describe("running images are looked up a few at a time", () => {
  it("five at once", () => {
    expect(RUNNING_LOOKUPS_AT_ONCE).toBe(5);
  });

  it("in runs of the size, in order, the last one shorter", () => {
    const refs = Array.from({ length: 12 }, (_, i) => `build-${i + 1}`);
    expect(inBatches(refs, 5)).toEqual([refs.slice(0, 5), refs.slice(5, 10), refs.slice(10)]);
    expect(inBatches(refs.slice(0, 5), 5)).toEqual([refs.slice(0, 5)]);
    expect(inBatches(refs.slice(0, 1), 5)).toEqual([["build-1"]]);
    expect(inBatches([], 5)).toEqual([]);
  });
});

describe("failureToAsk: BatchGetImage failure entries, facts or ECR failing to answer (fail closed)", () => {
  const entry = (failureCode: ImageFailure["failureCode"], failureReason?: string): ImageFailure => ({
    imageId: { imageDigest: DIGEST },
    ...(failureCode ? { failureCode } : {}),
    ...(failureReason ? { failureReason } : {}),
  });

  it("the codes that are facts of the image: not there, archived, asked for wrongly", () => {
    expect([...IMAGE_FACT_FAILURES].sort()).toEqual([
      "ImageInaccessible",
      "ImageNotFound",
      "ImageTagDoesNotMatchDigest",
      "InvalidImageDigest",
      "InvalidImageTag",
      "MissingDigestAndTag",
    ]);
    for (const code of IMAGE_FACT_FAILURES)
      expect(
        failureToAsk([entry(code as ImageFailure["failureCode"], "Requested image not found")]),
      ).toBeUndefined();
    expect(failureToAsk([])).toBeUndefined();
  });

  it("any other code fails the push, named after the code with ECR's reason and the image", () => {
    const error = failureToAsk([entry("KmsError", "The KMS key is disabled")]);
    expect(error).toBeInstanceOf(Error);
    expect({ name: error?.name, message: error?.message }).toStrictEqual({
      name: "KmsError",
      message: `The KMS key is disabled (${DIGEST})`,
    });
  });

  it("the first entry that is not a fact, after facts", () => {
    const error = failureToAsk([
      {
        imageId: { imageTag: tags.cosign },
        failureCode: "ImageNotFound",
        failureReason: "Requested image not found",
      },
      {
        imageId: { imageTag: tags.referrers },
        failureCode: "UpstreamUnavailable",
        failureReason: "Upstream down",
      },
      entry("UpstreamTooManyRequests", "Slow down"),
    ]);
    expect(`${error?.name}: ${error?.message}`).toBe(
      `UpstreamUnavailable: Upstream down (${tags.referrers})`,
    );
  });

  it("an entry without a code is not a fact either; missing reason and image are said so", () => {
    const error = failureToAsk([{}]);
    expect(`${error?.name}: ${error?.message}`).toBe("ImageFailure: no reason given (an image)");
  });
});

describe("manifestImageIds: one BatchGetImage for the pushed digest", () => {
  it("with cosign's and the referrers tag when a signature is checked", () => {
    expect(manifestImageIds(DIGEST, true)).toStrictEqual([
      { imageDigest: DIGEST },
      { imageTag: `sha256-${"a".repeat(64)}.sig` },
      { imageTag: `sha256-${"a".repeat(64)}` },
    ]);
  });

  it("the digest alone otherwise", () => {
    expect(manifestImageIds(DIGEST, false)).toStrictEqual([{ imageDigest: DIGEST }]);
  });
});

describe("pushedManifest: the pushed image in a BatchGetImage answer", () => {
  const manifest = text("docker-manifest.spec-example.json");

  it("is the image of the pushed digest, not one found by a signature tag", () => {
    const cosign = image(text("cosign-signature.spec-example.json"), {
      imageDigest: OTHER,
      imageTag: tags.cosign,
    });
    const pushed = image(manifest, { imageDigest: DIGEST }, MEDIA_TYPES.dockerManifest);
    expect(pushedManifest([cosign, pushed], DIGEST)).toStrictEqual({
      pushed,
      manifest: json("docker-manifest.spec-example.json"),
      mediaType: MEDIA_TYPES.dockerManifest,
    });
  });

  it("takes the media type ECR reports over the manifest's own", () => {
    expect(
      pushedManifest([image(manifest, { imageDigest: DIGEST }, MEDIA_TYPES.ociManifest)], DIGEST).mediaType,
    ).toBe(MEDIA_TYPES.ociManifest);
    expect(pushedManifest([image(manifest, { imageDigest: DIGEST })], DIGEST).mediaType).toBe(
      MEDIA_TYPES.dockerManifest,
    );
  });

  it("has no manifest or media type when the manifest is not JSON, and nothing when the digest is not there", () => {
    const broken = image("{not json", { imageDigest: DIGEST }, MEDIA_TYPES.dockerManifest);
    expect(pushedManifest([broken], DIGEST)).toStrictEqual({
      pushed: broken,
      manifest: undefined,
      mediaType: undefined,
    });
    expect(pushedManifest([image(manifest, { imageDigest: OTHER })], DIGEST)).toStrictEqual({
      pushed: undefined,
      manifest: undefined,
      mediaType: undefined,
    });
  });
});

describe("platformFromManifest: the platforms as far as the manifest tells them", () => {
  const found = (name: string, mediaType?: string) => {
    const manifest = json(name);
    return {
      pushed: image(text(name), { imageDigest: DIGEST }),
      manifest,
      mediaType: mediaType ?? (manifest.mediaType as string),
    };
  };

  it("ECR returned no manifest: the failure entry of the digest, with its code and reason", () => {
    const failures: ImageFailure[] = [
      {
        imageId: { imageTag: tags.cosign },
        failureCode: "ImageNotFound",
        failureReason: "cosign tag not found",
      },
      {
        imageId: { imageDigest: DIGEST },
        failureCode: "ImageInaccessible",
        failureReason: "The image is archived",
      },
    ];
    expect(platformFromManifest(DIGEST, {}, failures)).toStrictEqual({
      known: false,
      reason: `ECR returned no manifest for ${DIGEST} (ImageInaccessible: The image is archived)`,
    });
  });

  it("ECR returned no manifest: the first failure entry when none is the digest's, the code alone without a reason", () => {
    expect(
      platformFromManifest(DIGEST, {}, [
        { imageId: { imageTag: tags.cosign }, failureCode: "ImageNotFound" },
      ]),
    ).toStrictEqual({ known: false, reason: `ECR returned no manifest for ${DIGEST} (ImageNotFound)` });
  });

  it("ECR returned no manifest and no failure entry: no answer", () => {
    expect(platformFromManifest(DIGEST, {}, [])).toStrictEqual({
      known: false,
      reason: `ECR returned no manifest for ${DIGEST} (no answer)`,
    });
  });

  it("a manifest that is not JSON", () => {
    expect(
      platformFromManifest(DIGEST, { pushed: image("{not json", { imageDigest: DIGEST }) }, []),
    ).toStrictEqual({
      known: false,
      reason: "the image manifest is not JSON",
    });
  });

  it("an OCI index or a Docker manifest list: its runnable platforms", () => {
    expect(platformFromManifest(DIGEST, found("oci-index-amd64-arm64-attested.json"), [])).toStrictEqual({
      known: true,
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
      from: "image index",
    });
    expect(platformFromManifest(DIGEST, found("docker-manifest-list.spec-example.json"), [])).toStrictEqual({
      known: true,
      platforms: [
        { os: "linux", architecture: "ppc64le" },
        { os: "linux", architecture: "amd64" },
      ],
      from: "image index",
    });
  });

  it("an index that lists no runnable platform (attestations only)", () => {
    const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
    expect(
      platformFromManifest(
        DIGEST,
        {
          pushed: image(JSON.stringify(index), { imageDigest: DIGEST }),
          manifest: index,
          mediaType: MEDIA_TYPES.ociIndex,
        },
        [],
      ),
    ).toStrictEqual({ known: false, reason: "the image index lists no runnable platform" });
  });

  it("a media type that is no image manifest (Docker schema 1), or none", () => {
    const schema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    expect(
      platformFromManifest(DIGEST, found("docker-manifest.spec-example.json", schema1), []),
    ).toStrictEqual({
      known: false,
      reason: `manifest media type ${schema1} is not an image manifest`,
    });
    const { pushed, manifest } = found("docker-manifest.spec-example.json");
    expect(platformFromManifest(DIGEST, { pushed, manifest }, [])).toStrictEqual({
      known: false,
      reason: "manifest media type (none) is not an image manifest",
    });
  });

  it("a single Docker or OCI manifest: its sha256 config blob is read", () => {
    expect(platformFromManifest(DIGEST, found("docker-manifest.spec-example.json"), [])).toStrictEqual({
      readConfig: "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
    });
    expect(
      platformFromManifest(DIGEST, found("docker-manifest.spec-example.json", MEDIA_TYPES.ociManifest), []),
    ).toStrictEqual({
      readConfig: "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
    });
  });

  it("a manifest whose config is no sha256 blob", () => {
    const { pushed, manifest } = found("docker-manifest.spec-example.json");
    const withConfig = (config: unknown) => ({
      pushed,
      manifest: { ...manifest, config },
      mediaType: MEDIA_TYPES.dockerManifest,
    });
    const none = { known: false, reason: "the manifest names no sha256 config blob" };
    expect(
      platformFromManifest(DIGEST, withConfig({ digest: `sha512:${"d".repeat(128)}` }), []),
    ).toStrictEqual(none);
    expect(platformFromManifest(DIGEST, withConfig({ digest: 42 }), [])).toStrictEqual(none);
    expect(platformFromManifest(DIGEST, withConfig(undefined), [])).toStrictEqual(none);
  });
});

describe("platformFromConfig: the platform an image config names", () => {
  const config = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it("os, architecture and variant, when the blob is the one the manifest names", () => {
    const blob = config({ architecture: "arm64", os: "linux", variant: "v8", rootfs: { type: "layers" } });
    expect(platformFromConfig(sha256(blob), blob)).toStrictEqual({
      known: true,
      platforms: [{ os: "linux", architecture: "arm64", variant: "v8" }],
      from: "image config",
    });
  });

  it("a blob whose digest is not the one named is not read", () => {
    const blob = config({ architecture: "arm64", os: "linux" });
    expect(platformFromConfig(OTHER, blob)).toStrictEqual({
      known: false,
      reason: `the image config read for ${OTHER} has digest ${sha256(blob)}`,
    });
  });

  it("a blob that is not JSON, or names no os and architecture", () => {
    const garbage = new TextEncoder().encode("not json");
    expect(platformFromConfig(sha256(garbage), garbage)).toStrictEqual({
      known: false,
      reason: `the image config ${sha256(garbage)} is not JSON`,
    });
    const noOs = config({ architecture: "arm64" });
    expect(platformFromConfig(sha256(noOs), noOs)).toStrictEqual({
      known: false,
      reason: `the image config ${sha256(noOs)} names no os and architecture`,
    });
  });
});

describe("oversizedBlob: a blob too large to be an image config", () => {
  it("4 MiB is the bound, a byte more is refused with its size", () => {
    expect(MAX_CONFIG_BYTES).toBe(4_194_304);
    expect(oversizedBlob(4_194_304)).toBeUndefined();
    expect(oversizedBlob(4_194_305)).toBe("the blob is 4194305 bytes, more than an image config");
    expect(oversizedBlob(7023)).toBeUndefined();
  });
});

describe("where signatures are looked", () => {
  it("the two tags, then ECR's referrers API", () => {
    expect(signatureTagsLooked(tags)).toStrictEqual([
      `cosign tag sha256-${"a".repeat(64)}.sig`,
      `referrers tag sha256-${"a".repeat(64)}`,
    ]);
    expect(REFERRERS_API_LOOKED).toBe("ECR referrers API (ListImageReferrers)");
  });
});

describe("cosignTagSignature: cosign's sha256-<hex>.sig tag", () => {
  const cosign = image(text("cosign-signature.spec-example.json"), {
    imageDigest: OTHER,
    imageTag: tags.cosign,
  });

  it("a manifest with a cosign signature layer under the tag signs the digest", () => {
    expect(cosignTagSignature([image("{}", { imageDigest: DIGEST }), cosign], tags)).toStrictEqual({
      via: "cosign tag",
      digest: OTHER,
      artifactType: "application/vnd.dev.cosign.simplesigning.v1+json",
      tag: tags.cosign,
    });
  });

  it("not another manifest under the tag, one that is not JSON, or none", () => {
    expect(
      cosignTagSignature(
        [image(text("docker-manifest.spec-example.json"), { imageDigest: OTHER, imageTag: tags.cosign })],
        tags,
      ),
    ).toBeUndefined();
    expect(
      cosignTagSignature([image("{not json", { imageDigest: OTHER, imageTag: tags.cosign })], tags),
    ).toBeUndefined();
    // The signature manifest found by another tag is not the tag's.
    expect(
      cosignTagSignature(
        [image(text("cosign-signature.spec-example.json"), { imageDigest: OTHER, imageTag: "1.5.0" })],
        tags,
      ),
    ).toBeUndefined();
    expect(cosignTagSignature([], tags)).toBeUndefined();
  });

  it("a signature ECR answered without its digest is named by an empty digest, not a made-up one", () => {
    // ECR always returns imageId.imageDigest; the SDK types it optional, and nothing is invented.
    const withoutDigest = image(text("cosign-signature.spec-example.json"), { imageTag: tags.cosign });
    expect(cosignTagSignature([withoutDigest], tags)?.digest).toBe("");
  });
});

describe("the OCI referrers tag", () => {
  const NOTATION = `sha256:${"1".repeat(64)}`;
  const SBOM = `sha256:${"2".repeat(64)}`;
  const COSIGN = `sha256:${"3".repeat(64)}`;
  const referrersIndex = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: [
      {
        mediaType: MEDIA_TYPES.ociManifest,
        digest: NOTATION,
        size: 987,
        artifactType: "application/vnd.cncf.notary.signature",
      },
      { mediaType: MEDIA_TYPES.ociManifest, digest: SBOM, size: 700, artifactType: "application/spdx+json" },
      {
        mediaType: MEDIA_TYPES.ociManifest,
        digest: COSIGN,
        size: 600,
        artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
      },
    ],
  };
  const underTag = (manifest: string) => image(manifest, { imageDigest: OTHER, imageTag: tags.referrers });

  it("lists the signatures of the index under the tag as candidates (an SBOM is none)", () => {
    expect(referrersTagCandidates([underTag(JSON.stringify(referrersIndex))], tags)).toStrictEqual([
      { digest: NOTATION, artifactType: "application/vnd.cncf.notary.signature" },
      { digest: COSIGN, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json" },
    ]);
  });

  it("no candidates without an index under the tag, or when it is not JSON", () => {
    expect(
      referrersTagCandidates([image(JSON.stringify(referrersIndex), { imageDigest: OTHER })], tags),
    ).toStrictEqual([]);
    expect(referrersTagCandidates([underTag("{not json")], tags)).toStrictEqual([]);
  });

  const signed = (subject: string) => {
    const manifest = json("notation-signature.spec-example.json");
    return JSON.stringify({ ...manifest, subject: { ...(manifest.subject as object), digest: subject } });
  };
  const candidates = [
    { digest: NOTATION, artifactType: "application/vnd.cncf.notary.signature" },
    { digest: COSIGN, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json" },
  ];

  it("a candidate signs the digest only when its own manifest's subject is the digest", () => {
    expect(
      referrersTagSignatures(
        candidates,
        [image(signed(DIGEST), { imageDigest: NOTATION }), image(signed(OTHER), { imageDigest: COSIGN })],
        DIGEST,
        tags.referrers,
      ),
    ).toStrictEqual([
      {
        via: "referrers tag",
        digest: NOTATION,
        artifactType: "application/vnd.cncf.notary.signature",
        tag: tags.referrers,
      },
    ]);
  });

  it("each candidate by its own manifest, in order; one not fetched or not JSON signs nothing", () => {
    expect(
      referrersTagSignatures(
        candidates,
        [image(signed(DIGEST), { imageDigest: COSIGN }), image(signed(DIGEST), { imageDigest: NOTATION })],
        DIGEST,
        tags.referrers,
      ).map((s) => s.digest),
    ).toStrictEqual([NOTATION, COSIGN]);
    expect(
      referrersTagSignatures(
        candidates,
        [image("{not json", { imageDigest: NOTATION })],
        DIGEST,
        tags.referrers,
      ),
    ).toStrictEqual([]);
    expect(referrersTagSignatures(candidates, [], DIGEST, tags.referrers)).toStrictEqual([]);
  });
});

describe("referrersApiSignatures: a page of ECR's referrers API", () => {
  const referrer = (
    digest: string,
    artifactType: string | undefined,
    extra: Partial<ImageReferrer> = {},
  ): ImageReferrer => ({
    digest,
    mediaType: MEDIA_TYPES.ociManifest,
    ...(artifactType ? { artifactType } : {}),
    size: 987,
    ...extra,
  });
  const NOTATION = `sha256:${"1".repeat(64)}`;
  const BUNDLE = `sha256:${"4".repeat(64)}`;

  it("active signatures, and those without a status; not archived or activating ones, not attestations", () => {
    expect(
      referrersApiSignatures([
        referrer(NOTATION, "application/vnd.cncf.notary.signature", { artifactStatus: "ACTIVE" }),
        referrer(`sha256:${"5".repeat(64)}`, "application/vnd.cncf.notary.signature", {
          artifactStatus: "ARCHIVED",
        }),
        referrer(`sha256:${"6".repeat(64)}`, "application/vnd.cncf.notary.signature", {
          artifactStatus: "ACTIVATING",
        }),
        referrer(`sha256:${"7".repeat(64)}`, "application/vnd.in-toto+json"),
        referrer(`sha256:${"8".repeat(64)}`, undefined),
        referrer(BUNDLE, "application/vnd.dev.sigstore.bundle.v0.3+json", {
          annotations: { "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1" },
        }),
      ]),
    ).toStrictEqual([
      { via: "ECR referrers API", digest: NOTATION, artifactType: "application/vnd.cncf.notary.signature" },
      {
        via: "ECR referrers API",
        digest: BUNDLE,
        artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      },
    ]);
  });

  it("a referrer without a digest (optional in the SDK's type) is named by an empty digest", () => {
    const withoutDigest = {
      ...referrer(NOTATION, "application/vnd.cncf.notary.signature"),
      digest: undefined,
    };
    expect(referrersApiSignatures([withoutDigest])).toStrictEqual([
      { via: "ECR referrers API", digest: "", artifactType: "application/vnd.cncf.notary.signature" },
    ]);
  });

  it("an empty page has none", () => {
    expect(referrersApiSignatures([])).toStrictEqual([]);
  });
});

describe("nextReferrersPage: paging ECR's referrers API", () => {
  it("asks for the next page while no signature is found", () => {
    expect(nextReferrersPage("page-2", new Set(), 0)).toBe("page-2");
    expect(nextReferrersPage("page-3", new Set(["page-2"]), 0)).toBe("page-3");
  });

  it("stops at the last page, at the first signature, and at a page token seen before (a looping registry)", () => {
    expect(nextReferrersPage(undefined, new Set(), 0)).toBeUndefined();
    expect(nextReferrersPage("", new Set(), 0)).toBeUndefined();
    expect(nextReferrersPage("page-2", new Set(), 1)).toBeUndefined();
    expect(nextReferrersPage("page-2", new Set(["page-2"]), 0)).toBeUndefined();
  });
});
