import type { ECRClient } from "@aws-sdk/client-ecr";
import { describeError } from "../errors.ts";
import { signatureSubject } from "./ImageFacts.ts";
import { describeImage, ImageFactsError, wholeSecond } from "./loadImageFacts.ts";
import type { ImagePush } from "./types.ts";

/**
 * The pushes a signature's own push brings back. A signature can only be attached once the image
 * is in the registry (`cosign sign repo@sha256:…` after the push), so a service that requires one
 * skips the image's own push as `unsigned` when its event is handled first. When the signature
 * arrives — its tag `sha256-<hex>.sig` (cosign) or `sha256-<hex>` (the OCI referrers tag) names
 * the signed digest — each tag of the signed image is planned again as a push (one
 * `DescribeImages`), at the time ECR says the image was pushed; the event id is the signature's,
 * with the tag, so a retry is the same push. Empty when the tag is no signature tag, or the signed
 * image is gone or untagged.
 *
 * @example
 * for (const signed of await pushesSignedBy(ecr, pushFromEvent(event))) await redeployPush(signed, context);
 */
export async function pushesSignedBy(ecr: ECRClient, signature: ImagePush): Promise<ImagePush[]> {
  const subject = signatureSubject(signature.tag);
  if (subject === undefined) return [];
  const detail = await describeImage(ecr, signature, subject).catch((error: unknown) => {
    throw new ImageFactsError(signature.repository, subject, `DescribeImages: ${describeError(error)}`, {
      cause: error,
    });
  });
  const time = detail?.imagePushedAt ? wholeSecond(detail.imagePushedAt) : signature.time;
  return (detail?.imageTags ?? [])
    .filter((tag) => signatureSubject(tag) === undefined)
    .sort()
    .map((tag) => ({
      account: signature.account,
      region: signature.region,
      repository: signature.repository,
      digest: subject,
      tag,
      eventId: `${signature.eventId} signs ${tag}`,
      ...(time !== undefined ? { time } : {}),
    }));
}
