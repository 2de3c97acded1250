import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  type ECRClient,
  GetDownloadUrlForLayerCommand,
  type Image,
  type ImageDetail,
  type ImageFailure,
  ImageNotFoundException,
  ListImageReferrersCommand,
} from "@aws-sdk/client-ecr";
import { AutopilotError, describeError } from "../errors.ts";
import {
  type ImageChecks,
  type ImageFacts,
  MEDIA_TYPES,
  type PlatformFacts,
  type RunningImageFacts,
  type SignatureArtifact,
  type SignatureFacts,
  signatureTags,
  type TagFacts,
} from "./ImageFacts.ts";
import {
  cosignTagSignature,
  failureToAsk,
  imageIdOf,
  imageReadsFor,
  inBatches,
  laterImageToRead,
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
} from "./imageReads.ts";
import type { ImagePush } from "./types.ts";

export { wholeSecond };

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
    const announced = oversizedBlob(Number(response.headers.get("content-length") ?? "0"));
    if (announced) throw new Error(announced);
    const body = new Uint8Array(await response.arrayBuffer());
    const read = oversizedBlob(body.byteLength);
    if (read) throw new Error(read);
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
  const reads = imageReadsFor(push, checks);
  if (!reads) return { digest: push.digest };
  const fail = (step: string, error: unknown): never => {
    throw new ImageFactsError(push.repository, push.digest, `${step}: ${describeError(error)}`, {
      cause: error,
    });
  };
  // Both reads at once; when both fail, the manifest's failure is the one reported (always the same).
  const [read, tagNow, running] = await Promise.allSettled([
    reads.manifest ? manifestFacts(ecr, push, checks, options, fail) : undefined,
    reads.tag !== undefined ? tagFacts(ecr, push, reads.tag, fail) : undefined,
    reads.running.length > 0 ? runningFacts(ecr, push, reads.running, fail) : undefined,
  ]);
  if (read.status === "rejected") throw read.reason;
  if (tagNow.status === "rejected") throw tagNow.reason;
  if (running.status === "rejected") throw running.reason;
  // The tag moved on: whether the services can take the image it names now decides whether this
  // push is replaced for them (a later build refused on a Graviton service replaces nothing there).
  const later = laterImageToRead(reads, tagNow.value?.tagNow, push.digest);
  const tagNowImage =
    later !== undefined
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
  // The same answer dates the pushed image when the tag still names it.
  return tagFactsOf(push.digest, tag, detail);
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
        imageIds: [imageIdOf(ref)],
      }),
    );
    return response.imageDetails?.[0];
  } catch (error) {
    if (error instanceof ImageNotFoundException) return undefined;
    throw error;
  }
}

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
    const fact = runningFactOf(detail);
    if (fact) facts[ref] = fact;
  };
  // A few at a time (services mostly run one tag; preview environments may run dozens).
  for (const batch of inBatches(refs, RUNNING_LOOKUPS_AT_ONCE)) await Promise.all(batch.map(one));
  return facts;
}

function failedToAsk(
  failures: readonly ImageFailure[],
  step: string,
  fail: (step: string, error: unknown) => never,
): void {
  // Failure codes that are facts of the image are read as such; any other is ECR failing to answer.
  const problem = failureToAsk(failures);
  if (problem) fail(step, problem);
}

async function manifestFacts(
  ecr: ECRClient,
  push: ImagePush,
  checks: ImageChecks,
  options: ImageFactsOptions,
  fail: (step: string, error: unknown) => never,
): Promise<Omit<ImageFacts, "digest">> {
  const tags = signatureTags(push.digest);
  const imageIds = manifestImageIds(push.digest, checks.signature);
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
  const found = pushedManifest(images, push.digest);
  const { mediaType } = found;

  const platform = checks.platform
    ? await platformFacts(push, found, failures, options.readBlob ?? ecrBlobReader(ecr), fail)
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
  found: { pushed?: Image; manifest?: Record<string, unknown>; mediaType?: string },
  failures: readonly ImageFailure[],
  readBlob: BlobReader,
  fail: (step: string, error: unknown) => never,
): Promise<PlatformFacts> {
  const fromManifest = platformFromManifest(push.digest, found, failures);
  if (!("readConfig" in fromManifest)) return fromManifest;
  const digest = fromManifest.readConfig;
  const blob = await readBlob(push.repository, push.account, digest).catch((error: unknown) =>
    fail(`reading the image config ${digest}`, error),
  );
  return platformFromConfig(digest, blob);
}

async function signatureFacts(
  ecr: ECRClient,
  push: ImagePush,
  images: readonly Image[],
  tags: { cosign: string; referrers: string },
  fail: (step: string, error: unknown) => never,
): Promise<SignatureFacts> {
  const signatures: SignatureArtifact[] = [];
  const looked = signatureTagsLooked(tags);

  const cosign = cosignTagSignature(images, tags);
  if (cosign) signatures.push(cosign);

  const candidates = referrersTagCandidates(images, tags);
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
    signatures.push(...referrersTagSignatures(candidates, fetched.images ?? [], push.digest, tags.referrers));
  }
  if (signatures.length > 0) return { signatures, looked };

  looked.push(REFERRERS_API_LOOKED);
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
    signatures.push(...referrersApiSignatures(page.referrers ?? []));
    // The next page, until one signature is found (a registry looping its pages stops too).
    nextToken = nextReferrersPage(page.nextToken, seen, signatures.length);
    if (nextToken) seen.add(nextToken);
  } while (nextToken);
  return { signatures, looked };
}
