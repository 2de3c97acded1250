/**
 * What counts as a signature and as a platform of a pushed image (core/redeploy/ImageFacts.ts),
 * beyond the spec examples of imageChecks.test.ts: each test holds one condition of the decision.
 * Shapes are the OCI image spec's (index, manifest, OCI 1.1 artifactType and subject), Docker's
 * manifest list, and the referrers tag schema of the OCI distribution spec.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  artifactTypeOf,
  indexPlatforms,
  isCosignSignatureManifest,
  isIndexMediaType,
  isSignatureArtifact,
  MEDIA_TYPES,
  manifestMediaType,
  parseManifest,
  platformOf,
  signatureDescriptors,
  subjectDigest,
} from "../../../core/redeploy/ImageFacts.ts";
import { signatureTags } from "../../../core/redeploy/index.ts";

const fixture = (name: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../../fixtures/images", name), "utf8")) as Record<
    string,
    unknown
  >;
const entry = (platform: unknown, annotations?: Record<string, string>) => ({
  mediaType: MEDIA_TYPES.ociManifest,
  digest: `sha256:${"1".repeat(64)}`,
  size: 1596,
  platform,
  ...(annotations ? { annotations } : {}),
});

describe("the platforms of an image index", () => {
  it("are the runnable entries of a BuildKit index (crane manifest of a real image), attestations left out", () => {
    expect(indexPlatforms(fixture("oci-index-amd64-arm64-attested.json"))).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ]);
  });

  it("leave out an unknown/unknown entry even without BuildKit's annotation, and an attestation whatever its platform", () => {
    expect(
      indexPlatforms({
        manifests: [
          entry({ os: "unknown", architecture: "unknown" }),
          entry({ os: "linux", architecture: "unknown" }),
          entry({ os: "unknown", architecture: "arm64" }),
          entry(
            { os: "linux", architecture: "arm64" },
            { "vnd.docker.reference.type": "attestation-manifest" },
          ),
          entry({ os: "linux", architecture: "arm", variant: "v7" }),
        ],
      }),
    ).toEqual([{ os: "linux", architecture: "arm", variant: "v7" }]);
  });

  it("are none when the index lists no manifests, or entries without an os and an architecture", () => {
    expect(indexPlatforms({})).toEqual([]);
    expect(indexPlatforms({ manifests: "linux/amd64" })).toEqual([]);
    expect(
      indexPlatforms({
        manifests: [null, "x", entry(undefined), entry({ os: "linux" }), entry({ architecture: "amd64" })],
      }),
    ).toEqual([]);
  });

  it("of an image config: its os, architecture and variant", () => {
    expect(platformOf({ os: "linux", architecture: "arm64", variant: "v8" })).toEqual({
      os: "linux",
      architecture: "arm64",
      variant: "v8",
    });
    expect(platformOf({ os: "linux", architecture: "amd64", variant: "" })).toEqual({
      os: "linux",
      architecture: "amd64",
    });
    expect(platformOf({ os: "", architecture: "amd64" })).toBeUndefined();
    expect(platformOf(["linux", "amd64"])).toBeUndefined();
  });
});

describe("what a manifest is", () => {
  it("an index is an OCI index or a Docker manifest list, by ECR's media type else its own", () => {
    expect(isIndexMediaType(MEDIA_TYPES.ociIndex)).toBe(true);
    expect(isIndexMediaType(MEDIA_TYPES.dockerManifestList)).toBe(true);
    expect(isIndexMediaType(MEDIA_TYPES.ociManifest)).toBe(false);
    expect(isIndexMediaType(undefined)).toBe(false);
    const list = fixture("docker-manifest-list.spec-example.json");
    expect(manifestMediaType(list)).toBe("application/vnd.docker.distribution.manifest.list.v2+json");
    expect(manifestMediaType(list, MEDIA_TYPES.ociIndex)).toBe("application/vnd.oci.image.index.v1+json");
    expect(manifestMediaType({})).toBeUndefined();
  });

  it("an artifact's type is its artifactType, else its config's media type (OCI 1.1)", () => {
    expect(artifactTypeOf(fixture("notation-signature.spec-example.json"))).toBe(
      "application/vnd.cncf.notary.signature",
    );
    expect(artifactTypeOf({ config: { mediaType: "application/vnd.cncf.notary.signature", size: 2 } })).toBe(
      "application/vnd.cncf.notary.signature",
    );
    expect(artifactTypeOf({ config: "application/vnd.cncf.notary.signature" })).toBeUndefined();
    expect(artifactTypeOf({})).toBeUndefined();
  });

  it("a referrer's subject is the digest it refers to", () => {
    expect(subjectDigest(fixture("notation-signature.spec-example.json"))).toBe(
      "sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333",
    );
    expect(subjectDigest({ subject: "sha256:73c8" })).toBeUndefined();
    expect(subjectDigest({})).toBeUndefined();
  });

  it("a manifest is JSON of an object; anything else is no manifest", () => {
    expect(parseManifest('{"schemaVersion":2}')).toEqual({ schemaVersion: 2 });
    for (const text of [undefined, "", "[]", "null", "2", "{not json"])
      expect(parseManifest(text), text).toBeUndefined();
  });
});

describe("what counts as a signature", () => {
  it("notation and cosign's OCI 1.1 referrer are signatures whatever their annotations", () => {
    expect(isSignatureArtifact("application/vnd.cncf.notary.signature", undefined)).toBe(true);
    expect(isSignatureArtifact("application/vnd.dev.cosign.artifact.sig.v1+json", undefined)).toBe(true);
  });

  it("a Sigstore bundle only when its predicate type is cosign's sign; no artifact type is no signature", () => {
    const bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
    expect(isSignatureArtifact(bundle, undefined)).toBe(false);
    expect(isSignatureArtifact(bundle, "https://sigstore.dev/cosign/sign/v1")).toBe(false);
    expect(isSignatureArtifact(undefined, {})).toBe(false);
    expect(isSignatureArtifact("", {})).toBe(false);
    // An attestation of cosign (in-toto) is not a signature, whatever its predicate.
    expect(
      isSignatureArtifact("application/vnd.in-toto+json", {
        "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1",
      }),
    ).toBe(false);
  });

  it("the signatures of a referrers index: entries with a digest and a signature's artifact type", () => {
    const notation = "application/vnd.cncf.notary.signature";
    expect(
      signatureDescriptors({
        manifests: [
          null,
          { artifactType: notation },
          { digest: "sha256:2" },
          {
            digest: "sha256:3",
            artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
            annotations: { "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1" },
          },
          { digest: "sha256:4", artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json" },
        ],
      }),
    ).toEqual([
      { digest: "sha256:3", artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json" },
      { digest: "sha256:4", artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json" },
    ]);
    expect(signatureDescriptors({})).toEqual([]);
    expect(signatureDescriptors({ manifests: { digest: "sha256:4", artifactType: notation } })).toEqual([]);
  });

  it("a cosign tag's manifest signs only with a simple-signing layer that carries the signature annotation", () => {
    const signed = fixture("cosign-signature.spec-example.json");
    const layers = signed.layers as Array<Record<string, unknown>>;
    const layer = layers[0] ?? {};
    expect(isCosignSignatureManifest({ ...signed, layers: [{ ...layer, annotations: {} }] })).toBe(false);
    expect(isCosignSignatureManifest({ ...signed, layers: [{ ...layer, annotations: undefined }] })).toBe(
      false,
    );
    expect(
      isCosignSignatureManifest({
        ...signed,
        layers: [{ ...layer, mediaType: "application/vnd.in-toto+json" }],
      }),
    ).toBe(false);
    expect(isCosignSignatureManifest({ ...signed, layers: [null, layer] })).toBe(true);
    expect(isCosignSignatureManifest({ ...signed, layers: undefined })).toBe(false);
  });
});

describe("the referrers tag of a digest (OCI distribution spec: algorithm to 32, encoded to 64 characters)", () => {
  it("truncates a sha512 digest's hex to 64 characters; cosign's tag keeps it whole", () => {
    const hex = "0123456789abcdef".repeat(8);
    expect(signatureTags(`sha512:${hex}`)).toEqual({
      cosign: `sha512-${hex}.sig`,
      referrers: `sha512-${hex.slice(0, 64)}`,
    });
  });

  it("replaces characters a tag may not hold with '-' in the referrers tag, not in cosign's", () => {
    // A registered-algorithm digest may carry '+' and '=' (OCI image spec, digest grammar); a tag
    // holds only [A-Za-z0-9_.-] (distribution spec), so the referrers tag schema replaces them.
    expect(signatureTags("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564=")).toEqual({
      cosign: "sha256+b64u-LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564=.sig",
      referrers: "sha256-b64u-LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564-",
    });
  });

  it("truncates an algorithm longer than 32 characters to 32 in the referrers tag", () => {
    // The digest grammar (OCI image spec) bounds neither the algorithm's components nor their
    // number; the referrers tag schema keeps its first 32 characters (distribution spec).
    const algorithm = "multihash+base58+extension+experimental"; // 39 characters
    expect(signatureTags(`${algorithm}:abc`)).toEqual({
      cosign: `${algorithm}-abc.sig`,
      referrers: "multihash-base58-extension-exper-abc",
    });
  });

  it("gives a digest without ':' an empty encoded part (tags no real signature would have)", () => {
    expect(signatureTags("sha256")).toEqual({ cosign: "sha256-.sig", referrers: "sha256-" });
  });
});
