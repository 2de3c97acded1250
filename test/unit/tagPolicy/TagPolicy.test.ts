/**
 * Parsing of tag policy specs (`core/tagPolicy/TagPolicy.ts`): which policy a spec becomes, what
 * a match policy compares, and the exact error a user reads for each spec that is refused.
 */
import { describe, expect, it } from "vitest";
import {
  parseTagPolicy,
  type TagPolicy,
  TagPolicyError,
  type TagPolicyOptions,
} from "../../../core/tagPolicy/index.ts";

const config: TagPolicyOptions = { from: "config" };

/** The error `spec` is refused with. */
function refusal(spec: string, options: TagPolicyOptions = {}): TagPolicyError {
  try {
    parseTagPolicy(spec, options);
  } catch (error) {
    if (error instanceof TagPolicyError) return error;
    throw error;
  }
  throw new Error(`'${spec}' was accepted`);
}

function extractOf(policy: TagPolicy): (tag: string) => readonly string[] | undefined {
  if (policy.kind !== "match") throw new Error(`expected a match policy, got ${policy.kind}`);
  return policy.extract;
}

describe("parseTagPolicy", () => {
  it("reads the plain policies, trimming the spec, with pre-releases refused unless allowed", () => {
    expect(parseTagPolicy("minor")).toEqual({ kind: "semver", level: "minor", allowPrerelease: false });
    expect(parseTagPolicy("  patch \n")).toEqual({ kind: "semver", level: "patch", allowPrerelease: false });
    expect(parseTagPolicy(" off ")).toEqual({ kind: "off" });
    expect(parseTagPolicy("major", { allowPrerelease: true })).toEqual({
      kind: "semver",
      level: "major",
      allowPrerelease: true,
    });
    const prefix = parseTagPolicy("prefix:release-");
    expect(prefix).toMatchObject({ kind: "match", label: "prefix:release-", allowPrerelease: false });
  });

  it("refuses an unknown policy with the code users match on and every form listed", () => {
    const error = refusal("sometimes");
    expect(error).toBeInstanceOf(TagPolicyError);
    expect(error.name).toBe("TagPolicyError");
    expect(error.code).toBe("tag-policy-invalid");
    expect(error.spec).toBe("sometimes");
    // The list spelled out here, not read from the constant: a user reads this text.
    expect(error.message).toBe(
      "invalid tag policy 'sometimes': unknown policy; use one of off, force, any, patch, minor, major, " +
        "range:<range>, prefix:<p>, order:alphabetical, order:numerical " +
        "(config also: glob:<pattern>, regex:<pattern>, order:<alphabetical|numerical>:<regex>)",
    );
  });

  it("takes the kind only from before a colon: a name that merely starts with a kind is unknown", () => {
    for (const spec of ["globs", "prefixX", "rangeX", "regexp"])
      expect(refusal(spec, config).problem).toMatch(/^unknown policy; use one of /);
  });

  it("refuses a kind that needs an argument when the colon and argument are missing", () => {
    expect(refusal("prefix").problem).toBe("prefix: needs the prefix, e.g. prefix:release-");
    expect(refusal("glob", config).problem).toBe("glob: needs a pattern, e.g. glob:release-*");
    expect(refusal("regex", config).problem).toBe("regex: needs a pattern, e.g. regex:^build-(\\d+)$");
  });

  it("refuses an empty glob, regex or range after the colon", () => {
    expect(refusal("glob:", config).problem).toBe("glob: needs a pattern, e.g. glob:release-*");
    expect(refusal("regex:", config).problem).toBe("regex: needs a pattern, e.g. regex:^build-(\\d+)$");
    expect(refusal("range:   ").problem).toBe("range: needs a range, e.g. range:>=1.2 <2 or range:1.x");
  });

  it("names the config-only form a tag tried to use", () => {
    const onlyInConfig = "is only allowed in the central config (ECS tag values cannot hold its characters)";
    expect(refusal("glob:release-*", { from: "tag" }).problem).toBe(`glob: ${onlyInConfig}`);
    expect(refusal("regex:^b-(\\d+)$", { from: "tag" }).problem).toBe(`regex: ${onlyInConfig}`);
    expect(refusal("order:numerical:^b-(\\d+)$", { from: "tag" }).problem).toBe(
      `order:numerical:<regex> ${onlyInConfig}`,
    );
    expect(refusal("order:alphabetical:^(.*)$", { from: "tag" }).problem).toBe(
      `order:alphabetical:<regex> ${onlyInConfig}`,
    );
  });

  it("keeps the range as written after the colon, without the spaces around it", () => {
    expect(parseTagPolicy("range:  >=1.2 <2")).toMatchObject({ kind: "range", range: ">=1.2 <2" });
  });

  it("puts versions too large for node-semver outside every range", () => {
    const policy = parseTagPolicy("range:>=1.0.0");
    if (policy.kind !== "range") throw new Error("expected a range policy");
    expect(policy.includes("2.0.0")).toBe(true);
    // Above Number.MAX_SAFE_INTEGER node-semver throws; such a version is in no range.
    expect(policy.includes("9007199254740993.0.0")).toBe(false);
  });

  it("compares the empty text when the group to compare took no part in the match", () => {
    const named = extractOf(parseTagPolicy("regex:^(?:v(?P<version>\\d+)|latest)$", config));
    expect(named("v12")).toEqual(["12"]);
    expect(named("latest")).toEqual([""]);
    const numbered = extractOf(parseTagPolicy("regex:^(?:(\\d+)|edge)$", config));
    expect(numbered("42")).toEqual(["42"]);
    expect(numbered("edge")).toEqual([""]);
    expect(numbered("other")).toBeUndefined();
  });

  it("compares what each glob wildcard matched, the empty text included", () => {
    const glob = extractOf(parseTagPolicy("glob:release-*-*", config));
    expect(glob("release-1-prod")).toEqual(["1", "prod"]);
    expect(glob("release--")).toEqual(["", ""]);
    expect(glob("hotfix-1-prod")).toBeUndefined();
  });
});
