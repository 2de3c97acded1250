import { parseImageReference } from "../ecs/ImageReference.ts";
import type { ImagePlatforms } from "../ecs/imagePlatforms.ts";
import { hasLinuxArm64 } from "../ecs/indexPlatforms.ts";
import type { ImageArchitectures } from "./recommend.ts";

/*
 * Whether a service's images run on Graviton, from what ECR said of each (analyzeFleet.ts reads
 * it). Its own module so that mutation testing (group `rightsize-images`) mutates this decision alone.
 */

/** `shop/api:1.4` for an image reference (what a person recognises). */
function shortImage(image: string): string {
  const ref = parseImageReference(image);
  return ref
    ? `${ref.repository}${ref.tag ? `:${ref.tag}` : ref.digest ? `@${ref.digest.slice(0, 19)}` : ""}`
    : image;
}

/** Whether every image of a task has linux/arm64, with what was read. */
export function imageArchitectures(
  images: readonly string[],
  platforms: ReadonlyMap<string, ImagePlatforms>,
): ImageArchitectures {
  const read = images.map(
    (image) => platforms.get(image) ?? { image, kind: "not-read" as const, reason: "not read" },
  );
  const lines = read.map((p) =>
    p.kind === "index"
      ? `${shortImage(p.image)} has ${p.platforms.join(", ")}`
      : p.kind === "manifest"
        ? `${shortImage(p.image)} is a single-platform image`
        : `${shortImage(p.image)} not read (${p.reason})`,
  );
  const evidence = lines.join("; ") || "no container images";
  if (read.some((p) => p.kind === "manifest" || (p.kind === "index" && !hasLinuxArm64(p.platforms))))
    return { arm64: "no", evidence };
  if (read.length === 0 || read.some((p) => p.kind === "not-read")) return { arm64: "unknown", evidence };
  return { arm64: "yes", evidence };
}
