import {
  BatchGetImageCommand,
  type ECRClient,
  type ImageIdentifier,
  RepositoryNotFoundException,
} from "@aws-sdk/client-ecr";
import { chunk } from "../aws/concurrency.ts";
import { parseImageReference } from "./ImageReference.ts";
import { type IndexDocument, platformsOfIndex } from "./indexPlatforms.ts";

// The pure reading of an index lives in indexPlatforms.ts (mutation group ecs-facts); callers import it from here too.

/** Manifest list / image index media types: an image built for several platforms. */
export const INDEX_MEDIA_TYPES: readonly string[] = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
];

/**
 * Asked for explicitly: without the index types ECR may answer with one platform's manifest
 * (converted) instead of the index, and the other platforms would be invisible.
 */
export const ACCEPTED_MEDIA_TYPES: readonly string[] = [
  ...INDEX_MEDIA_TYPES,
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

/** What an image was built for, as its registry says. */
export interface ImagePlatforms {
  readonly image: string;
  /**
   * `index`: a manifest list / image index naming its platforms; `manifest`: a single-platform
   * image (its platform is in the config blob, which BatchGetImage does not return); `not-read`:
   * see `reason`.
   */
  readonly kind: "index" | "manifest" | "not-read";
  /** `os/architecture[/variant]` of an index's images, attestation manifests left out. */
  readonly platforms: readonly string[];
  readonly mediaType?: string;
  readonly reason?: string;
}

/**
 * Reads the platforms of ECR images with `BatchGetImage` (up to 100 images of a repository per
 * call), accepting image indexes and manifest lists. Images outside the client's region, outside
 * ECR, or that cannot be read come back as `not-read` with the reason; nothing throws for one image.
 *
 * @example
 * const platforms = await readImagePlatforms(ecr, "eu-west-1", ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2"]);
 * hasLinuxArm64(platforms.get(image)?.platforms ?? []);
 */
export async function readImagePlatforms(
  ecr: ECRClient,
  region: string,
  images: readonly string[],
): Promise<Map<string, ImagePlatforms>> {
  const result = new Map<string, ImagePlatforms>();
  const byRepository = new Map<string, Array<{ image: string; id: ImageIdentifier }>>();
  for (const image of new Set(images)) {
    const reference = parseImageReference(image);
    if (!reference?.ecr) {
      result.set(image, { image, kind: "not-read", platforms: [], reason: "not in ECR" });
      continue;
    }
    if (reference.ecr.region !== region) {
      result.set(image, {
        image,
        kind: "not-read",
        platforms: [],
        reason: `in ECR ${reference.ecr.region}, not ${region}`,
      });
      continue;
    }
    const id: ImageIdentifier = reference.digest
      ? { imageDigest: reference.digest }
      : { imageTag: reference.tag ?? "latest" };
    const key = `${reference.ecr.account}/${reference.repository}`;
    byRepository.set(key, [...(byRepository.get(key) ?? []), { image, id }]);
  }
  for (const [key, wanted] of byRepository) {
    const registryId = key.slice(0, key.indexOf("/"));
    const repositoryName = key.slice(key.indexOf("/") + 1);
    for (const batch of chunk(wanted, 100)) {
      try {
        const response = await ecr.send(
          new BatchGetImageCommand({
            registryId,
            repositoryName,
            imageIds: batch.map((w) => w.id),
            acceptedMediaTypes: [...ACCEPTED_MEDIA_TYPES],
          }),
        );
        for (const { image, id } of batch) {
          const found = (response.images ?? []).find((i) =>
            id.imageDigest ? i.imageId?.imageDigest === id.imageDigest : i.imageId?.imageTag === id.imageTag,
          );
          if (!found?.imageManifest) {
            result.set(image, { image, kind: "not-read", platforms: [], reason: "image not found in ECR" });
            continue;
          }
          const mediaType =
            found.imageManifestMediaType ?? (JSON.parse(found.imageManifest) as IndexDocument).mediaType;
          const isIndex = mediaType !== undefined && INDEX_MEDIA_TYPES.includes(mediaType);
          result.set(image, {
            image,
            kind: isIndex ? "index" : "manifest",
            platforms: isIndex ? platformsOfIndex(found.imageManifest) : [],
            ...(mediaType ? { mediaType } : {}),
          });
        }
      } catch (error) {
        const reason =
          error instanceof RepositoryNotFoundException
            ? "repository not found"
            : `BatchGetImage failed (${(error as Error).name})`;
        for (const { image } of batch) result.set(image, { image, kind: "not-read", platforms: [], reason });
      }
    }
  }
  return result;
}
