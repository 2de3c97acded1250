/*
 * What an image index says about the platforms it was built for: the pure half of
 * imagePlatforms.ts (which reads the documents from ECR).
 */

/** The parts of an image index / manifest list document read here. */
export interface IndexDocument {
  mediaType?: string;
  manifests?: Array<{
    platform?: { os?: string; architecture?: string; variant?: string };
    annotations?: Record<string, string>;
  }>;
}

/** The platforms of an image index / manifest list document (BuildKit attestations are not platforms). */
export function platformsOfIndex(manifest: string): string[] {
  const document = JSON.parse(manifest) as IndexDocument;
  const platforms = (document.manifests ?? [])
    .filter((m) => m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest")
    .map((m) => m.platform)
    .filter((p): p is NonNullable<typeof p> => Boolean(p?.os && p.architecture && p.os !== "unknown"))
    .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join("/"));
  return [...new Set(platforms)];
}

/** True when the platforms include a Linux arm64 image (what Graviton and Fargate ARM run). */
export const hasLinuxArm64 = (platforms: readonly string[]) =>
  platforms.some((p) => p === "linux/arm64" || p.startsWith("linux/arm64/"));
