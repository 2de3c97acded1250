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
  });
});
