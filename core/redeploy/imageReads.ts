import { createHash } from "node:crypto";
import {
  type Image,
  type ImageDetail,
  type ImageFailure,
  ImageFailureCode,
  type ImageIdentifier,
  type ImageReferrer,
} from "@aws-sdk/client-ecr";
import {
  type ImageChecks,
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
  signatureDescriptors,
  signatureTags,
  subjectDigest,
  type TagFacts,
} from "./ImageFacts.ts";
import type { ImagePush } from "./types.ts";

/*
 * What the redeploy asks ECR of a pushed image and what it makes of ECR's answers: which reads a
 * plan needs, which failure entries are facts of the image and which are ECR failing to answer
 * (fail closed), which time dates an image, the platform of a manifest and its config blob, and
 * which artifacts found under the signature tags or through the referrers API sign the digest.
 * loadImageFacts.ts sends the calls; these decisions are their own module so that mutation
 * testing (group `image-reads`) mutates them alone. What counts as a signature or a platform in a
 * manifest is ImageFacts.ts (group `image-facts`).
 */

/** What {@link loadImageFacts} reads of ECR for a plan (nothing at all is `undefined`). */
export interface ImageReads {
  /** The pushed digest's manifest (`BatchGetImage`): for its platforms, its signatures, or both. */
  readonly manifest: boolean;
  /** The pushed tag, when where it points now is asked (`DescribeImages` by tag). */
  readonly tag?: string;
  /** Running and pinned images asked of ECR (`DescribeImages` each), each reference once. */
  readonly running: readonly string[];
}

/**
 * The reads a plan's checks need: the manifest when a service checks platforms or signatures;
 * where the tag points when a service would deploy a push that has one; each running or pinned
 * reference once. Undefined when no check needs anything: nothing is read.
 *
 * @example
 * imageReadsFor(push, { platform: true, signature: false, tag: true }); // { manifest: true, tag: "1.5.0", running: [] }
 */
export function imageReadsFor(push: Pick<ImagePush, "tag">, checks: ImageChecks): ImageReads | undefined {
  // The running images whose push time no revision records, and the pinned ones whose tag or time a
  // revision records (which may have been copied onto it by another tool): both asked of ECR.
  const running = [...new Set([...(checks.running ?? []), ...(checks.pinned ?? [])])];
  if (!checks.platform && !checks.signature && !checks.tag && running.length === 0) return undefined;
  return {
    manifest: checks.platform || checks.signature,
    ...(checks.tag && push.tag !== undefined ? { tag: push.tag } : {}),
    running,
  };
}

/**
 * The image the pushed tag names now, when it is another than the pushed one and the checks read
 * manifests: whether services can take it decides whether this push is replaced for them (a later
 * build refused on a Graviton service replaces nothing there). Undefined: nothing more to read.
 */
export function laterImageToRead(
  reads: ImageReads,
  tagNow: TagFacts | undefined,
  pushedDigest: string,
): string | undefined {
  const later = tagNow?.digest;
  return reads.manifest && later !== undefined && later !== pushedDigest ? later : undefined;
}

/** A time to the whole second, as EventBridge gives event times. */
export const wholeSecond = (time: Date): string => `${time.toISOString().slice(0, 19)}Z`;

/** How ECR is asked for one image by a reference: a `sha256:` digest, else a tag. */
export const imageIdOf = (ref: string): ImageIdentifier =>
  ref.startsWith("sha256:") ? { imageDigest: ref } : { imageTag: ref };

/**
 * Where the pushed tag points now, from `DescribeImages` by the tag (`detail` undefined: no image
 * has it any more, a fact). The same answer dates the pushed image (`imagePushedAt`, to the whole
 * second) when the tag still names it.
 */
export function tagFactsOf(
  pushedDigest: string,
  tag: string,
  detail: Pick<ImageDetail, "imageDigest" | "imagePushedAt"> | undefined,
): { tagNow: TagFacts; pushedAt?: string } {
  return {
    tagNow: { tag, ...(detail?.imageDigest ? { digest: detail.imageDigest } : {}) },
    ...(detail?.imageDigest === pushedDigest && detail.imagePushedAt
      ? { pushedAt: wholeSecond(detail.imagePushedAt) }
      : {}),
  };
}

/**
 * What ECR says of a running image (`DescribeImages` by its tag or digest): its digest, push time
 * (whole seconds: compared at EventBridge's precision, the push that made this very image is never
 * "earlier" than it) and tags; undefined when ECR has no such image or does not say both.
 */
export function runningFactOf(
  detail: Pick<ImageDetail, "imageDigest" | "imagePushedAt" | "imageTags"> | undefined,
): RunningImageFacts | undefined {
  if (!detail?.imageDigest || !detail.imagePushedAt) return undefined;
  return {
    digest: detail.imageDigest,
    pushedAt: wholeSecond(detail.imagePushedAt),
    tags: detail.imageTags ?? [],
  };
}

/** How many running images are looked up at once (each one DescribeImages). */
export const RUNNING_LOOKUPS_AT_ONCE = 5;

/** The items in runs of `size` (the last one shorter), in order. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * The BatchGetImage failure codes that say something of the image itself: it is not there, cannot
 * be read (`ImageInaccessible`: archived images cannot be pulled until restored, a lasting state a
 * retry would not change), or was asked for wrongly. Every other code (`KmsError`,
 * `UpstreamUnavailable`, `UpstreamTooManyRequests`, `UpstreamAccessDenied`, one added later) is ECR
 * failing to answer, which fails the push for a retry instead of being read as "no platform" or
 * "unsigned".
 */
export const IMAGE_FACT_FAILURES: ReadonlySet<string> = new Set([
  ImageFailureCode.ImageNotFound,
  ImageFailureCode.ImageInaccessible,
  ImageFailureCode.ImageTagDoesNotMatchDigest,
  ImageFailureCode.InvalidImageDigest,
  ImageFailureCode.InvalidImageTag,
  ImageFailureCode.MissingDigestAndTag,
]);

/**
 * The first failure entry that is ECR failing to answer (not a fact of the image), as an error
 * named after ECR's failure code, as the SDK names its exceptions ("KmsError: … (sha256:…)");
 * undefined when every entry is a fact.
 */
export function failureToAsk(failures: readonly ImageFailure[]): Error | undefined {
  const failure = failures.find((f) => !IMAGE_FACT_FAILURES.has(f.failureCode ?? ""));
  if (!failure) return undefined;
  return Object.assign(
    new Error(
      `${failure.failureReason ?? "no reason given"} (${failure.imageId?.imageDigest ?? failure.imageId?.imageTag ?? "an image"})`,
    ),
    { name: failure.failureCode ?? "ImageFailure" },
  );
}

/**
 * What one BatchGetImage asks for a pushed digest: its manifest, and, when a signature is checked,
 * cosign's `sha256-<hex>.sig` tag and the OCI referrers tag in the same call.
 */
export function manifestImageIds(digest: string, signature: boolean): ImageIdentifier[] {
  const tags = signatureTags(digest);
  return [
    { imageDigest: digest },
    ...(signature ? [{ imageTag: tags.cosign }, { imageTag: tags.referrers }] : []),
  ];
}

/** The pushed image in a BatchGetImage answer, its manifest parsed and its media type (ECR's, else the manifest's own). */
export function pushedManifest(
  images: readonly Image[],
  digest: string,
): { pushed?: Image; manifest?: Record<string, unknown>; mediaType?: string } {
  const pushed = images.find((i) => i.imageId?.imageDigest === digest);
  const manifest = parseManifest(pushed?.imageManifest);
  const mediaType = manifest ? manifestMediaType(manifest, pushed?.imageManifestMediaType) : undefined;
  return { pushed, manifest, mediaType };
}

/**
 * The platforms of a pushed image as far as its manifest tells them: ECR returned no manifest
 * (with its failure code), not JSON, an index (its runnable platforms), not an image manifest, no
 * sha256 config; or, for a single manifest, the config blob to read (`readConfig`), whose platform
 * {@link platformFromConfig} tells.
 */
export function platformFromManifest(
  digest: string,
  found: { pushed?: Image; manifest?: Record<string, unknown>; mediaType?: string },
  failures: readonly ImageFailure[],
): PlatformFacts | { readonly readConfig: string } {
  const { pushed, manifest, mediaType } = found;
  if (!pushed) {
    const failure = failures.find((f) => f.imageId?.imageDigest === digest) ?? failures[0];
    return {
      known: false,
      reason: `ECR returned no manifest for ${digest} (${failure?.failureCode ?? "no answer"}${failure?.failureReason ? `: ${failure.failureReason}` : ""})`,
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
  const config = manifest.config as { digest?: unknown } | undefined;
  const configDigest = typeof config?.digest === "string" ? config.digest : undefined;
  if (!configDigest?.startsWith("sha256:"))
    return { known: false, reason: "the manifest names no sha256 config blob" };
  return { readConfig: configDigest };
}

/**
 * The platform an image config blob names: the blob is content-addressed, so what came back must be
 * what the manifest names (`configDigest`); then JSON with an os and architecture.
 */
export function platformFromConfig(configDigest: string, blob: Uint8Array): PlatformFacts {
  const actual = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
  if (actual !== configDigest)
    return { known: false, reason: `the image config read for ${configDigest} has digest ${actual}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(blob));
  } catch {
    return { known: false, reason: `the image config ${configDigest} is not JSON` };
  }
  const found = platformOf(parsed);
  return found
    ? { known: true, platforms: [found], from: "image config" }
    : { known: false, reason: `the image config ${configDigest} names no os and architecture` };
}

/** Image configs are a few KiB; anything far larger is not one (a design bound, not an ECR limit). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Why a blob of `bytes` is refused as an image config, or undefined when its size is one's. */
export const oversizedBlob = (bytes: number): string | undefined =>
  bytes > MAX_CONFIG_BYTES ? `the blob is ${bytes} bytes, more than an image config` : undefined;

/** Where the signature tags are looked (the reason of an "unsigned" skip lists them). */
export const signatureTagsLooked = (tags: { cosign: string; referrers: string }): string[] => [
  `cosign tag ${tags.cosign}`,
  `referrers tag ${tags.referrers}`,
];

/** Where ECR's referrers API is looked, after the tags held no signature. */
export const REFERRERS_API_LOOKED = "ECR referrers API (ListImageReferrers)";

const byTag = (images: readonly Image[], tag: string) => images.find((i) => i.imageId?.imageTag === tag);

/** The signature under cosign's `sha256-<hex>.sig` tag, when the manifest there holds a cosign signature layer. */
export function cosignTagSignature(
  images: readonly Image[],
  tags: { cosign: string },
): SignatureArtifact | undefined {
  const cosign = byTag(images, tags.cosign);
  const manifest = parseManifest(cosign?.imageManifest);
  if (!cosign || !manifest || !isCosignSignatureManifest(manifest)) return undefined;
  return {
    via: "cosign tag",
    digest: cosign.imageId?.imageDigest ?? "",
    artifactType: "application/vnd.dev.cosign.simplesigning.v1+json",
    tag: tags.cosign,
  };
}

/** The signature descriptors the OCI referrers tag's index lists (none when there is no index under the tag). */
export function referrersTagCandidates(
  images: readonly Image[],
  tags: { referrers: string },
): Array<{ digest: string; artifactType: string }> {
  const index = parseManifest(byTag(images, tags.referrers)?.imageManifest);
  return index ? signatureDescriptors(index) : [];
}

/**
 * The referrers tag's candidates that sign the digest: the tag only claims the relation, so each
 * signature manifest (fetched by its digest) must name the pushed digest as its own `subject`.
 */
export function referrersTagSignatures(
  candidates: ReadonlyArray<{ digest: string; artifactType: string }>,
  fetched: readonly Image[],
  pushedDigest: string,
  tag: string,
): SignatureArtifact[] {
  const signatures: SignatureArtifact[] = [];
  for (const candidate of candidates) {
    const image = fetched.find((i) => i.imageId?.imageDigest === candidate.digest);
    const referrer = parseManifest(image?.imageManifest);
    if (referrer && subjectDigest(referrer) === pushedDigest)
      signatures.push({ via: "referrers tag", ...candidate, tag });
  }
  return signatures;
}

/** The signatures among a page of ECR's referrers (`ListImageReferrers`): active ones (or of no status) that are signatures. */
export function referrersApiSignatures(referrers: readonly ImageReferrer[]): SignatureArtifact[] {
  const signatures: SignatureArtifact[] = [];
  for (const referrer of referrers) {
    if (referrer.artifactStatus !== undefined && referrer.artifactStatus !== "ACTIVE") continue;
    if (isSignatureArtifact(referrer.artifactType, referrer.annotations))
      signatures.push({
        via: "ECR referrers API",
        digest: referrer.digest ?? "",
        artifactType: referrer.artifactType ?? "",
      });
  }
  return signatures;
}

/**
 * The next page of referrers to ask for, or undefined to stop: no next page, a signature already
 * found (one is enough), or a page token seen before (a registry looping its pages).
 */
export function nextReferrersPage(
  nextToken: string | undefined,
  seen: ReadonlySet<string>,
  signaturesFound: number,
): string | undefined {
  if (!nextToken || seen.has(nextToken) || signaturesFound > 0) return undefined;
  return nextToken;
}
