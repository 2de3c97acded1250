import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  artifactTypeOf,
  indexPlatforms,
  isCosignSignatureManifest,
  isSignatureArtifact,
  signatureDescriptors,
} from "../../../core/redeploy/ImageFacts.ts";
import { signatureEvidence } from "../../../core/redeploy/imageChecks.ts";
import {
  type ImageFacts,
  type ImagePush,
  imageChecksFor,
  planRedeploy,
  platformProblem,
  requiredPlatform,
  type ServiceSnapshot,
  signatureProblem,
  signatureSubject,
  signatureTags,
  tagProblem,
} from "../../../core/redeploy/index.ts";

const fixture = (name: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../../fixtures/images", name), "utf8")) as Record<
    string,
    unknown
  >;

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const DIGEST = `sha256:${"b".repeat(64)}`;
const push: ImagePush = {
  account: "123456789012",
  region: "eu-west-1",
  repository: "shop/web",
  digest: DIGEST,
  tag: "1.5.0",
  eventId: "e-1",
};

const image = (platforms: string[], signatures = 0): ImageFacts => ({
  digest: DIGEST,
  platform: {
    known: true,
    platforms: platforms.map((p) => {
      const [os = "", architecture = ""] = p.split("/");
      return { os, architecture };
    }),
    from: "image index",
  },
  signature: {
    signatures: Array.from({ length: signatures }, () => ({
      via: "cosign tag" as const,
      digest: `sha256:${"c".repeat(64)}`,
      artifactType: "application/vnd.dev.cosign.simplesigning.v1+json",
      tag: signatureTags(DIGEST).cosign,
    })),
    looked: ["cosign tag", "referrers tag", "ECR referrers API (ListImageReferrers)"],
  },
});

function snapshot(options: {
  tags?: Record<string, string>;
  image?: string;
  runtimePlatform?: TaskDefinition["runtimePlatform"];
}): ServiceSnapshot {
  return {
    service: {
      serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
      serviceName: "web",
      status: "ACTIVE",
      deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED" }],
    },
    tags: options.tags ?? { "autopilot:redeploy": "minor" },
    taskDefinition: {
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
      family: "web",
      revision: 7,
      containerDefinitions: [{ name: "web", image: options.image ?? `${REGISTRY}/shop/web:1.4.2` }],
      ...(options.runtimePlatform ? { runtimePlatform: options.runtimePlatform } : {}),
    },
    taskDefinitionTags: {},
  };
}

const plan = (s: ServiceSnapshot, facts: ImageFacts | undefined, config = DEFAULT_CONFIG, p = push) => {
  // The loader also reads where the pushed tag points: here it still names the pushed digest.
  const current =
    facts && p.tag !== undefined ? { ...facts, tagNow: { tag: p.tag, digest: p.digest } } : facts;
  const [action] = planRedeploy(p, [s], config, current ? { image: current } : {}).actions;
  if (!action) throw new Error("no action");
  return action;
};

describe("image facts from real manifest shapes", () => {
  it("reads the platforms of a buildx image index, leaving its attestation manifest out", () => {
    expect(indexPlatforms(fixture("oci-index-buildx-provenance.json"))).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ]);
    expect(indexPlatforms(fixture("docker-manifest-list.spec-example.json"))).toEqual([
      { os: "linux", architecture: "ppc64le" },
      { os: "linux", architecture: "amd64" },
    ]);
  });

  it("tells signatures from other artifacts", () => {
    const notation = fixture("notation-signature.spec-example.json");
    expect(isSignatureArtifact(artifactTypeOf(notation), notation.annotations)).toBe(true);
    expect(isCosignSignatureManifest(fixture("cosign-signature.spec-example.json"))).toBe(true);
    expect(isCosignSignatureManifest(fixture("docker-manifest.spec-example.json"))).toBe(false);
    const bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
    expect(
      isSignatureArtifact(bundle, {
        "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1",
      }),
    ).toBe(true);
    expect(
      isSignatureArtifact(bundle, { "dev.sigstore.bundle.predicateType": "https://slsa.dev/provenance/v1" }),
    ).toBe(false);
    expect(isSignatureArtifact("application/spdx+json", {})).toBe(false);
    expect(
      signatureDescriptors({
        manifests: [
          { digest: "sha256:1", artifactType: "application/vnd.cncf.notary.signature" },
          { digest: "sha256:2", artifactType: "application/vnd.in-toto+json" },
        ],
      }),
    ).toEqual([{ digest: "sha256:1", artifactType: "application/vnd.cncf.notary.signature" }]);
  });

  it("names the tags of the signature tag schemes", () => {
    expect(signatureTags(DIGEST)).toEqual({
      cosign: `sha256-${"b".repeat(64)}.sig`,
      referrers: `sha256-${"b".repeat(64)}`,
    });
  });
});

describe("the platform check", () => {
  it("reads what the task needs from runtimePlatform, with ECS's defaults", () => {
    expect(requiredPlatform({})).toMatchObject({ os: "linux", architecture: "amd64" });
    expect(requiredPlatform({ runtimePlatform: { cpuArchitecture: "ARM64" } })).toMatchObject({
      os: "linux",
      architecture: "arm64",
      source: "runtimePlatform ARM64/LINUX",
    });
    expect(
      requiredPlatform({ runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" } }),
    ).toMatchObject({
      os: "windows",
      architecture: "amd64",
    });
  });

  it("never hands a Graviton service an amd64-only image", () => {
    const graviton = snapshot({
      runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
    });
    expect(plan(graviton, image(["linux/amd64"]))).toMatchObject({
      kind: "skip",
      category: "platform-mismatch",
      reason:
        "the image is built for linux/amd64 (image index); the task needs linux/arm64 (runtimePlatform ARM64/LINUX)",
    });
    expect(plan(graviton, image(["linux/amd64", "linux/arm64"])).kind).toBe("deploy");
    expect(plan(snapshot({}), image(["linux/arm64"])).kind).toBe("skip");
    expect(platformProblem(image(["windows/amd64"]), {})?.category).toBe("platform-mismatch");
  });

  it("deploys nothing whose platforms are unknown", () => {
    // Where the tag points was read, the platforms were not.
    expect(plan(snapshot({}), { digest: DIGEST })).toMatchObject({
      kind: "skip",
      category: "platform-unknown",
    });
    // Nothing read at all: the tag check, first, already skips it.
    expect(plan(snapshot({}), undefined)).toMatchObject({ kind: "skip", category: "tag-unknown" });
    expect(
      plan(snapshot({}), {
        digest: DIGEST,
        platform: { known: false, reason: "the image index lists no runnable platform" },
      }),
    ).toMatchObject({
      category: "platform-unknown",
      reason:
        "the image index lists no runnable platform; the task needs linux/amd64 (no runtimePlatform, so ECS's default X86_64/LINUX)",
    });
  });
});

describe("signed images only, where a team asks for it", () => {
  const signedConfig = parseConfig(JSON.stringify({ redeploy: { requireSignature: true } }), "x.json");

  it("skips an unsigned image for a service tagged autopilot:require-signature=true", () => {
    const tagged = snapshot({
      tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "true" },
    });
    expect(plan(tagged, image(["linux/amd64"]))).toMatchObject({ kind: "skip", category: "unsigned" });
    expect(plan(tagged, image(["linux/amd64"])).reason).toContain(
      "looked at: cosign tag; referrers tag; ECR referrers API",
    );
    const deployed = plan(tagged, image(["linux/amd64"], 1));
    expect(deployed.kind === "deploy" && deployed.image?.signature).toMatch(
      /^cosign tag sha256-b{64}\.sig: /,
    );
    expect(signatureProblem(undefined)?.category).toBe("signature-unknown");
  });

  it("takes the requirement from the config, a rule, or the tag, the tag winning", () => {
    expect(plan(snapshot({}), image(["linux/amd64"]), signedConfig).kind).toBe("skip");
    const optOut = snapshot({
      tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "false" },
    });
    expect(plan(optOut, image(["linux/amd64"]), signedConfig).kind).toBe("deploy");
    const byRule = parseConfig(
      JSON.stringify({ redeploy: { rules: [{ service: "web", policy: "minor", requireSignature: true }] } }),
      "x.json",
    );
    expect(plan(snapshot({ tags: {} }), image(["linux/amd64"]), byRule)).toMatchObject({
      category: "unsigned",
    });
    expect(
      plan(
        snapshot({ tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "yes" } }),
        image(["linux/amd64"]),
      ),
    ).toMatchObject({
      category: "policy-invalid",
      reason: "tag autopilot:require-signature=yes: use true or false",
    });
  });

  it("asks ECR only for what a deploying service needs", () => {
    // The running revision does not record when its image (`:1.4.2`) was pushed: ECR is asked.
    expect(imageChecksFor(push, [snapshot({})], DEFAULT_CONFIG)).toEqual({
      platform: true,
      signature: false,
      tag: true,
      running: ["1.4.2"],
    });
    expect(imageChecksFor(push, [snapshot({})], signedConfig)).toEqual({
      platform: true,
      signature: true,
      tag: true,
      running: ["1.4.2"],
    });
    // Each image once, in a stable order, whichever services run it.
    const on = (tag: string) => snapshot({ image: `${REGISTRY}/shop/web:${tag}` });
    expect(imageChecksFor(push, [on("1.4.2"), on("1.3.0"), on("1.4.2")], DEFAULT_CONFIG).running).toEqual([
      "1.3.0",
      "1.4.2",
    ]);
    // A revision ecs-autopilot registered (its image pinned by digest) records it: asked of ECR too,
    // whether the pushed tag moved or not (the record may have been copied by another tool onto its
    // revision of a newer build; review round 11).
    const recorded = {
      ...snapshot({ image: `${REGISTRY}/shop/web@sha256:${"a".repeat(64)}` }),
      taskDefinitionTags: {
        "autopilot:source-time:web": "2026-11-26T09:00:00Z",
        "autopilot:image-tag:web": "1.4.2",
      },
    };
    expect(imageChecksFor(push, [recorded], DEFAULT_CONFIG)).toEqual({
      platform: true,
      signature: false,
      tag: true,
      pinned: [`sha256:${"a".repeat(64)}`],
    });
    // Two pinned revisions, listed once each in a stable order; one whose time is not recorded is
    // asked as a running image, not again as a pinned one.
    const pinnedTo = (digest: string, time?: string) => ({
      ...snapshot({ image: `${REGISTRY}/shop/web@${digest}` }),
      taskDefinitionTags: {
        "autopilot:image-tag:web": "1.4.2",
        ...(time ? { "autopilot:source-time:web": time } : {}),
      },
    });
    const B = `sha256:${"7".repeat(64)}`;
    const C = `sha256:${"8".repeat(64)}`;
    const D = `sha256:${"9".repeat(64)}`;
    const several = imageChecksFor(
      push,
      [pinnedTo(C, "2026-11-26T09:00:00Z"), pinnedTo(B, "2026-11-26T09:00:00Z"), pinnedTo(D)],
      DEFAULT_CONFIG,
    );
    expect(several.pinned).toEqual([B, C]);
    expect(several.running).toEqual([D]);
    // The same digest recorded on one service and not on another is asked once, as a running image.
    const both = imageChecksFor(push, [pinnedTo(D, "2026-11-26T09:00:00Z"), pinnedTo(D)], DEFAULT_CONFIG);
    expect(both.running).toEqual([D]);
    expect(both).not.toHaveProperty("pinned");
    expect(imageChecksFor({ ...push, tag: "2.0.0" }, [snapshot({})], signedConfig)).toEqual({
      platform: false,
      signature: false,
      tag: false,
    });
    // Pushed by digest only: no policy takes an untagged push, so nothing is read.
    const { tag: _, ...byDigest } = push;
    const tracking = snapshot({ tags: { "autopilot:redeploy": "force" } });
    expect(imageChecksFor(byDigest, [tracking], DEFAULT_CONFIG)).toEqual({
      platform: false,
      signature: false,
      tag: false,
    });
  });
});

describe("an image without a tag", () => {
  it("is latest, as Docker and ECS resolve it", () => {
    const tagless = snapshot({ tags: { "autopilot:redeploy": "force" }, image: `${REGISTRY}/shop/web` });
    const action = plan(tagless, image(["linux/amd64"]), DEFAULT_CONFIG, { ...push, tag: "latest" });
    expect(action.kind === "deploy" && action.updates[0]).toMatchObject({
      fromTag: "latest",
      toTag: "latest",
    });
    expect(plan(tagless, image(["linux/amd64"]), DEFAULT_CONFIG, { ...push, tag: "main" }).kind).toBe("skip");
  });
});

describe("the reasons a user reads when an image check stops a deploy", () => {
  const task = (cpuArchitecture?: string, operatingSystemFamily?: string): TaskDefinition => ({
    family: "web",
    ...(cpuArchitecture || operatingSystemFamily
      ? {
          runtimePlatform: {
            ...(cpuArchitecture ? { cpuArchitecture: cpuArchitecture as "ARM64" } : {}),
            ...(operatingSystemFamily ? { operatingSystemFamily: operatingSystemFamily as "LINUX" } : {}),
          },
        }
      : {}),
  });

  it("spells an architecture ECS may add later as the image spec would, in lower case", () => {
    expect(requiredPlatform(task("RISCV64"))).toEqual({
      os: "linux",
      architecture: "riscv64",
      source: "runtimePlatform RISCV64/LINUX",
    });
  });

  it("says the platforms were not read, and what the task needs", () => {
    expect(platformProblem(undefined, task("ARM64"))).toEqual({
      category: "platform-unknown",
      reason: "the image's platforms were not read; the task needs linux/arm64 (runtimePlatform ARM64/LINUX)",
    });
  });

  it("lists every platform the image offers, once each, when none fits", () => {
    const offered: ImageFacts = {
      digest: DIGEST,
      platform: {
        known: true,
        platforms: [
          { os: "linux", architecture: "amd64" },
          { os: "linux", architecture: "arm", variant: "v7" },
          { os: "linux", architecture: "amd64" },
        ],
        from: "image index",
      },
    };
    expect(platformProblem(offered, task("ARM64"))).toEqual({
      category: "platform-mismatch",
      reason:
        "the image is built for linux/amd64, linux/arm/v7 (image index); the task needs linux/arm64 (runtimePlatform ARM64/LINUX)",
    });
  });

  it("says the signatures were not looked up, or where it looked and found none", () => {
    expect(signatureProblem({ digest: DIGEST })).toEqual({
      category: "signature-unknown",
      reason: "the image's signatures were not looked up",
    });
    expect(signatureProblem(image(["linux/amd64"], 0))).toEqual({
      category: "unsigned",
      reason: `a signature is required and none refers to ${DIGEST} in its repository (looked at: cosign tag; referrers tag; ECR referrers API (ListImageReferrers))`,
    });
  });

  it("names the signature that let a service deploy by how it was found and a short digest", () => {
    const signed = (tag?: string): ImageFacts => ({
      digest: DIGEST,
      signature: {
        signatures: [
          {
            via: tag ? "cosign tag" : "ECR referrers API",
            digest: `sha256:${"0123456789abcdef".repeat(4)}`,
            artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
            ...(tag ? { tag } : {}),
          },
        ],
        looked: [],
      },
    });
    expect(signatureEvidence(signed())).toBe(
      "ECR referrers API: application/vnd.dev.sigstore.bundle.v0.3+json sha256:0123456789ab…",
    );
    expect(signatureEvidence(signed("sha256-abc.sig"))).toBe(
      "cosign tag sha256-abc.sig: application/vnd.dev.sigstore.bundle.v0.3+json sha256:0123456789ab…",
    );
    expect(signatureEvidence({ digest: DIGEST })).toBeUndefined();
  });
});

describe("the tag check: a push the tag has left since is stale", () => {
  const amd64 = image(["linux/amd64"]);
  const facts = (digest?: string): ImageFacts => ({
    ...amd64,
    tagNow: { tag: "1.5.0", ...(digest ? { digest } : {}) },
  });
  const planned = (f: ImageFacts | undefined, p: ImagePush = push) => {
    const [action] = planRedeploy(p, [snapshot({})], DEFAULT_CONFIG, f ? { image: f } : {}).actions;
    return action;
  };
  const LATER = `sha256:${"c".repeat(64)}`;

  it("deploys while the tag still names the pushed digest", () => {
    expect(tagProblem(push, facts(DIGEST))).toBeUndefined();
    expect(planned(facts(DIGEST))?.kind).toBe("deploy");
  });

  it("skips as superseded when the tag names another digest now", () => {
    expect(planned(facts(LATER))).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: `'1.5.0' now names sha256:cccccccccccc… in shop/web, not the pushed sha256:bbbbbbbbbbbb…: a later push of it replaced this one (this event was delivered late, retried or redriven)`,
    });
  });

  it("skips as superseded when no image has the tag any more", () => {
    expect(planned(facts(undefined))).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason:
        "no image in shop/web has the tag '1.5.0' any more (untagged or deleted since this push of sha256:bbbbbbbbbbbb…)",
    });
  });

  it("fails closed when where the tag points was not read, or was read for another tag", () => {
    expect(planned(amd64)).toMatchObject({
      kind: "skip",
      category: "tag-unknown",
      reason: "where '1.5.0' points in shop/web now was not read",
    });
    const otherTag: ImageFacts = { ...amd64, tagNow: { tag: "1.4.9", digest: DIGEST } };
    expect(tagProblem(push, otherTag)?.category).toBe("tag-unknown");
  });

  it("has nothing to compare for a push by digest", () => {
    const { tag: _, ...byDigest } = push;
    expect(tagProblem(byDigest, amd64)).toBeUndefined();
    expect(tagProblem(byDigest, undefined)).toBeUndefined();
  });
});

describe("signatureSubject: which digest a signature's tag signs", () => {
  it("reads cosign's tag and the OCI referrers tag, and nothing else", () => {
    const hex = "c".repeat(64);
    expect(signatureSubject(`sha256-${hex}.sig`)).toBe(`sha256:${hex}`);
    expect(signatureSubject(`sha256-${hex}`)).toBe(`sha256:${hex}`);
    expect(signatureSubject(signatureTags(`sha256:${hex}`).cosign)).toBe(`sha256:${hex}`);
    for (const other of [
      "1.5.0",
      `sha256-${hex}.att`,
      `sha256-${hex.slice(1)}.sig`,
      `x-sha256-${hex}.sig`,
      undefined,
    ])
      expect(signatureSubject(other)).toBeUndefined();
  });
});
