import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { formatPlatform, type ImageFacts, type ImagePlatform, type SignatureArtifact } from "./ImageFacts.ts";
import type { ImagePush, SkipCategory } from "./types.ts";

/** The platform a task definition runs on, in the image spec's words. */
export interface RequiredPlatform extends ImagePlatform {
  /** Where it comes from, for the reason of a skip. */
  readonly source: string;
}

// ECS's CPUArchitecture values → the image spec's GOARCH names.
const ARCHITECTURES: Readonly<Record<string, string>> = { X86_64: "amd64", ARM64: "arm64" };

/**
 * The platform a task definition needs: its `runtimePlatform` (CPU architecture and OS family),
 * with ECS's defaults X86_64 and LINUX for what it leaves out. Every `WINDOWS_SERVER_*` family is
 * the image OS `windows`; the Windows build (`os.version`) is not compared.
 *
 * @example
 * requiredPlatform({ runtimePlatform: { cpuArchitecture: "ARM64" } }); // linux/arm64
 */
export function requiredPlatform(taskDefinition: TaskDefinition): RequiredPlatform {
  const runtime = taskDefinition.runtimePlatform;
  const cpu = runtime?.cpuArchitecture ?? "X86_64";
  const family = runtime?.operatingSystemFamily ?? "LINUX";
  const os = family.startsWith("WINDOWS") ? "windows" : family.toLowerCase();
  const architecture = ARCHITECTURES[cpu] ?? cpu.toLowerCase();
  const source =
    runtime?.cpuArchitecture || runtime?.operatingSystemFamily
      ? `runtimePlatform ${cpu}/${family}`
      : "no runtimePlatform, so ECS's default X86_64/LINUX";
  return { os, architecture, source };
}

export interface CheckProblem {
  readonly category: SkipCategory;
  readonly reason: string;
}

/**
 * Why the pushed image cannot run on the task definition's platform, or undefined when it can.
 * Variants (`arm64/v8`, `amd64/v3`) are not compared: ECS schedules by architecture.
 */
export function platformProblem(
  image: ImageFacts | undefined,
  taskDefinition: TaskDefinition,
): CheckProblem | undefined {
  const required = requiredPlatform(taskDefinition);
  const needs = `${required.os}/${required.architecture} (${required.source})`;
  const facts = image?.platform;
  if (!facts)
    return {
      category: "platform-unknown",
      reason: `the image's platforms were not read; the task needs ${needs}`,
    };
  if (!facts.known)
    return { category: "platform-unknown", reason: `${facts.reason}; the task needs ${needs}` };
  const fits = facts.platforms.some((p) => p.os === required.os && p.architecture === required.architecture);
  if (fits) return undefined;
  const offered = [...new Set(facts.platforms.map(formatPlatform))].join(", ");
  return {
    category: "platform-mismatch",
    reason: `the image is built for ${offered} (${facts.from}); the task needs ${needs}`,
  };
}

const describeSignature = (s: SignatureArtifact): string =>
  `${s.via}${s.tag ? ` ${s.tag}` : ""}: ${s.artifactType} ${s.digest.slice(0, 19)}…`;

const short = (digest: string): string => `${digest.slice(0, 19)}…`;

/**
 * Why a push is stale, or undefined when its tag still names the pushed digest: a later push of
 * the same tag (or its removal) has replaced it since. Late delivery, a retry or a redrive from
 * the dead-letter queue never pins an older image than the one the tag now names. A push without
 * a tag (by digest) has nothing to compare.
 */
export function tagProblem(push: ImagePush, image: ImageFacts | undefined): CheckProblem | undefined {
  if (push.tag === undefined) return undefined;
  const now = image?.tagNow;
  if (!now || now.tag !== push.tag)
    return {
      category: "tag-unknown",
      reason: `where '${push.tag}' points in ${push.repository} now was not read`,
    };
  if (now.digest === push.digest) return undefined;
  return {
    category: "superseded",
    reason:
      now.digest === undefined
        ? `no image in ${push.repository} has the tag '${push.tag}' any more (untagged or deleted since this push of ${short(push.digest)})`
        : `'${push.tag}' now names ${short(now.digest)} in ${push.repository}, not the pushed ${short(push.digest)}: a later push of it replaced this one (this event was delivered late, retried or redriven)`,
  };
}

/** Why a service that requires a signature cannot take the image, or undefined when a signature artifact refers to it. */
export function signatureProblem(image: ImageFacts | undefined): CheckProblem | undefined {
  if (!image?.signature)
    return { category: "signature-unknown", reason: "the image's signatures were not looked up" };
  const facts = image.signature;
  if (facts.signatures.length > 0) return undefined;
  return {
    category: "unsigned",
    reason: `a signature is required and none refers to ${image.digest} in its repository (looked at: ${facts.looked.join("; ")})`,
  };
}

/** One line naming the signature that let a service deploy. */
export function signatureEvidence(image: ImageFacts | undefined): string | undefined {
  const first = image?.signature?.signatures[0];
  return first ? describeSignature(first) : undefined;
}
