import { describe, expect, it } from "vitest";
import { decideTag, parseTagPolicy, TagPolicyError } from "../../../core/redeploy/index.ts";

const decide = (
  spec: string,
  current: string | undefined,
  pushed: string | undefined,
  allowPrerelease = false,
) =>
  decideTag(parseTagPolicy(spec, { allowPrerelease, from: "config" }), {
    ...(current !== undefined ? { current } : {}),
    ...(pushed !== undefined ? { pushed } : {}),
  });

describe("TagPolicy", () => {
  it.each([
    // policy, current, pushed, accept
    ["force", "main", "main", true],
    ["force", "main", "develop", false],
    ["patch", "1.4.2", "1.4.3", true],
    ["patch", "1.4.2", "1.5.0", false],
    ["minor", "1.4.2", "1.5.0", true],
    ["minor", "v1.4.2", "v1.10.0", true],
    ["minor", "1.4.2", "2.0.0", false],
    ["major", "1.4.2", "2.0.0", true],
    ["major", "2.0.0", "1.9.9", false],
    ["major", "1.4.2", "1.4.2", false],
    ["minor", "main", "1.5.0", false],
    // A service on `latest` moves onto the first release pushed (Keel, Argo CD Image Updater).
    ["minor", "latest", "1.5.0", true],
    ["minor", "latest", "1.5.0-rc.1", false],
    ["minor", "1.4.2", "nightly", false],
    ["minor", "1.4.2", "1.5.0-rc.1", false],
    ["prefix:release-", "release-41", "release-42", true],
    ["prefix:release-", "release-42", "release-41", false],
    ["prefix:release-", "release-9", "release-10", true],
    ["prefix:release-", "release-42", "release-42", true],
    ["prefix:release-", "release-42", "hotfix-43", false],
    ["prefix:v", "v1.2.0", "v1.10.0", true],
    ["glob:*-prod", "a1b2-prod", "c3d4-prod", true],
    ["glob:*-prod", "a1b2-prod", "c3d4-dev", false],
    ["regex:^build-(\\d+)$", "build-99", "build-100", true],
    ["regex:^build-(?<version>\\d+)$", "build-100", "build-99", false],
  ])("%s: %s → %s accepts=%s", (spec, current, pushed, accept) => {
    expect(decide(spec, current, pushed).accept).toBe(accept);
  });

  it("never lets a pre-release win unless allowed", () => {
    expect(decide("minor", "1.4.2", "1.5.0-rc.1").reason).toContain("pre-release");
    expect(decide("minor", "1.4.2", "1.5.0-rc.1", true).accept).toBe(true);
    expect(decide("prefix:v", "v1.2.0", "v1.3.0-beta.1").accept).toBe(false);
  });

  it("refuses a push without a tag and a semver policy whose running version is unknown", () => {
    expect(decide("force", "main", undefined)).toEqual({
      accept: false,
      reason: "the image was pushed without a tag",
    });
    expect(decide("minor", undefined, "1.5.0").accept).toBe(false);
  });

  it("states the reason a downgrade is refused", () => {
    expect(decide("major", "2.0.0", "1.9.9").reason).toBe(
      "major: '1.9.9' is older than '2.0.0' (no downgrades)",
    );
  });

  it("rejects unknown, empty and tag-borne glob/regex policies with the reason", () => {
    expect(() => parseTagPolicy("sometimes")).toThrow(TagPolicyError);
    expect(() => parseTagPolicy("prefix:")).toThrow("prefix: needs the prefix");
    expect(() => parseTagPolicy("glob:release-*", { from: "tag" })).toThrow(
      "only allowed in the central config",
    );
    expect(() => parseTagPolicy("regex:(", { from: "config" })).toThrow("not a valid regular expression");
  });
});
