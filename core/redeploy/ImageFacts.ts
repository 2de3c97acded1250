/**
 * What the redeploy flow knows of a pushed image beyond its tag: the platforms it runs on and the
 * signature artifacts that refer to it. Read from ECR by `loadImageFacts`; judged by
 * `imageChecks` in the plan. The shapes are the OCI image spec's and Docker's manifest formats.
 */

/** Manifest media types read here (Docker image manifest schema 2 and OCI; Docker schema 1 is not read). */
export const MEDIA_TYPES = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

/** Artifact types of signatures (not of attestations or SBOMs). */
export const SIGNATURE_ARTIFACT_TYPES = {
  /** Notation (Notary Project), also what ECR managed signing with AWS Signer stores. */
  notation: "application/vnd.cncf.notary.signature",
  /** cosign with `--registry-referrers-mode=oci-1-1`. */
  cosignReferrer: "application/vnd.dev.cosign.artifact.sig.v1+json",
} as const;

/** A Sigstore bundle is a signature when its predicate type says so (other predicate types are attestations). */
export const SIGSTORE_BUNDLE_PREFIX = "application/vnd.dev.sigstore.bundle";
export const SIGSTORE_PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";
export const COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
/** The layer media type of cosign's classic `sha256-<hex>.sig` signature manifests. */
export const COSIGN_SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

/** An OS and CPU architecture, as in an image index's `platform` or an image config. */
export interface ImagePlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export const formatPlatform = (p: ImagePlatform): string =>
  `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;

export type PlatformFacts =
  | {
      readonly known: true;
      /** Runnable platforms (attestation entries of an index, `unknown/unknown`, are left out). */
      readonly platforms: readonly ImagePlatform[];
      /** Where they were read: the index's manifest list or the single manifest's config blob. */
      readonly from: "image index" | "image config";
    }
  | { readonly known: false; readonly reason: string };

/** A signature artifact that refers to the pushed digest. */
export interface SignatureArtifact {
  /** How it was found. */
  readonly via: "cosign tag" | "referrers tag" | "ECR referrers API";
  /** The artifact's manifest digest. */
  readonly digest: string;
  /** Its artifact type (or, for a cosign tag, the signature layer's media type). */
  readonly artifactType: string;
  /** The tag it was found under, for the tag schemes. */
  readonly tag?: string;
}

export interface SignatureFacts {
  /** Empty: nothing signs the digest. */
  readonly signatures: readonly SignatureArtifact[];
  /** Where the loader looked, for the reason of an "unsigned" skip. */
  readonly looked: readonly string[];
}

/** Where the pushed tag points in ECR now (read when the plan is made, not when the image was pushed). */
export interface TagFacts {
  readonly tag: string;
  /** The digest the tag names now; absent when no image has the tag any more (untagged or deleted). */
  readonly digest?: string;
}

/** What ECR says of an image a service runs (by its tag or digest), for a revision that does not record its push time. */
export interface RunningImageFacts {
  /** The digest the reference names now. */
  readonly digest: string;
  /** When that image was pushed (`imagePushedAt`), to the whole second as EventBridge times are. */
  readonly pushedAt: string;
  /** Its tags in ECR now (`imageTags`): which tag family a container pinned by another tool is in. */
  readonly tags?: readonly string[];
}

/** The pushed image's facts; a part is absent when no candidate service needed it (nothing was read). */
export interface ImageFacts {
  readonly digest: string;
  /** The pushed manifest's media type, when it was read. */
  readonly mediaType?: string;
  readonly platform?: PlatformFacts;
  readonly signature?: SignatureFacts;
  /** Where the pushed tag points now: a later push of the tag makes this push stale. */
  readonly tagNow?: TagFacts;
  /**
   * When ECR says the pushed image was pushed (`imagePushedAt`, whole seconds), read with `tagNow`
   * when the tag still names it. Earlier than the event's time when the push only added a tag to
   * an image pushed before (a promotion, `crane tag`): a retag does not change `imagePushedAt`.
   */
  readonly pushedAt?: string;
  /**
   * When the tag names another image now: that image's platforms and signatures (read as for the
   * pushed one). A service that cannot take it keeps this push, which may be the newest it can.
   */
  readonly tagNowImage?: Pick<ImageFacts, "digest" | "mediaType" | "platform" | "signature">;
  /**
   * The images running services refer to (by tag or digest, the key) whose push time their revision
   * does not record (deployed outside ecs-autopilot): a push older than the running image is stale.
   * Also the pinned digests whose tag or time a revision records ({@link ImageChecks.pinned}).
   * A reference ECR no longer has is absent.
   */
  readonly running?: Readonly<Record<string, RunningImageFacts>>;
}

/** What the loader has to read for a plan: nothing when no service would deploy. */
export interface ImageChecks {
  readonly platform: boolean;
  readonly signature: boolean;
  /** Where the pushed tag points now (a push with a tag that some service would deploy). */
  readonly tag: boolean;
  /** Tags or digests of running images whose push time no revision records (see {@link ImageFacts.running}). */
  readonly running?: readonly string[];
  /**
   * Pinned running digests whose tag or push time a revision records: asked of ECR as well, whether
   * the pushed tag moved or not (another tool may have copied the recorded tag and time onto its own
   * revision of a newer build, as ecspresso does): the later of the two times dates the image, and
   * a recorded tag ECR does not list on the digest (it lists others) gives way to ECR's tags.
   */
  readonly pinned?: readonly string[];
}

interface Descriptor {
  readonly mediaType?: unknown;
  readonly digest?: unknown;
  readonly artifactType?: unknown;
  readonly annotations?: unknown;
  readonly platform?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The platform of an index entry or an image config, or undefined when it names none. */
export function platformOf(value: unknown): ImagePlatform | undefined {
  if (!isRecord(value)) return undefined;
  const os = str(value.os);
  const architecture = str(value.architecture);
  if (!os || !architecture) return undefined;
  const variant = str(value.variant);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/**
 * The runnable platforms of an image index (OCI index or Docker manifest list). Attestation
 * manifests that BuildKit adds (`unknown/unknown`, `vnd.docker.reference.type:
 * attestation-manifest`) are not platforms.
 */
export function indexPlatforms(index: Record<string, unknown>): ImagePlatform[] {
  const manifests = Array.isArray(index.manifests) ? (index.manifests as Descriptor[]) : [];
  const platforms: ImagePlatform[] = [];
  for (const entry of manifests) {
    if (!isRecord(entry)) continue;
    const annotations = isRecord(entry.annotations) ? entry.annotations : {};
    if (annotations["vnd.docker.reference.type"] === "attestation-manifest") continue;
    const platform = platformOf(entry.platform);
    if (!platform || platform.os === "unknown" || platform.architecture === "unknown") continue;
    platforms.push(platform);
  }
  return platforms;
}

/** A manifest's media type: the one ECR reports, else the manifest's own `mediaType`. */
export function manifestMediaType(manifest: Record<string, unknown>, reported?: string): string | undefined {
  return reported ?? str(manifest.mediaType);
}

export const isIndexMediaType = (mediaType: string | undefined): boolean =>
  mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;

/** The artifact type of a manifest: `artifactType`, else its config's media type (OCI 1.1 rule). */
export function artifactTypeOf(manifest: Record<string, unknown>): string | undefined {
  return (
    str(manifest.artifactType) ?? (isRecord(manifest.config) ? str(manifest.config.mediaType) : undefined)
  );
}

/** Whether an artifact type (with its annotations) is a signature rather than an attestation or SBOM. */
export function isSignatureArtifact(artifactType: string | undefined, annotations: unknown): boolean {
  if (!artifactType) return false;
  if (
    artifactType === SIGNATURE_ARTIFACT_TYPES.notation ||
    artifactType === SIGNATURE_ARTIFACT_TYPES.cosignReferrer
  )
    return true;
  if (artifactType.startsWith(SIGSTORE_BUNDLE_PREFIX)) {
    const predicate = isRecord(annotations) ? annotations[SIGSTORE_PREDICATE_ANNOTATION] : undefined;
    return predicate === COSIGN_SIGN_PREDICATE;
  }
  return false;
}

/** The descriptors of a referrers index (the OCI referrers tag schema) that are signatures. */
export function signatureDescriptors(
  index: Record<string, unknown>,
): Array<{ digest: string; artifactType: string }> {
  const manifests = Array.isArray(index.manifests) ? index.manifests : [];
  const found: Array<{ digest: string; artifactType: string }> = [];
  for (const entry of manifests) {
    if (!isRecord(entry)) continue;
    const digest = str(entry.digest);
    const artifactType = str(entry.artifactType);
    if (digest && artifactType && isSignatureArtifact(artifactType, entry.annotations))
      found.push({ digest, artifactType });
  }
  return found;
}

/** Whether a manifest found under cosign's `sha256-<hex>.sig` tag holds a cosign signature layer. */
export function isCosignSignatureManifest(manifest: Record<string, unknown>): boolean {
  const layers = Array.isArray(manifest.layers) ? manifest.layers : [];
  return layers.some(
    (layer) =>
      isRecord(layer) &&
      layer.mediaType === COSIGN_SIMPLE_SIGNING &&
      isRecord(layer.annotations) &&
      typeof layer.annotations["dev.cosignproject.cosign/signature"] === "string",
  );
}

/** The manifest a referrer points at (`subject.digest`), if any. */
export function subjectDigest(manifest: Record<string, unknown>): string | undefined {
  return isRecord(manifest.subject) ? str(manifest.subject.digest) : undefined;
}

/** Parses manifest JSON into an object, or undefined. */
export function parseManifest(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tags the signature tag schemes use for a digest: cosign's `sha256-<hex>.sig` and the OCI
 * referrers tag schema's `sha256-<hex>` (algorithm truncated to 32, hex to 64 characters).
 */
export function signatureTags(digest: string): { cosign: string; referrers: string } {
  const [algorithm = "", encoded = ""] = digest.split(":");
  const base = `${algorithm.slice(0, 32)}-${encoded.slice(0, 64)}`.replace(/[^A-Za-z0-9_.-]/g, "-");
  return { cosign: `${algorithm}-${encoded}.sig`, referrers: base };
}

const SIGNATURE_TAG = /^sha256-([0-9a-f]{64})(\.sig)?$/;

/**
 * The digest a signature tag refers to — cosign's `sha256-<hex>.sig` or the OCI referrers tag
 * `sha256-<hex>` ({@link signatureTags}) — or undefined for any other tag.
 *
 * @example
 * signatureSubject(`sha256-${"a".repeat(64)}.sig`); // "sha256:aaaa…"
 */
export function signatureSubject(tag: string | undefined): string | undefined {
  const hex = tag === undefined ? undefined : SIGNATURE_TAG.exec(tag)?.[1];
  return hex === undefined ? undefined : `sha256:${hex}`;
}
