import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DescribeImagesCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import {
  ImageFactsError,
  pushFromEvent,
  type RedeployReport,
  redeployPush,
  ServiceIndex,
  signatureTags,
} from "../../../core/redeploy/index.ts";
import { wholeSecond } from "../../../core/redeploy/loadImageFacts.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  type ImageOptions,
  pushImageWithBlobs,
} from "../../../sandbox/seed.ts";
import { startRecordingServer } from "../../support/recordingServer.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

/**
 * The platform and signature checks against moto's ECR, with real manifest and image index JSON
 * shapes put into it (test/fixtures/images). moto 5.2.1 stores manifests but no blobs, and answers
 * neither GetDownloadUrlForLayer (moto/ecr/responses.py's get_download_url_for_layer raises
 * NotImplementedError) nor ListImageReferrers (ecr/responses.py has no handler for it at all, so
 * moto/core/responses.py's dispatcher raises "The list_image_referrers action has not been
 * implemented"); its server answers HTTP 500 to both. Those two calls, and only they, are answered
 * on the ECR client here; the config blobs they point at are served by a local HTTP server, so
 * the download and its digest check run for real.
 */

const fixture = (name: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../../fixtures/images", name), "utf8")) as Record<
    string,
    unknown
  >;
const sha256 = (text: string | Buffer) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

let world: World;
let ids = 0;
const blobs = new Map<string, Buffer>();
let blobServer: Awaited<ReturnType<typeof startRecordingServer>>;
/** What ECR's referrers API answers (moto has none). */
let referrers: Array<Record<string, unknown>> = [];
let referrerCalls = 0;
/** The repository whose DescribeImages is throttled (lasting, past the SDK's retries). */
/** A digest whose DescribeImages is throttled (a pinned image's tags and push time). */
let throttledDigest: string | undefined;
let throttledRepository: string | undefined;

async function push(repository: string, tag: string, options: ImageOptions = {}) {
  const pushed = await pushImageWithBlobs(world.clients, repository, tag, `${tag}-${++ids}`, options);
  for (const [digest, blob] of pushed.configBlobs) blobs.set(digest, blob);
  const event = ecrPushEvent({ region: REGION, repository, digest: pushed.digest, tag, id: `facts-${ids}` });
  return { digest: pushed.digest, event };
}

async function putManifest(repository: string, manifest: unknown, tag?: string): Promise<string> {
  const text = JSON.stringify(manifest);
  const mediaType = (manifest as { mediaType: string }).mediaType;
  const response = await world.clients.ecr.send(
    new PutImageCommand({
      repositoryName: repository,
      imageManifest: text,
      imageManifestMediaType: mediaType,
      imageDigest: sha256(text),
      ...(tag ? { imageTag: tag } : {}),
    }),
  );
  return response.image?.imageId?.imageDigest ?? "";
}

const outcome = (report: RedeployReport, service: string) =>
  report.outcomes.find((o) => o.action.service.serviceName === service);
const skipOf = (report: RedeployReport, service: string) => {
  const found = outcome(report, service);
  return found?.kind === "skipped"
    ? { category: found.action.category, reason: found.action.reason }
    : found?.kind;
};

async function service(name: string, repository: string, tags: Record<string, string>, arm = false) {
  await createService(world.clients, {
    cluster: "prod",
    name,
    tags,
    containers: [{ name, image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    ...(arm
      ? { taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } } }
      : {}),
  });
  await new ServiceIndex(world.clients, world.state).refreshService("prod", name);
}

describe("image facts from moto's ECR", () => {
  beforeAll(async () => {
    world = await createWorld();
    blobServer = await startRecordingServer((request, _, res) => {
      const blob = blobs.get(request.path.replace("/blobs/", ""));
      if (!blob) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(blob);
    });
    world.clients.ecr.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input: Record<string, unknown> }).input;
        if (context.commandName === "GetDownloadUrlForLayerCommand") {
          const digest = String(input.layerDigest);
          return {
            output: { downloadUrl: blobServer.url(`/blobs/${digest}`), layerDigest: digest, $metadata: {} },
            response: {},
          };
        }
        // Throttling, which moto cannot produce: where the tag points cannot be read.
        const ids = (input.imageIds ?? []) as { imageDigest?: string }[];
        if (
          context.commandName === "DescribeImagesCommand" &&
          (input.repositoryName === throttledRepository ||
            (throttledDigest !== undefined && ids.some((id) => id.imageDigest === throttledDigest)))
        ) {
          const error = new Error("Rate exceeded");
          error.name = "ThrottlingException";
          throw error;
        }
        if (context.commandName === "ListImageReferrersCommand") {
          referrerCalls++;
          return { output: { referrers, $metadata: {} }, response: {} };
        }
        return next(args);
      },
      { step: "initialize", name: "answerWhatMotoCannot" },
    );
    await createCluster(world.clients, "prod");
    for (const repository of ["shop/api", "shop/arm", "shop/single", "shop/signed"])
      await createRepository(world.clients, repository);
    await service("api", "shop/api", { "autopilot:redeploy": "minor" });
    await service("api-arm", "shop/api", { "autopilot:redeploy": "minor" }, true);
    await service("single", "shop/single", { "autopilot:redeploy": "minor" });
    await service("single-arm", "shop/single", { "autopilot:redeploy": "minor" }, true);
    await service("signed", "shop/signed", {
      "autopilot:redeploy": "minor",
      "autopilot:require-signature": "true",
    });
    await service("trusting", "shop/signed", { "autopilot:redeploy": "minor" });
  });

  it("skips a Graviton service for an amd64-only image index and deploys a multi-arch one to both", async () => {
    const amd64 = await push("shop/api", "1.1.0");
    const first = await redeployPush(pushFromEvent(amd64.event), world.context());
    expect(outcome(first, "api")?.kind).toBe("deployed");
    expect(skipOf(first, "api-arm")).toEqual({
      category: "platform-mismatch",
      reason:
        "the image is built for linux/amd64 (image index); the task needs linux/arm64 (runtimePlatform ARM64/LINUX)",
    });
    expect(first.plan.image?.platform).toEqual({
      known: true,
      platforms: [{ os: "linux", architecture: "amd64" }],
      from: "image index",
    });

    const both = await push("shop/api", "1.2.0", { platforms: ["linux/amd64", "linux/arm64/v8"] });
    world.counter.reset();
    const second = await redeployPush(pushFromEvent(both.event), world.context());
    expect(second.outcomes.map((o) => o.kind)).toEqual(["deployed", "deployed"]);
    // One read of the pushed image for every service: the index names its platforms. One of where
    // its tag points now (still at the pushed digest), one of when `1.0.0` was pushed: api-arm,
    // skipped by the first push, still runs the revision createService made, which records no push
    // time; and one of the 1.1.0 digest api runs pinned by the first push, whose recorded tag and
    // time another tool may have copied (review round 11: ECR's push time is asked).
    expect(world.counter.byOperation()["ECR.BatchGetImage"]).toBe(1);
    expect(world.counter.byOperation()["ECR.DescribeImages"]).toBe(3);
    // (This repository never had a `1.0.0`: ECR has no such image, so nothing is known of it.)
    expect(Object.keys(second.plan.image?.running ?? {})).toEqual([amd64.digest]);
    expect(second.plan.image?.running?.[amd64.digest]?.tags).toEqual(["1.1.0"]);
    expect(second.plan.image?.tagNow).toEqual({ tag: "1.2.0", digest: both.digest });
    // The same DescribeImages dates the pushed image (the tag names it): the rolled-back check looks
    // at deployments since then, not only since the event (a retag has a later event, not a later image).
    const described = await world.clients.ecr.send(
      new DescribeImagesCommand({ repositoryName: "shop/api", imageIds: [{ imageDigest: both.digest }] }),
    );
    const pushedAt = described.imageDetails?.[0]?.imagePushedAt;
    expect(second.plan.image?.pushedAt).toBe(pushedAt && wholeSecond(pushedAt));
    // A tag that names another image now dates nothing of the pushed one.
    const moved = await push("shop/api", "1.3.0", { platforms: ["linux/amd64", "linux/arm64/v8"] });
    const later = await push("shop/api", "1.3.0", { platforms: ["linux/amd64", "linux/arm64/v8"] });
    const stale = await redeployPush(pushFromEvent(moved.event), world.context(), { dryRun: true });
    expect(stale.plan.image?.tagNow).toEqual({ tag: "1.3.0", digest: later.digest });
    expect(stale.plan.image).not.toHaveProperty("pushedAt");
  });

  it("reads the platform of a single manifest from its config blob, checking the blob's digest", async () => {
    const amd64 = await push("shop/single", "1.1.0", { format: "manifest" });
    const report = await redeployPush(pushFromEvent(amd64.event), world.context());
    expect(outcome(report, "single")?.kind).toBe("deployed");
    expect(skipOf(report, "single-arm")).toMatchObject({
      category: "platform-mismatch",
      reason: expect.stringContaining("built for linux/amd64 (image config)"),
    });
    expect(blobServer.posts.map((p) => p.path)).toContain(`/blobs/${[...blobs.keys()].at(-1)}`);

    const arm = await push("shop/single", "1.2.0", { format: "manifest", platforms: ["linux/arm64"] });
    const tampered = Buffer.from(JSON.stringify({ architecture: "arm64", os: "linux", tampered: true }));
    for (const [digest] of blobs) if (!blobs.get(digest)?.includes("tampered")) blobs.set(digest, tampered);
    const refused = await redeployPush(pushFromEvent(arm.event), world.context());
    expect(skipOf(refused, "single-arm")).toMatchObject({
      category: "platform-unknown",
      reason: expect.stringMatching(
        /^the image config read for sha256:[0-9a-f]{64} has digest sha256:[0-9a-f]{64}/,
      ),
    });
  });

  it("takes the real Docker manifest-list shape, whatever its other platforms", async () => {
    const list = fixture("docker-manifest-list.spec-example.json");
    const digest = await putManifest("shop/api", list, "1.3.0");
    const event = ecrPushEvent({
      region: REGION,
      repository: "shop/api",
      digest,
      tag: "1.3.0",
      id: "facts-list",
    });
    const report = await redeployPush(pushFromEvent(event), world.context());
    expect(outcome(report, "api")?.kind).toBe("deployed");
    expect(skipOf(report, "api-arm")).toMatchObject({
      category: "platform-mismatch",
      reason: expect.stringContaining("built for linux/ppc64le, linux/amd64 (image index)"),
    });
  });

  describe("signatures", () => {
    it("skips an unsigned image where a signature is required, after looking everywhere", async () => {
      referrers = [];
      referrerCalls = 0;
      const { event, digest } = await push("shop/signed", "1.1.0");
      const report = await redeployPush(pushFromEvent(event), world.context());
      expect(outcome(report, "trusting")?.kind).toBe("deployed");
      expect(skipOf(report, "signed")).toEqual({
        category: "unsigned",
        reason: `a signature is required and none refers to ${digest} in its repository (looked at: cosign tag ${signatureTags(digest).cosign}; referrers tag ${signatureTags(digest).referrers}; ECR referrers API (ListImageReferrers))`,
      });
      expect(referrerCalls).toBe(1);
    });

    it("finds cosign's sha256-<hex>.sig signature in the same BatchGetImage call", async () => {
      referrerCalls = 0;
      const { event, digest } = await push("shop/signed", "1.2.0");
      await putManifest(
        "shop/signed",
        fixture("cosign-signature.spec-example.json"),
        signatureTags(digest).cosign,
      );
      world.counter.reset();
      const report = await redeployPush(pushFromEvent(event), world.context());
      const signed = outcome(report, "signed");
      expect(signed?.kind).toBe("deployed");
      expect(signed?.kind === "deployed" && signed.action.image?.signature).toContain(
        `cosign tag ${signatureTags(digest).cosign}`,
      );
      expect(world.counter.byOperation()["ECR.BatchGetImage"]).toBe(1);
      expect(referrerCalls).toBe(0);
    });

    it("finds a Notation signature through the OCI referrers tag, and only one whose subject is the digest", async () => {
      referrerCalls = 0;
      const { event, digest } = await push("shop/signed", "1.3.0");
      const notation = fixture("notation-signature.spec-example.json");
      const foreign = await putManifest("shop/signed", notation); // subject: the spec's sample digest
      const own = await putManifest("shop/signed", {
        ...notation,
        subject: { ...(notation.subject as object), digest },
      });
      const index = (manifests: string[]) => ({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: manifests.map((d) => ({
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: d,
          size: 725,
          artifactType: "application/vnd.cncf.notary.signature",
        })),
      });
      await putManifest("shop/signed", index([foreign]), signatureTags(digest).referrers);
      const unsigned = await redeployPush(pushFromEvent(event), world.context());
      expect(skipOf(unsigned, "signed")).toMatchObject({ category: "unsigned" });
      expect(referrerCalls).toBe(1);

      await putManifest("shop/signed", index([foreign, own]), signatureTags(digest).referrers);
      const again = ecrPushEvent({
        region: REGION,
        repository: "shop/signed",
        digest,
        tag: "1.3.0",
        id: "facts-again",
      });
      const report = await redeployPush(pushFromEvent(again), world.context());
      const signed = outcome(report, "signed");
      expect(signed?.kind === "deployed" && signed.action.image?.signature).toContain(
        `referrers tag ${signatureTags(digest).referrers}: application/vnd.cncf.notary.signature ${own.slice(0, 19)}`,
      );
    });

    it("finds a signature through ECR's referrers API, ignoring attestations and archived artifacts", async () => {
      const { event } = await push("shop/signed", "1.4.0");
      referrers = [
        {
          digest: `sha256:${"1".repeat(64)}`,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          artifactType: "application/vnd.in-toto+json",
          size: 1,
        },
        {
          digest: `sha256:${"2".repeat(64)}`,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
          annotations: { "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1" },
          artifactStatus: "ARCHIVED",
          size: 888,
        },
      ];
      const none = await redeployPush(pushFromEvent(event), world.context());
      expect(skipOf(none, "signed")).toMatchObject({ category: "unsigned" });
      referrers = [
        ...referrers,
        { ...referrers[1], digest: `sha256:${"3".repeat(64)}`, artifactStatus: "ACTIVE" },
      ];
      const again = ecrPushEvent({
        region: REGION,
        repository: "shop/signed",
        digest: none.plan.push.digest,
        tag: "1.4.0",
        id: "facts-api",
      });
      const report = await redeployPush(pushFromEvent(again), world.context());
      const signed = outcome(report, "signed");
      expect(signed?.kind === "deployed" && signed.action.image?.signature).toBe(
        `ECR referrers API: application/vnd.dev.sigstore.bundle.v0.3+json sha256:${"3".repeat(12)}…`,
      );
    });

    it("reads signatures only where a deploying service requires one", async () => {
      const config = parseConfig(JSON.stringify({ redeploy: { requireSignature: false } }), "x.json");
      const { event } = await push("shop/api", "1.9.9-rc.1");
      world.counter.reset();
      const report = await redeployPush(pushFromEvent(event), world.context(config));
      expect(report.outcomes.every((o) => o.kind === "skipped")).toBe(true);
      // Nobody would deploy a pre-release: the image is not even read.
      expect(world.counter.byOperation()["ECR.BatchGetImage"]).toBeUndefined();
    });
  });

  it("fails the push, to be retried, when ECR refuses the read (here: no such repository)", async () => {
    await createService(world.clients, {
      cluster: "prod",
      name: "ghost",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "ghost", image: ecrImage(REGION, "shop/ghost", "1.0.0"), essential: true }],
    });
    await new ServiceIndex(world.clients, world.state).refreshService("prod", "ghost");
    const event = ecrPushEvent({
      region: REGION,
      repository: "shop/ghost",
      digest: `sha256:${"9".repeat(64)}`,
      tag: "1.1.0",
      id: "facts-ghost",
    });
    const attempt = redeployPush(pushFromEvent(event), world.context());
    await expect(attempt).rejects.toBeInstanceOf(ImageFactsError);
    await expect(attempt).rejects.toThrow(
      /^cannot read shop\/ghost@sha256:9{64} from ECR: BatchGetImage: RepositoryNotFoundException/,
    );
  });

  it("fails the push, to be retried, when where the tag points cannot be read (throttled)", async () => {
    await createRepository(world.clients, "shop/throttled");
    await service("throttled", "shop/throttled", { "autopilot:redeploy": "minor" });
    await new ServiceIndex(world.clients, world.state).refreshService("prod", "throttled");
    const { digest, event } = await push("shop/throttled", "1.1.0", { platforms: ["linux/amd64"] });
    throttledRepository = "shop/throttled";
    try {
      const attempt = redeployPush(pushFromEvent(event), world.context());
      await expect(attempt).rejects.toBeInstanceOf(ImageFactsError);
      await expect(attempt).rejects.toThrow(
        `cannot read shop/throttled@${digest} from ECR: DescribeImages: ThrottlingException: Rate exceeded`,
      );
    } finally {
      throttledRepository = undefined;
    }
  });

  it("fails the push, to be retried, when the tags and push time of a digest ecs-autopilot pinned cannot be read (throttled): never a deploy on the record alone", async () => {
    // Review round 11: the recorded tag and time may have been copied by another tool; ECR decides.
    await createRepository(world.clients, "shop/pinned-throttled");
    await service("pinned-throttled", "shop/pinned-throttled", { "autopilot:redeploy": "minor" });
    await new ServiceIndex(world.clients, world.state).refreshService("prod", "pinned-throttled");
    const first = await push("shop/pinned-throttled", "1.1.0", { platforms: ["linux/amd64"] });
    expect(
      outcome(await redeployPush(pushFromEvent(first.event), world.context()), "pinned-throttled")?.kind,
    ).toBe("deployed");
    const next = await push("shop/pinned-throttled", "1.2.0", { platforms: ["linux/amd64"] });
    throttledDigest = first.digest;
    try {
      const attempt = redeployPush(pushFromEvent(next.event), world.context());
      await expect(attempt).rejects.toBeInstanceOf(ImageFactsError);
      await expect(attempt).rejects.toThrow(
        `cannot read shop/pinned-throttled@${next.digest} from ECR: DescribeImages (running ${first.digest}): ThrottlingException: Rate exceeded`,
      );
    } finally {
      throttledDigest = undefined;
    }
    // Its retry, with ECR answering, deploys.
    expect(
      outcome(await redeployPush(pushFromEvent(next.event), world.context()), "pinned-throttled")?.kind,
    ).toBe("deployed");
  });
});
