import { describe, expect, it } from "vitest";
import { isInRepository, parseImageReference, pinnedImage } from "../../../core/ecs/index.ts";

const repo = { account: "123456789012", region: "eu-west-1", name: "shop/web" };

describe("parseImageReference", () => {
  it.each([
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2", { repository: "shop/web", tag: "1.4.2" }],
    [
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      {
        repository: "shop/web",
        digest: "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      },
    ],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web", { repository: "shop/web" }],
    ["nginx:1.27", { registry: "docker.io", repository: "nginx", tag: "1.27" }],
    ["localhost:5000/app:dev", { registry: "localhost:5000", repository: "app", tag: "dev" }],
    [
      "public.ecr.aws/nginx/nginx:stable",
      { registry: "public.ecr.aws", repository: "nginx/nginx", tag: "stable" },
    ],
  ])("parses %s", (image, expected) => {
    expect(parseImageReference(image)).toMatchObject(expected);
  });

  it("recognises ECR registries, FIPS and China endpoints included", () => {
    expect(parseImageReference("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/a:1")?.ecr).toEqual({
      account: "123456789012",
      region: "us-east-1",
    });
    expect(parseImageReference("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a:1")?.ecr?.region).toBe(
      "cn-north-1",
    );
    expect(parseImageReference("public.ecr.aws/nginx/nginx:stable")?.ecr).toBeUndefined();
  });

  it("matches account, region and repository, by tag or by digest", () => {
    const tagRef = parseImageReference("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:main");
    const otherRegion = parseImageReference("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:main");
    const otherAccount = parseImageReference("210987654321.dkr.ecr.eu-west-1.amazonaws.com/shop/web:main");
    const prefixOnly = parseImageReference(
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web-admin:main",
    );
    expect(tagRef && isInRepository(tagRef, repo)).toBe(true);
    expect(otherRegion && isInRepository(otherRegion, repo)).toBe(false);
    expect(otherAccount && isInRepository(otherAccount, repo)).toBe(false);
    expect(prefixOnly && isInRepository(prefixOnly, repo)).toBe(false);
  });

  it("pins by digest and drops the tag", () => {
    const ref = parseImageReference("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:main");
    expect(ref && pinnedImage(ref, "sha256:abc")).toBe(
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:abc",
    );
  });

  it("refuses strings that are not image references", () => {
    expect(parseImageReference("")).toBeUndefined();
    expect(parseImageReference("Shop/Web:1")).toBeUndefined();
    expect(parseImageReference("a b")).toBeUndefined();
    expect(parseImageReference("repo@notadigest")).toBeUndefined();
    // A registry has no grammar here, but no image reference holds a space.
    expect(parseImageReference("my registry:5000/app")).toBeUndefined();
  });

  it("gives a tag or a digest only when the reference has one", () => {
    expect(parseImageReference("ghcr.io/org/app")).toStrictEqual({
      registry: "ghcr.io",
      repository: "org/app",
    });
    expect(parseImageReference("ghcr.io/org/app:1")).toStrictEqual({
      registry: "ghcr.io",
      repository: "org/app",
      tag: "1",
    });
    expect(parseImageReference(`ghcr.io/org/app@sha256:${"a".repeat(64)}`)).toStrictEqual({
      registry: "ghcr.io",
      repository: "org/app",
      digest: `sha256:${"a".repeat(64)}`,
    });
  });

  it("reads an image with space around it as the image (a task definition copied by hand)", () => {
    expect(parseImageReference(" nginx:1.27\n")).toEqual({
      registry: "docker.io",
      repository: "nginx",
      tag: "1.27",
    });
  });

  it("a registry is a first part with a dot, a port or localhost; anything else is a Docker Hub path", () => {
    expect(parseImageReference("localhost/app:dev")).toEqual({
      registry: "localhost",
      repository: "app",
      tag: "dev",
    });
    expect(parseImageReference("ghcr.io/org/app")).toEqual({ registry: "ghcr.io", repository: "org/app" });
    expect(parseImageReference("shop/web:1")).toEqual({
      registry: "docker.io",
      repository: "shop/web",
      tag: "1",
    });
  });

  it("a digest is algorithm:encoded as the OCI image spec writes it, once", () => {
    // The spec's example of an algorithm with a separator (multihash+base58).
    expect(
      parseImageReference("app@multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"),
    ).toEqual({
      registry: "docker.io",
      repository: "app",
      digest: "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
    });
    // The OCI image spec's other example (base64url: `_` and `-` in the encoded part), and the
    // grammar's other separators and padding.
    for (const digest of [
      "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
      "sha256.v2:abc=",
      "sha256_v2:abc",
      "sha256-v2:abc",
    ])
      expect(parseImageReference(`app@${digest}`)?.digest, digest).toBe(digest);
    for (const image of [
      `app@sha256:${"a".repeat(64)}@sha256:${"b".repeat(64)}`,
      `app@SHA256:${"a".repeat(64)}`,
      `app@sha256:${"a".repeat(64)}!`,
      `app@sha256+:${"a".repeat(64)}`,
      "app@sha256:",
    ])
      expect(parseImageReference(image), image).toBeUndefined();
  });

  it("a tag is a word character then up to 127 of word characters, dots and dashes", () => {
    expect(parseImageReference(`nginx:${"a".repeat(128)}`)?.tag).toBe("a".repeat(128));
    expect(parseImageReference("nginx:_1.27-rc.1")?.tag).toBe("_1.27-rc.1");
    for (const tag of ["a".repeat(129), ".x", "-x", "1.27+build", ""])
      expect(parseImageReference(`nginx:${tag}`), tag).toBeUndefined();
  });

  it("a repository is lower-case path components joined by '.', '_', '__' or dashes", () => {
    for (const ok of ["a__b", "a--b", "a.b", "a_b", "shop/web-admin", "a0/b1", "org/a.b_c__d--e"])
      expect(parseImageReference(ok)?.repository, ok).toBe(ok);
    for (const bad of ["a___b", "a.-b", "shop//web", "shop/web/", "-a", "a-", "/a"])
      expect(parseImageReference(bad), bad).toBeUndefined();
  });

  it("an ECR registry is a 12-digit account's, on the IPv4, FIPS or dual-stack endpoint, in any region", () => {
    const ecr = (registry: string) => parseImageReference(`${registry}/shop/web:1`)?.ecr;
    expect(ecr("123456789012.dkr-ecr.eu-west-1.on.aws")).toEqual({
      account: "123456789012",
      region: "eu-west-1",
    });
    expect(ecr("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com")).toEqual({
      account: "123456789012",
      region: "us-gov-west-1",
    });
    for (const other of [
      "12345678901.dkr.ecr.eu-west-1.amazonaws.com",
      "x123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example",
      "123456789012.dkr.ecr.eu-west.amazonaws.com",
      "123456789012.dkr.ecr.eu-west-1.example.com",
    ])
      expect(ecr(other), other).toBeUndefined();
  });

  it("an image outside ECR is in no ECR repository, whatever its path", () => {
    for (const image of ["shop/web:main", "ghcr.io/shop/web:main", "localhost:5000/shop/web:main"]) {
      const ref = parseImageReference(image);
      expect(ref && isInRepository(ref, repo), image).toBe(false);
    }
  });
});
