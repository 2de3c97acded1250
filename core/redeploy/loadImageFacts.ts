import { createHash } from "node:crypto";
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  type ECRClient,
  GetDownloadUrlForLayerCommand,
  type Image,
  type ImageDetail,
  type ImageFailure,
  ImageFailureCode,
  ImageNotFoundException,
  ListImageReferrersCommand,
} from "@aws-sdk/client-ecr";
import { AutopilotError, describeError } from "../errors.ts";
import {
  type ImageChecks,
  type ImageFacts,
  indexPlatforms,
  isCosignSignatureManifest,
  isIndexMediaType,
  isSignatureArtifact,
  MEDIA_TYPES,
  manifestMediaType,
  type PlatformFacts,
  parseManifest,
  platformOf,
  type RunningImageFacts,
  type SignatureArtifact,
  type SignatureFacts,
  signatureDescriptors,
  signatureTags,
  subjectDigest,
  type TagFacts,
} from "./ImageFacts.ts";
import type { ImagePush } from "./types.ts";

/**
 * ECR could not be asked (permissions, throttling, network): the push fails and is retried
 * (Lambda, then the dead-letter queue) instead of being planned without the image's facts.
 */
export class ImageFactsError extends AutopilotError {
  override readonly name = "ImageFactsError";
  readonly code = "image-facts-unavailable";
  constructor(
    readonly repository: string,
    readonly digest: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`cannot read ${repository}@${digest} from ECR: ${problem}`, options);
  }
}

/** Reads a blob (an image config) of a repository by digest. */
export type BlobReader = (repository: string, registryId: string, digest: string) => Promise<Uint8Array>;

/** Image configs are a few KiB; anything far larger is not one (a design bound, not an ECR limit). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const BLOB_TIMEOUT_MS = 10_000;

/**
 * Reads a blob through ECR: `GetDownloadUrlForLayer` (which serves any blob an image references,
 * its config included) and an HTTPS GET of the pre-signed URL it returns.
 *
 * moto 5.2.1 does not implement `GetDownloadUrlForLayer` (moto/ecr/responses.py raises
 * NotImplementedError, which its server answers with HTTP 500) and stores no blobs, so against
 * moto only image indexes (whose platforms need no blob) can be checked; tests of single
 * manifests answer this one call on the client and serve the config from a local HTTP server.
 */
export function ecrBlobReader(ecr: ECRClient): BlobReader {
  return async (repository, registryId, digest) => {
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: repository, registryId, layerDigest: digest }),
    );
    if (!downloadUrl) throw new Error("GetDownloadUrlForLayer returned no URL");
    const response = await fetch(downloadUrl, { signal: AbortSignal.timeout(BLOB_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`downloading the blob answered HTTP ${response.status}`);
    const length = Number(response.headers.get("content-length") ?? "0");
    if (length > MAX_CONFIG_BYTES) throw new Error(`the blob is ${length} bytes, more than an image config`);
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.byteLength > MAX_CONFIG_BYTES)
      throw new Error(`the blob is ${body.byteLength} bytes, more than an image config`);
    return body;
  };
}

export interface ImageFactsOptions {
  /** How config blobs are read (default: {@link ecrBlobReader}). */
  readonly readBlob?: BlobReader;
}

/**
 * Reads what the plan needs to know of a pushed image, and nothing when no service would deploy
 * it: the platforms (one `BatchGetImage` for the digest; for a single manifest also its config
 * blob) and, where a service requires a signature, the signature artifacts that refer to the
 * digest in the same repository (cosign's `sha256-<hex>.sig` tag and the OCI referrers tag
 * `sha256-<hex>` in that same call, then ECR's referrers API when neither holds one); and, for a
 * push with a tag, where that tag points now (one `DescribeImages`, alongside) and, when it names
 * another image, that image's platforms and signatures too (read as for the pushed one, after).
 *
 * Facts ECR states (no such image, no platform in the index, unsigned) become facts the plan
 * skips on; failures to ask ECR throw {@link ImageFactsError}.
 *
 * @example
 * const image = await loadImageFacts(clients.ecr, push, imageChecksFor(push, snapshots, config));
 * const plan = planRedeploy(push, snapshots, config, { image });
 */
export async function loadImageFacts(
  ecr: ECRClient,
  push: ImagePush,
  checks: ImageChecks,
  options: ImageFactsOptions = {},
): Promise<ImageFacts> {
  // The running images whose push time no revision records, and the pinned ones whose tag or time a
  // revision records (which may have been copied onto it by another tool): both asked of ECR.
  const runningRefs = [...new Set([...(checks.running ?? []), ...(checks.pinned ?? [])])];
  if (!checks.platform && !checks.signature && !checks.tag && runningRefs.length === 0)
    return { digest: push.digest };
  const fail = (step: string, error: unknown): never => {
    throw new ImageFactsError(push.repository, push.digest, `${step}: ${describeError(error)}`, {
      cause: error,
    });
  };
  // Both reads at once; when both fail, the manifest's failure is the one reported (always the same).
  const [read, tagNow, running] = await Promise.allSettled([
    checks.platform || checks.signature ? manifestFacts(ecr, push, checks, options, fail) : undefined,
    checks.tag && push.tag !== undefined ? tagFacts(ecr, push, push.tag, fail) : undefined,
    runningRefs.length > 0 ? runningFacts(ecr, push, runningRefs, fail) : undefined,
  ]);
  if (read.status === "rejected") throw read.reason;
  if (tagNow.status === "rejected") throw tagNow.reason;
  if (running.status === "rejected") throw running.reason;
  // The tag moved on: whether the services can take the image it names now decides whether this
  // push is replaced for them (a later build refused on a Graviton service replaces nothing there).
  const later = tagNow.value?.tagNow.digest;
  const moved = later !== undefined && later !== push.digest;
  const tagNowImage =
    moved && (checks.platform || checks.signature)
      ? await manifestFacts(ecr, { ...push, digest: later }, checks, options, fail).then((facts) => ({
          digest: later,
          ...facts,
        }))
      : undefined;
  return {
    digest: push.digest,
    ...read.value,
    ...(tagNow.value ? { tagNow: tagNow.value.tagNow } : {}),
    ...(tagNow.value?.pushedAt ? { pushedAt: tagNow.value.pushedAt } : {}),
    ...(tagNowImage ? { tagNowImage } : {}),
    ...(running.value ? { running: running.value } : {}),
  };
}

/**
 * Where the pushed tag points now (`DescribeImages` by tag): an event delivered late, retried or
 * redriven from the dead-letter queue names a digest the tag may have left since.
 */
async function tagFacts(
  ecr: ECRClient,
  push: ImagePush,
  tag: string,
  fail: (step: string, error: unknown) => never,
): Promise<{ tagNow: TagFacts; pushedAt?: string }> {
  // No image with the tag any more is a fact (undefined), not a failure to ask.
  const detail = await describeImage(ecr, push, tag).catch((error: unknown) => fail("DescribeImages", error));
  return {
    tagNow: { tag, ...(detail?.imageDigest ? { digest: detail.imageDigest } : {}) },
    // The same answer dates the pushed image when the tag still names it.
    ...(detail?.imageDigest === push.digest && detail.imagePushedAt
      ? { pushedAt: wholeSecond(detail.imagePushedAt) }
      : {}),
  };
}

/**
 * One image of the pushed repository by tag or digest (`DescribeImages`), or undefined when ECR has
 * no such image; any other error is thrown for the caller to name.
 */
export async function describeImage(
  ecr: ECRClient,
  push: Pick<ImagePush, "repository" | "account">,
  ref: string,
): Promise<ImageDetail | undefined> {
  try {
    const response = await ecr.send(
      new DescribeImagesCommand({
        repositoryName: push.repository,
        registryId: push.account,
        imageIds: [ref.startsWith("sha256:") ? { imageDigest: ref } : { imageTag: ref }],
      }),
    );
    return response.imageDetails?.[0];
  } catch (error) {
    if (error instanceof ImageNotFoundException) return undefined;
    throw error;
  }
}

/** A time to the whole second, as EventBridge gives event times. */
export const wholeSecond = (time: Date): string => `${time.toISOString().slice(0, 19)}Z`;

/** How many running images are looked up at once (each one DescribeImages). */
const RUNNING_LOOKUPS_AT_ONCE = 5;

/**
 * When the images running services refer to were pushed (one `DescribeImages` per reference,
 * usually one: the services of a repository mostly run the same tag), for revisions that do not
 * record it. A reference ECR no longer has is left out: nothing is known of it.
 */
async function runningFacts(
  ecr: ECRClient,
  push: ImagePush,
  refs: readonly string[],
  fail: (step: string, error: unknown) => never,
): Promise<Record<string, RunningImageFacts>> {
  const facts: Record<string, RunningImageFacts> = {};
  const one = async (ref: string) => {
    const detail = await describeImage(ecr, push, ref).catch((error: unknown) =>
      fail(`DescribeImages (running ${ref})`, error),
    );
    if (detail?.imageDigest && detail.imagePushedAt)
      // EventBridge times are whole seconds: compared at the same precision, the push that made
      // this very image is never "earlier" than it.
      facts[ref] = {
        digest: detail.imageDigest,
        pushedAt: wholeSecond(detail.imagePushedAt),
        tags: detail.imageTags ?? [],
      };
  };
  // A few at a time (services mostly run one tag; preview environments may run dozens).
  for (let start = 0; start < refs.length; start += RUNNING_LOOKUPS_AT_ONCE)
    await Promise.all(refs.slice(start, start + RUNNING_LOOKUPS_AT_ONCE).map(one));
  return facts;
}

/**
 * What a BatchGetImage failure entry says of the image itself: it is not there, cannot be read
 * (`ImageInaccessible`: archived images cannot be pulled until restored, a lasting state a retry
 * would not change), or was asked for wrongly. Every other code (`KmsError`, `UpstreamUnavailable`,
 * `UpstreamTooManyRequests`, `UpstreamAccessDenied`, one added later) is ECR failing to answer,
 * which fails the push for a retry instead of being read as "no platform" or "unsigned".
 */
const IMAGE_FACTS: ReadonlySet<string> = new Set([
  ImageFailureCode.ImageNotFound,
  ImageFailureCode.ImageInaccessible,
  ImageFailureCode.ImageTagDoesNotMatchDigest,
  ImageFailureCode.InvalidImageDigest,
  ImageFailureCode.InvalidImageTag,
  ImageFailureCode.MissingDigestAndTag,
]);

function failedToAsk(
  failures: readonly ImageFailure[],
  step: string,
  fail: (step: string, error: unknown) => never,
): void {
  const failure = failures.find((f) => !IMAGE_FACTS.has(f.failureCode ?? ""));
  if (failure)
    // Named after ECR's failure code, as the SDK names its exceptions: "KmsError: … (sha256:…)".
    fail(
      step,
      Object.assign(
        new Error(
          `${failure.failureReason ?? "no reason given"} (${failure.imageId?.imageDigest ?? failure.imageId?.imageTag ?? "an image"})`,
        ),
        { name: failure.failureCode ?? "ImageFailure" },
      ),
    );
}

async function manifestFacts(
  ecr: ECRClient,
  push: ImagePush,
  checks: ImageChecks,
  options: ImageFactsOptions,
  fail: (step: string, error: unknown) => never,
): Promise<Omit<ImageFacts, "digest">> {
  const tags = signatureTags(push.digest);
  const imageIds = [
    { imageDigest: push.digest },
    ...(checks.signature ? [{ imageTag: tags.cosign }, { imageTag: tags.referrers }] : []),
  ];
  const response = await ecr
    .send(
      new BatchGetImageCommand({
        repositoryName: push.repository,
        registryId: push.account,
        imageIds,
        // With the index types accepted, an image index or manifest list comes back as it is;
        // without them a registry may answer with the list's linux/amd64 manifest instead (the
        // Docker registry's backward-compatibility rule), hiding every other platform.
        acceptedMediaTypes: Object.values(MEDIA_TYPES),
      }),
    )
    .catch((error: unknown) => fail("BatchGetImage", error));
  const images = response.images ?? [];
  const failures = response.failures ?? [];
  failedToAsk(failures, "BatchGetImage", fail);
  const pushed = images.find((i) => i.imageId?.imageDigest === push.digest);
  const manifest = parseManifest(pushed?.imageManifest);
  const mediaType = manifest ? manifestMediaType(manifest, pushed?.imageManifestMediaType) : undefined;

  const platform = checks.platform
    ? await platformFacts(
        push,
        pushed,
        manifest,
        mediaType,
        failures,
        options.readBlob ?? ecrBlobReader(ecr),
        fail,
      )
    : undefined;
  const signature = checks.signature ? await signatureFacts(ecr, push, images, tags, fail) : undefined;
  return {
    ...(mediaType ? { mediaType } : {}),
    ...(platform ? { platform } : {}),
    ...(signature ? { signature } : {}),
  };
}

async function platformFacts(
  push: ImagePush,
  pushed: Image | undefined,
  manifest: Record<string, unknown> | undefined,
  mediaType: string | undefined,
  failures: readonly ImageFailure[],
  readBlob: BlobReader,
  fail: (step: string, error: unknown) => never,
): Promise<PlatformFacts> {
  if (!pushed) {
    const failure = failures.find((f) => f.imageId?.imageDigest === push.digest) ?? failures[0];
    return {
      known: false,
      reason: `ECR returned no manifest for ${push.digest} (${failure?.failureCode ?? "no answer"}${failure?.failureReason ? `: ${failure.failureReason}` : ""})`,
    };
  }
  if (!manifest) return { known: false, reason: "the image manifest is not JSON" };
  if (isIndexMediaType(mediaType)) {
    const platforms = indexPlatforms(manifest);
    return platforms.length > 0
      ? { known: true, platforms, from: "image index" }
      : { known: false, reason: "the image index lists no runnable platform" };
  }
  if (mediaType !== MEDIA_TYPES.dockerManifest && mediaType !== MEDIA_TYPES.ociManifest)
    return { known: false, reason: `manifest media type ${mediaType ?? "(none)"} is not an image manifest` };
  const config = manifest.config as { digest?: unknown; mediaType?: unknown } | undefined;
  const digest = typeof config?.digest === "string" ? config.digest : undefined;
  if (!digest?.startsWith("sha256:"))
    return { known: false, reason: "the manifest names no sha256 config blob" };
  const blob = await readBlob(push.repository, push.account, digest).catch((error: unknown) =>
    fail(`reading the image config ${digest}`, error),
  );
  // The blob is content-addressed: what came back must be what the manifest names.
  const actual = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
  if (actual !== digest)
    return { known: false, reason: `the image config read for ${digest} has digest ${actual}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(blob));
  } catch {
    return { known: false, reason: `the image config ${digest} is not JSON` };
  }
  const found = platformOf(parsed);
  return found
    ? { known: true, platforms: [found], from: "image config" }
    : { known: false, reason: `the image config ${digest} names no os and architecture` };
}

async function signatureFacts(
  ecr: ECRClient,
  push: ImagePush,
  images: readonly Image[],
  tags: { cosign: string; referrers: string },
  fail: (step: string, error: unknown) => never,
): Promise<SignatureFacts> {
  const signatures: SignatureArtifact[] = [];
  const byTag = (tag: string) => images.find((i) => i.imageId?.imageTag === tag);
  const looked = [`cosign tag ${tags.cosign}`, `referrers tag ${tags.referrers}`];

  const cosign = byTag(tags.cosign);
  const cosignManifest = parseManifest(cosign?.imageManifest);
  if (cosign && cosignManifest && isCosignSignatureManifest(cosignManifest))
    signatures.push({
      via: "cosign tag",
      digest: cosign.imageId?.imageDigest ?? "",
      artifactType: "application/vnd.dev.cosign.simplesigning.v1+json",
      tag: tags.cosign,
    });

  const referrers = parseManifest(byTag(tags.referrers)?.imageManifest);
  const candidates = referrers ? signatureDescriptors(referrers) : [];
  if (candidates.length > 0) {
    // The tag only claims the relation; each signature manifest's own `subject` must name the digest.
    const fetched = await ecr
      .send(
        new BatchGetImageCommand({
          repositoryName: push.repository,
          registryId: push.account,
          imageIds: candidates.map((c) => ({ imageDigest: c.digest })),
          acceptedMediaTypes: [MEDIA_TYPES.ociManifest],
        }),
      )
      .catch((error: unknown) => fail("BatchGetImage (referrers)", error));
    failedToAsk(fetched.failures ?? [], "BatchGetImage (referrers)", fail);
    for (const candidate of candidates) {
      const image = fetched.images?.find((i) => i.imageId?.imageDigest === candidate.digest);
      const referrer = parseManifest(image?.imageManifest);
      if (referrer && subjectDigest(referrer) === push.digest)
        signatures.push({ via: "referrers tag", ...candidate, tag: tags.referrers });
    }
  }
  if (signatures.length > 0) return { signatures, looked };

  looked.push("ECR referrers API (ListImageReferrers)");
  let nextToken: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await ecr
      .send(
        new ListImageReferrersCommand({
          repositoryName: push.repository,
          registryId: push.account,
          subjectId: { imageDigest: push.digest },
          ...(nextToken ? { nextToken } : {}),
        }),
      )
      .catch((error: unknown) => fail("ListImageReferrers", error));
    for (const referrer of page.referrers ?? []) {
      if (referrer.artifactStatus !== undefined && referrer.artifactStatus !== "ACTIVE") continue;
      if (isSignatureArtifact(referrer.artifactType, referrer.annotations))
        signatures.push({
          via: "ECR referrers API",
          digest: referrer.digest ?? "",
          artifactType: referrer.artifactType ?? "",
        });
    }
    nextToken = page.nextToken;
    if (nextToken && seen.has(nextToken)) break;
    if (nextToken) seen.add(nextToken);
  } while (nextToken && signatures.length === 0);
  return { signatures, looked };
}
