import { describe, expect, it } from "vitest";
import {
  decideTag,
  lastVersionAfter,
  orderTags,
  parseTagPolicy,
  TagPolicyError,
} from "../../../core/tagPolicy/index.ts";

const decide = (
  spec: string,
  current: string | undefined,
  pushed: string,
  options: { allowPrerelease?: boolean; from?: "tag" | "config" } = {},
) =>
  decideTag(
    parseTagPolicy(spec, {
      allowPrerelease: options.allowPrerelease ?? false,
      from: options.from ?? "config",
    }),
    {
      ...(current !== undefined ? { current } : {}),
      pushed,
    },
  );

/** Pushes in order; the tag the service ends on. */
function replay(spec: string, running: string | undefined, pushes: readonly string[]): string | undefined {
  const policy = parseTagPolicy(spec, { from: "config" });
  let now = running;
  for (const pushed of pushes)
    if (decideTag(policy, { ...(now !== undefined ? { current: now } : {}), pushed }).accept) now = pushed;
  return now;
}

describe("the cases of issue 12, decided as the peers decide", () => {
  it.each([
    // Two-part versions are X.Y.0 (Keel, Argo CD Image Updater).
    ["minor", "1.4", "1.5", true],
    ["minor", "7.2", "7.10", true],
    ["minor", "1.25", "1.24", false],
    ["patch", "1.25", "1.25.1", true],
    ["major", "1.4", "1.4.0", false],
    // Zero-padded CalVer is a version (Flux on purpose; Masterminds/semver's loose parse for Keel and Argo).
    ["minor", "v2025.07.03", "v2025.08.01", true],
    ["major", "v2025.07.03", "v2026.01.02", true],
    ["major", "v2025.07.03", "v2025.06.30", false],
    ["patch", "2025.07.03", "2025.07.10", true],
  ])("%s: %s → %s deploys=%s", (policy, running, pushed, deploys) => {
    expect(decide(policy, running, pushed).accept).toBe(deploys);
  });

  it("orders glob:release-* by the number its wildcard matched: never release-41 over release-42", () => {
    expect(decide("glob:release-*", "release-42", "release-41")).toEqual({
      accept: false,
      reason: "glob:release-*: 'release-41' is older than 'release-42' (no downgrades)",
    });
    expect(decide("glob:release-*", "release-9", "release-10").accept).toBe(true);
    expect(decide("glob:release-*", "release-2026.11.25", "release-2026.12.1").accept).toBe(true);
  });

  it("ends build-* pushes that arrive out of order on the newest build", () => {
    expect(replay("glob:build-*", "build-7", ["build-9", "build-8", "build-10", "build-9"])).toBe("build-10");
    expect(replay("glob:build-*-*", "build-1-9", ["build-2-1", "build-1-10"])).toBe("build-2-1");
  });

  it("accepts Go-style named groups (?P<version>…) and compares what they captured", () => {
    expect(decide("regex:^build-(?P<version>\\d+)-[a-f0-9]+$", "build-99-abc", "build-100-0ff").accept).toBe(
      true,
    );
    expect(decide("regex:^build-(?P<version>\\d+)-[a-f0-9]+$", "build-100-abc", "build-99-fff").accept).toBe(
      false,
    );
    expect(decide("regex:^build-(?<version>\\d+)$", "build-99", "build-100").accept).toBe(true);
  });

  it("moves a service on latest onto the first release pushed, under every semver level", () => {
    for (const level of ["patch", "minor", "major"]) {
      expect(decide(level, "latest", "1.5.0")).toEqual({
        accept: true,
        reason: `${level}: the service runs 'latest'; '1.5.0' puts it on versions`,
      });
      expect(decide(level, "latest", "1.5.0-rc.1").accept).toBe(false);
    }
    expect(decide("minor", "main", "1.5.0").reason).toBe(
      "minor: the running tag 'main' is not a version (X.Y or X.Y.Z, optionally v-prefixed, optionally -suffixed)",
    );
  });
});

describe("suffix tracks", () => {
  it.each([
    ["patch", "1.4.5-alpine", "1.4.6-alpine", true],
    ["patch", "1.4.5-alpine", "1.4.6", false],
    ["patch", "1.4.5", "1.4.6-alpine", false],
    ["minor", "1.25.3-alpine3.19", "1.26.0-alpine3.19", true],
    ["minor", "1.25.3-alpine3.19", "1.26.0-alpine3.20", true],
    ["minor", "1.25.3-alpine3.19", "1.26.0-bookworm", false],
    // linuxserver.io-style build suffixes: the same upstream version, a newer build.
    ["patch", "4.0.1-ls45", "4.0.1-ls46", true],
    ["patch", "4.0.1-ls9", "4.0.1-ls10", true],
    ["patch", "4.0.1-ls46", "4.0.1-ls45", false],
    ["patch", "4.0.1-ls46", "4.0.2-ls1", true],
  ])("%s: %s → %s deploys=%s", (policy, running, pushed, deploys) => {
    expect(decide(policy, running, pushed).accept).toBe(deploys);
  });

  it("says which track a push leaves", () => {
    expect(decide("patch", "1.4.5-alpine", "1.4.6").reason).toBe(
      "patch: '1.4.6' leaves the -alpine track of '1.4.5-alpine' (allowPrerelease is off)",
    );
    expect(decide("patch", "4.0.1-ls45", "4.0.2").reason).toContain("the -lsN track");
  });

  it("orders across tracks by semver precedence when pre-releases are allowed", () => {
    expect(decide("patch", "1.4.5-alpine", "1.4.6", { allowPrerelease: true }).accept).toBe(true);
    expect(decide("minor", "1.5.0-rc.1", "1.5.0", { allowPrerelease: true }).accept).toBe(true);
    expect(decide("minor", "1.5.0", "1.5.0-rc.9", { allowPrerelease: true }).accept).toBe(false);
  });

  it("holds in prefix policies too", () => {
    expect(decide("prefix:v", "v1.4.5-alpine", "v1.4.6-alpine").accept).toBe(true);
    expect(decide("prefix:v", "v1.4.5-alpine", "v1.4.6").accept).toBe(false);
  });
});

describe("ranges", () => {
  it.each([
    ["range:>=1.2 <2", "1.2.0", "1.9.3", true],
    ["range:>=1.2 <2", "1.9.3", "2.0.0", false],
    ["range:>=1.2 <2", "1.9.3", "2.0.0-rc.1", false],
    ["range:>=1.2, <2", "1.3.0", "1.4.0", true],
    ["range:^1.2", "1.3.0", "1.2.9", false],
    ["range:1.x", "1.3.0", "1.10.0", true],
    ["range:1.2 - 1.x", "1.3.0", "1.4.0", true],
    ["range:~1.2", "1.2.3", "1.3.0", false],
    ["range:1.2.x || 2.x", "1.2.3", "2.5.0", true],
  ])("%s: %s → %s deploys=%s", (policy, running, pushed, deploys) => {
    expect(decide(policy, running, pushed).accept).toBe(deploys);
  });

  it("decides without knowing what runs: a tag never recorded, or one that is not a version", () => {
    expect(decide("range:>=1.2 <2", undefined, "1.5.0")).toEqual({
      accept: true,
      reason: "range >=1.2 <2: '1.5.0' is inside the range (the running tag is unknown)",
    });
    expect(decide("range:>=1.2 <2", "latest", "1.5.0").accept).toBe(true);
    expect(decide("range:>=1.2 <2", undefined, "2.1.0").accept).toBe(false);
    expect(decide("minor", undefined, "1.5.0").accept).toBe(false);
  });

  it("can be written in a tag value in its tag-safe forms", () => {
    for (const spec of ["range:1.x", "range:1.2.x", "range:1.2 - 1.x", "range:=1.4.2"])
      expect(() => parseTagPolicy(spec, { from: "tag" })).not.toThrow();
    expect(decide("range:1.2 - 1.x", "1.2.0", "1.9.0", { from: "tag" }).accept).toBe(true);
  });

  it("refuses what is not a range, naming it", () => {
    expect(() => parseTagPolicy("range:1x")).toThrow(TagPolicyError);
    expect(() => parseTagPolicy("range:")).toThrow("range: needs a range");
  });
});

describe("orderings for non-semver schemes", () => {
  it("orders CalVer and RFC 3339 timestamps alphabetically", () => {
    expect(decide("order:alphabetical", "2024-12-31", "2025-01-01").accept).toBe(true);
    expect(decide("order:alphabetical", "2025-01-08T21-18-21Z", "2025-01-08T19-20-00Z").accept).toBe(false);
  });

  it("orders numbers numerically, negative and fractional ones included", () => {
    expect(decide("order:numerical", "9", "10").accept).toBe(true);
    expect(decide("order:numerical", "-3", "-10").accept).toBe(false);
    expect(decide("order:numerical", "1.5", "1.25").accept).toBe(false);
    expect(decide("order:numerical", "9", "9a")).toEqual({
      accept: false,
      reason: "order:numerical: '9a' (from '9a') is not a number",
    });
  });

  it("compares what an extraction regex captured", () => {
    const spec = "order:numerical:^main-[a-f0-9]+-(?P<version>\\d+)$";
    expect(decide(spec, "main-abc123-1606234201", "main-0ff1ce-1606364286").accept).toBe(true);
    expect(decide(spec, "main-0ff1ce-1606364286", "main-abc123-1606234201").accept).toBe(false);
    expect(decide(spec, "main-0ff1ce-1606364286", "release-1").reason).toContain("does not match");
    const calver = "order:alphabetical:^(?P<version>\\d{4}\\.\\d{2}\\.\\d{2})-[a-f0-9]{7}$";
    expect(decide(calver, "2025.07.03-abcdef0", "2025.07.10-1234567").accept).toBe(true);
  });

  it("keeps extraction regexes in the config; the plain orderings fit a tag", () => {
    expect(() => parseTagPolicy("order:numerical", { from: "tag" })).not.toThrow();
    expect(() => parseTagPolicy("order:numerical:^b-(\\d+)$", { from: "tag" })).toThrow(
      "only allowed in the central config",
    );
    expect(() => parseTagPolicy("order:newest")).toThrow("order: needs alphabetical or numerical");
  });
});

describe("any", () => {
  it.each([
    ["main", "develop", true],
    ["main", "1.2.3", true],
    ["1.4.2", "1.5.0", true],
    ["1.4.2", "1.4.1", false],
    ["1.4.2", "1.4.2", true],
    ["1.4", "1.4.0", false],
    ["1.4.2", "nightly", true],
  ])("%s → %s deploys=%s", (running, pushed, deploys) => {
    expect(decide("any", running, pushed).accept).toBe(deploys);
  });
});

describe("tags without a tag and re-pushes", () => {
  it("re-deploys a re-push of the running tag under pattern policies (new digest), not under semver levels", () => {
    expect(decide("prefix:release-", "release-42", "release-42").accept).toBe(true);
    expect(decide("glob:release-*", "release-42", "release-42").accept).toBe(true);
    expect(decide("minor", "1.4.2", "1.4.2").reason).toBe("minor: '1.4.2' already runs");
  });

  it("has no order between tags a pattern does not match", () => {
    const policy = parseTagPolicy("glob:release-*", { from: "config" });
    expect(orderTags(policy, "release-1", "hotfix-2")).toBeUndefined();
    expect(orderTags(policy, "release-2", "release-10")).toBe(-1);
  });
});

describe("decisions a one-line bug would turn (issue 16)", () => {
  it("patch refuses a major bump that keeps the minor (1.4.2 → 2.4.3), naming the minor it follows", () => {
    expect(decide("patch", "1.4.2", "2.4.3")).toEqual({
      accept: false,
      reason: "patch: '2.4.3' is not a patch of 1.4",
    });
    expect(decide("patch", "1.4.2", "1.5.2")).toEqual({
      accept: false,
      reason: "patch: '1.5.2' is not a patch of 1.4",
    });
    expect(decide("patch", "1.4.2", "1.4.3")).toEqual({ accept: true, reason: "patch: 1.4.2 → 1.4.3" });
    expect(decide("minor", "1.4.2", "2.4.3")).toEqual({
      accept: false,
      reason: "minor: '2.4.3' is a major bump from '1.4.2'",
    });
    expect(decide("major", "1.4.2", "2.4.3")).toEqual({ accept: true, reason: "major: 1.4.2 → 2.4.3" });
  });

  it("reads a pre-release in the part after a prefix, and names the whole pushed tag", () => {
    expect(decide("prefix:release-", "release-1.4.2", "release-1.5.0-rc.1")).toEqual({
      accept: false,
      reason:
        "prefix:release-: 'release-1.5.0-rc.1' is a pre-release or suffixed build, 'release-1.4.2' a release (allowPrerelease is off)",
    });
    expect(decide("prefix:release-", undefined, "release-1.5.0-rc.1")).toEqual({
      accept: false,
      reason:
        "prefix:release-: 'release-1.5.0-rc.1' is a pre-release or suffixed build (allowPrerelease is off)",
    });
    expect(
      decide("prefix:release-", "release-1.4.2", "release-1.5.0-rc.1", { allowPrerelease: true }),
    ).toEqual({ accept: true, reason: "prefix:release-: release-1.4.2 → release-1.5.0-rc.1" });
    // The same track after the prefix moves on.
    expect(decide("prefix:release-", "release-1.5.0-rc.1", "release-1.5.0-rc.2").accept).toBe(true);
  });

  it("compares release-042 and release-42 as the same number, and 042 above 5", () => {
    expect(decide("prefix:release-", "release-042", "release-42")).toEqual({
      accept: false,
      reason:
        "prefix:release-: 'release-42' and 'release-042' are equal in the part the policy compares ('42'); nothing newer to deploy",
    });
    expect(decide("prefix:release-", "release-042", "release-5")).toEqual({
      accept: false,
      reason: "prefix:release-: 'release-5' is older than 'release-042' (no downgrades)",
    });
    expect(decide("prefix:release-", "release-042", "release-43")).toEqual({
      accept: true,
      reason: "prefix:release-: release-042 → release-43",
    });
    expect(decide("glob:release-*", "release-042", "release-42").accept).toBe(false);
  });
});

describe("reasons of pattern policies name the tags, not the part the pattern extracted", () => {
  it("names the running tag as it runs (review of issue 12, defect 6)", () => {
    expect(decide("prefix:v", "v1.2.0", "v1.3.0-beta.1")).toEqual({
      accept: false,
      reason:
        "prefix:v: 'v1.3.0-beta.1' is a pre-release or suffixed build, 'v1.2.0' a release (allowPrerelease is off)",
    });
    expect(decide("prefix:v", "v1.4.5-alpine", "v1.4.6")).toEqual({
      accept: false,
      reason: "prefix:v: 'v1.4.6' leaves the -alpine track of 'v1.4.5-alpine' (allowPrerelease is off)",
    });
    expect(decide("glob:release-*", "release-1.4.5-alpine", "release-1.4.6")).toEqual({
      accept: false,
      reason:
        "glob:release-*: 'release-1.4.6' leaves the -alpine track of 'release-1.4.5-alpine' (allowPrerelease is off)",
    });
  });
});

describe("pre-releases of bare numbers in pattern policies", () => {
  it("keeps a service on releases off a suffixed number, as off a suffixed version (review of issue 12, defect 3)", () => {
    expect(decide("prefix:release-", "release-41", "release-42-rc1")).toEqual({
      accept: false,
      reason:
        "prefix:release-: 'release-42-rc1' is a pre-release or suffixed build, 'release-41' a release (allowPrerelease is off)",
    });
    expect(decide("glob:build-*", "build-7", "build-8-rc1").accept).toBe(false);
    expect(decide("regex:^b-(\\d+(?:-\\w+)?)$", "b-7", "b-8-beta").accept).toBe(false);
    // The same as for versions after the prefix:
    expect(decide("prefix:release-", "release-1.2.0", "release-1.3.0-rc1").accept).toBe(false);
  });

  it("follows the suffix track of a suffixed number, and takes it where pre-releases are allowed", () => {
    expect(decide("prefix:release-", "release-41-alpine", "release-42-alpine")).toEqual({
      accept: true,
      reason: "prefix:release-: release-41-alpine → release-42-alpine",
    });
    expect(decide("prefix:release-", "release-41-alpine", "release-42").reason).toBe(
      "prefix:release-: 'release-42' leaves the -alpine track of 'release-41-alpine' (allowPrerelease is off)",
    );
    expect(decide("prefix:release-", "release-41", "release-42-rc1", { allowPrerelease: true }).accept).toBe(
      true,
    );
  });
});

describe("text against numbers in pattern policies", () => {
  it("orders a text part below every version or number, so orderTags and decideTag agree", () => {
    const policy = parseTagPolicy("prefix:release-", { from: "config" });
    expect(orderTags(policy, "release-candidate", "release-42")).toBe(-1);
    expect(orderTags(policy, "release-42", "release-candidate")).toBe(1);
    expect(orderTags(policy, "release-candidate", "release-1.2.0")).toBe(-1);
    const glob = parseTagPolicy("glob:build-*-*", { from: "config" });
    expect(decide("glob:build-*-*", "build-2-1", "build-2-hotfix").reason).toBe(
      "glob:build-*-*: 'build-2-hotfix' has text ('hotfix') where 'build-2-1' has a version or number ('1'); text never replaces a version or number",
    );
    expect(orderTags(glob, "build-3-hotfix", "build-2-1")).toBe(1);
    expect(decide("glob:build-*-*", "build-2-1", "build-3-hotfix").accept).toBe(true);
  });
});

describe("which group of a regular expression is compared (review of issue 12, defect 4)", () => {
  it("compares Keel's (?P<compare>…) group wherever it stands", () => {
    const spec = "regex:^(?P<branch>[a-z]+)-(?P<compare>\\d+)$";
    expect(decide(spec, "main-9", "main-10")).toEqual({ accept: true, reason: `${spec}: main-9 → main-10` });
    expect(decide(spec, "main-10", "main-9")).toEqual({
      accept: false,
      reason: `${spec}: 'main-9' is older than 'main-10' (no downgrades)`,
    });
    expect(decide("order:numerical:^(?P<branch>[a-z]+)-(?P<compare>\\d+)$", "main-9", "main-10").accept).toBe(
      true,
    );
  });

  it("compares the only named group, after unnamed ones (Flux's extract: $ts)", () => {
    const spec = "regex:^([a-z]+)-(?P<ts>\\d+)$";
    expect(decide(spec, "main-9", "main-10")).toEqual({ accept: true, reason: `${spec}: main-9 → main-10` });
    expect(decide(spec, "main-10", "dev-9").reason).toBe(
      `${spec}: 'dev-9' is older than 'main-10' (no downgrades)`,
    );
  });

  it("prefers version, and refuses a choice it would have to guess", () => {
    expect(decide("regex:^(?P<branch>[a-z]+)-(?P<version>\\d+)$", "zed-9", "abc-10").accept).toBe(true);
    expect(() => parseTagPolicy("regex:^(?P<branch>[a-z]+)-(?P<ts>\\d+)$", { from: "config" })).toThrow(
      new TagPolicyError(
        "regex:^(?P<branch>[a-z]+)-(?P<ts>\\d+)$",
        "named groups 'branch', 'ts': name the one to compare 'version' (or 'compare')",
      ),
    );
    expect(() => parseTagPolicy("regex:^(?P<compare>[a-z]+)-(?P<version>\\d+)$", { from: "config" })).toThrow(
      "both 'version' and 'compare' name a group; keep the one to compare",
    );
  });

  it("says which part compared equal when two different tags tie, since it may be no version at all", () => {
    // Unnamed groups: group 1 ('main') is compared, so every main-N ties; "the same version" hid that.
    const spec = "regex:^([a-z]+)-(\\d+)$";
    expect(decide(spec, "main-9", "main-10")).toEqual({
      accept: false,
      reason: `${spec}: 'main-10' and 'main-9' are equal in the part the policy compares ('main'); nothing newer to deploy`,
    });
    expect(decide("regex:^build-(?P<version>\\d+)-[a-f0-9]+$", "build-100-abc", "build-100-0ff").reason).toBe(
      "regex:^build-(?P<version>\\d+)-[a-f0-9]+$: 'build-100-0ff' and 'build-100-abc' are equal in the part the policy compares ('100'); nothing newer to deploy",
    );
  });
});

describe("a pre-release leads to its release (review of issue 12, defect 7)", () => {
  it("moves a service on 1.5.0-rc.1 to 1.5.0, under every semver level and in pattern policies", () => {
    for (const level of ["patch", "minor", "major"])
      expect(decide(level, "1.5.0-rc.1", "1.5.0")).toEqual({
        accept: true,
        reason: `${level}: 1.5.0-rc.1 → 1.5.0`,
      });
    expect(decide("minor", "1.5.0-rc.1", "1.6.0").accept).toBe(true);
    expect(decide("range:>=1.5 <2", "1.5.0-rc.1", "1.5.0").accept).toBe(true);
    expect(decide("prefix:v", "v1.5.0-rc.1", "v1.5.0").accept).toBe(true);
    expect(decide("prefix:release-", "release-42-rc1", "release-42").accept).toBe(true);
  });

  it("follows alpha, beta and rc as one track, and never goes below the pre-release", () => {
    expect(decide("minor", "1.5.0-beta.2", "1.5.0-rc.1").accept).toBe(true);
    expect(decide("minor", "1.5.0-rc.1", "1.5.0-beta.3")).toEqual({
      accept: false,
      reason: "minor: '1.5.0-beta.3' is older than '1.5.0-rc.1' (no downgrades)",
    });
    expect(decide("minor", "1.5.0-rc.1", "1.4.9")).toEqual({
      accept: false,
      reason: "minor: '1.4.9' is older than '1.5.0-rc.1' (no downgrades)",
    });
    // Once on the release, the service is on releases.
    expect(decide("minor", "1.5.0", "1.5.1-rc.1").accept).toBe(false);
  });

  it("keeps variants and builds on their track: only alpha, beta and rc lead to a release", () => {
    expect(decide("patch", "1.4.5-alpine", "1.4.5").accept).toBe(false);
    expect(decide("patch", "4.0.1-ls45", "4.0.1").accept).toBe(false);
    expect(decide("minor", "1.5.0-rc.1", "1.5.0-alpine")).toEqual({
      accept: false,
      reason:
        "minor: '1.5.0-alpine' leaves the pre-release (alpha, beta, rc) track of '1.5.0-rc.1' (allowPrerelease is off)",
    });
    // Argo's own example of a suffix that is more than a pre-release: a track of its own shape.
    expect(decide("minor", "v2.3.0-rc.0.18.g1abb7b5dd-ppc64le", "v2.3.0").accept).toBe(false);
  });
});

describe("decisions mutation testing found unheld (docs/testing.md)", () => {
  it("order:numerical: -0 and -0.00 are 0, trailing zeros of a fraction count for nothing, leading ones do", () => {
    const numerical = parseTagPolicy("order:numerical", { from: "config" });
    expect(orderTags(numerical, "-0", "0")).toBe(0);
    expect(orderTags(numerical, "-0.00", "0")).toBe(0);
    expect(orderTags(numerical, "-0.5", "0")).toBe(-1);
    expect(orderTags(numerical, "1.50", "1.5")).toBe(0);
    expect(orderTags(numerical, "1.05", "1.5")).toBe(-1);
    expect(decide("order:numerical", "9", "a10")).toEqual({
      accept: false,
      reason: "order:numerical: 'a10' (from 'a10') is not a number",
    });
  });

  it("semver levels say why they refuse an unknown running version and a version written differently", () => {
    expect(decide("minor", undefined, "1.5.0")).toEqual({
      accept: false,
      reason: "minor: the version the service runs is unknown (use range:… to deploy without knowing it)",
    });
    expect(decide("minor", "1.4", "v1.4.0")).toEqual({
      accept: false,
      reason: "minor: 'v1.4.0' is the same version as '1.4'",
    });
  });
});

describe("every policy's decision and the reason a user reads (mutation testing of the whole module)", () => {
  const policy = (spec: string) => parseTagPolicy(spec, { from: "config" });

  it("off, a push without a tag, and force", () => {
    expect(decideTag(policy("off"), { current: "1.0.0", pushed: "1.0.1" })).toEqual({
      accept: false,
      reason: "redeploy is off",
    });
    expect(decideTag(policy("minor"), { current: "1.0.0" })).toEqual({
      accept: false,
      reason: "the image was pushed without a tag",
    });
    expect(decide("force", undefined, "main")).toEqual({
      accept: false,
      reason: "force: the tag the service runs is unknown",
    });
    expect(decide("force", "main", "main")).toEqual({
      accept: true,
      reason: "force: 'main' was pushed again",
    });
    expect(decide("force", "main", "develop")).toEqual({
      accept: false,
      reason: "force follows 'main', not 'develop'",
    });
  });

  it("orderTags: force and off know only the same tag; any and the semver policies only versions", () => {
    for (const spec of ["off", "force"]) {
      expect(orderTags(policy(spec), "main", "main")).toBe(0);
      expect(orderTags(policy(spec), "1.0.0", "2.0.0")).toBeUndefined();
    }
    for (const spec of ["any", "minor", "range:>=1 <3"]) {
      expect(orderTags(policy(spec), "1.0.0", "2.0.0")).toBe(-1);
      expect(orderTags(policy(spec), "v2.0", "2.0.0")).toBe(0);
      expect(orderTags(policy(spec), "2.0.1", "2.0.0")).toBe(1);
      expect(orderTags(policy(spec), "main", "2.0.0")).toBeUndefined();
      expect(orderTags(policy(spec), "2.0.0", "main")).toBeUndefined();
    }
    expect(orderTags(policy("prefix:release-"), "hotfix-1", "release-1")).toBeUndefined();
  });

  it("order:alphabetical: equal parts tie, text orders by character, and a number has no track", () => {
    const alphabetical = policy("order:alphabetical:^(?P<version>[a-z0-9.-]+)_[a-f0-9]+$");
    expect(orderTags(alphabetical, "b_1", "b_2")).toBe(0);
    expect(orderTags(alphabetical, "a_1", "b_1")).toBe(-1);
    expect(orderTags(alphabetical, "b_1", "a_1")).toBe(1);
    // Alphabetically '10a' is before '9': older, not "text against a number" (that is natural order's).
    expect(decide("order:alphabetical", "9", "10a")).toEqual({
      accept: false,
      reason: "order:alphabetical: '10a' is older than '9' (no downgrades)",
    });
    // No suffix tracks outside natural order: '-rc.1' is only characters here.
    expect(decide("order:alphabetical", undefined, "1.5.0-rc.1")).toEqual({
      accept: true,
      reason: "order:alphabetical: '1.5.0-rc.1' is the first match (the running tag is unknown)",
    });
    expect(decide("order:alphabetical", "1.4.0", "1.5.0-rc.1")).toEqual({
      accept: true,
      reason: "order:alphabetical: 1.4.0 → 1.5.0-rc.1",
    });
  });

  it("order:numerical: signs, fractions and a running tag that is no number", () => {
    const numerical = policy("order:numerical");
    expect(orderTags(numerical, "-1", "2")).toBe(-1);
    expect(orderTags(numerical, "2", "-1")).toBe(1);
    expect(orderTags(numerical, "-1.5", "-1.25")).toBe(-1);
    expect(orderTags(numerical, "+3", "3")).toBe(0);
    expect(orderTags(numerical, "1.05", "1.1")).toBe(-1);
    expect(orderTags(numerical, "1.500", "1.5")).toBe(0);
    expect(orderTags(numerical, "1.5", "1.05")).toBe(1);
    expect(orderTags(numerical, "10", "9.99")).toBe(1);
    expect(orderTags(numerical, "abc", "9")).toBeUndefined();
    expect(decide("order:numerical", "abc", "10")).toEqual({
      accept: true,
      reason: "order:numerical: '10' is the first match ('abc' has no number to compare)",
    });
    expect(decide("order:numerical", "9", "10")).toEqual({ accept: true, reason: "order:numerical: 9 → 10" });
  });

  it("natural order reads a part as a number only when all of it is one", () => {
    expect(decide("prefix:release-", "release-8", "release-9a")).toEqual({
      accept: false,
      reason:
        "prefix:release-: 'release-9a' has text ('9a') where 'release-8' has a version or number ('8'); text never replaces a version or number",
    });
    expect(decide("prefix:release-", "release-41", "release-x42").accept).toBe(false);
    expect(decide("prefix:release-", "release-42-rc.9", "release-42-rc.10")).toEqual({
      accept: true,
      reason: "prefix:release-: release-42-rc.9 → release-42-rc.10",
    });
    expect(decide("prefix:release-", "release-42-rc.10", "release-42-rc.9").accept).toBe(false);
    // Any suffix of letters, digits and hyphens, in dot-separated parts, makes a suffixed number, not text.
    expect(decide("prefix:release-", "release-41", "release-42-Build-7.Edge-2")).toEqual({
      accept: false,
      reason:
        "prefix:release-: 'release-42-Build-7.Edge-2' is a pre-release or suffixed build, 'release-41' a release (allowPrerelease is off)",
    });
    expect(decide("prefix:release-", "release-41-Build-7.Edge-2", "release-42-Build-9.Edge-3")).toEqual({
      accept: true,
      reason: "prefix:release-: release-41-Build-7.Edge-2 → release-42-Build-9.Edge-3",
    });
    // Text against text is only older, not "text against a version".
    expect(decide("glob:env-*", "env-beta", "env-alpha")).toEqual({
      accept: false,
      reason: "glob:env-*: 'env-alpha' is older than 'env-beta' (no downgrades)",
    });
  });

  it("pattern policies: no match, a first match, a re-push, and a tie in several parts", () => {
    expect(decide("prefix:release-", "release-1", "hotfix-2")).toEqual({
      accept: false,
      reason: "prefix:release-: 'hotfix-2' does not match",
    });
    expect(decide("prefix:release-", undefined, "release-2")).toEqual({
      accept: true,
      reason: "prefix:release-: 'release-2' is the first match (the running tag is unknown)",
    });
    expect(decide("prefix:release-", "main", "release-2")).toEqual({
      accept: true,
      reason: "prefix:release-: 'release-2' is the first match ('main' does not match)",
    });
    expect(decide("prefix:release-", "release-2", "release-2")).toEqual({
      accept: true,
      reason: "prefix:release-: 'release-2' was pushed again",
    });
    expect(decide("glob:build-*-*", "build-2-01", "build-2-1")).toEqual({
      accept: false,
      reason:
        "glob:build-*-*: 'build-2-1' and 'build-2-01' are equal in the parts the policy compares ('2', '1'); nothing newer to deploy",
    });
    expect(decide("glob:build-*-*", "build-2-1", "build-2-2")).toEqual({
      accept: true,
      reason: "glob:build-*-*: build-2-1 → build-2-2",
    });
  });

  it("range: each reason", () => {
    const range = "range:>=1.2 <2";
    expect(decide(range, "1.3.0", "nightly")).toEqual({
      accept: false,
      reason:
        "range >=1.2 <2: 'nightly' is not a version (X.Y or X.Y.Z, optionally v-prefixed, optionally -suffixed)",
    });
    expect(decide(range, "1.3.0", "2.0.0")).toEqual({
      accept: false,
      reason: "range >=1.2 <2: '2.0.0' is outside the range",
    });
    expect(decide(range, "1.3.0", "1.4.0-rc.1")).toEqual({
      accept: false,
      reason:
        "range >=1.2 <2: '1.4.0-rc.1' is a pre-release or suffixed build, '1.3.0' a release (allowPrerelease is off)",
    });
    expect(decide(range, "latest", "1.5.0")).toEqual({
      accept: true,
      reason: "range >=1.2 <2: '1.5.0' is inside the range (the running tag 'latest' is not a version)",
    });
    expect(decide(range, "1.5.0", "1.5.0")).toEqual({
      accept: false,
      reason: "range >=1.2 <2: '1.5.0' already runs",
    });
    expect(decide(range, "1.5", "v1.5.0")).toEqual({
      accept: false,
      reason: "range >=1.2 <2: 'v1.5.0' is the same version as '1.5'",
    });
    expect(decide(range, "1.5.0", "1.4.0")).toEqual({
      accept: false,
      reason: "range >=1.2 <2: '1.4.0' is older than '1.5.0' (no downgrades)",
    });
    expect(decide(range, "1.5.0", "1.6.0")).toEqual({
      accept: true,
      reason: "range >=1.2 <2: 1.5.0 → 1.6.0",
    });
  });

  it("semver levels: a pushed tag that is no version", () => {
    expect(decide("minor", "1.4.2", "nightly")).toEqual({
      accept: false,
      reason: "minor: 'nightly' is not a version (X.Y or X.Y.Z, optionally v-prefixed, optionally -suffixed)",
    });
    expect(decide("minor", undefined, "1.5.0-rc.1")).toEqual({
      accept: false,
      reason: "minor: '1.5.0-rc.1' is a pre-release or suffixed build (allowPrerelease is off)",
    });
  });

  it("any: each reason, and the last version only counts while what runs is no version", () => {
    const any = (current: string | undefined, pushed: string, lastVersion?: string) =>
      decideTag(policy("any"), {
        ...(current !== undefined ? { current } : {}),
        pushed,
        ...(lastVersion !== undefined ? { lastVersion } : {}),
      });
    expect(any(undefined, "1.2.3")).toEqual({
      accept: true,
      reason: "any: the running tag is unknown; '1.2.3' follows",
    });
    expect(any(undefined, "1.0.0", "1.2.3")).toEqual({
      accept: false,
      reason: "any: '1.0.0' is older than '1.2.3', the last version the service ran (no downgrades)",
    });
    expect(any(undefined, "1.3.0", "1.2.3")).toEqual({
      accept: true,
      reason: "any: the running tag is unknown; '1.3.0' follows",
    });
    // The last version itself is no step down.
    expect(any(undefined, "1.2.3", "1.2.3")).toEqual({
      accept: true,
      reason: "any: the running tag is unknown; '1.2.3' follows",
    });
    expect(any("main", "1.2.3", "1.2.3")).toEqual({
      accept: true,
      reason: "any: main → 1.2.3 (not below '1.2.3', the last version the service ran)",
    });
    expect(any("main", "main")).toEqual({ accept: true, reason: "any: 'main' was pushed again" });
    expect(any("1.4.2", "1.4.1")).toEqual({
      accept: false,
      reason: "any: '1.4.1' is older than '1.4.2' (no downgrades)",
    });
    expect(any("1.4", "1.4.0")).toEqual({
      accept: false,
      reason: "any: '1.4.0' is the same version as '1.4'",
    });
    expect(any("1.4.2", "1.5.0")).toEqual({ accept: true, reason: "any: 1.4.2 → 1.5.0" });
    // A stale last version is no floor once a version runs.
    expect(any("1.0.0", "1.1.0", "2.0.0")).toEqual({ accept: true, reason: "any: 1.0.0 → 1.1.0" });
    expect(any("main", "1.3.0", "1.2.3")).toEqual({
      accept: true,
      reason: "any: main → 1.3.0 (not below '1.2.3', the last version the service ran)",
    });
    expect(any("main", "1.3.0", "nightly")).toEqual({
      accept: true,
      reason: "any: main → 1.3.0 (not both versions, so no order between them)",
    });
    expect(any("1.4.2", "nightly")).toEqual({
      accept: true,
      reason:
        "any: 1.4.2 → nightly (not both versions, so no order between them; a version pushed later must not be below '1.4.2')",
    });
    expect(any("main", "develop")).toEqual({
      accept: true,
      reason: "any: main → develop (not both versions, so no order between them)",
    });
  });

  it("lastVersionAfter: the pushed version, else the running one, else the one recorded before", () => {
    expect(lastVersionAfter({ current: "1.2.3", pushed: "1.3.0", lastVersion: "1.0.0" })).toBe("1.3.0");
    expect(lastVersionAfter({ current: "1.2.3", pushed: "main", lastVersion: "1.0.0" })).toBe("1.2.3");
    expect(lastVersionAfter({ current: "main", pushed: "develop", lastVersion: "1.2.3" })).toBe("1.2.3");
    expect(lastVersionAfter({ pushed: "develop", lastVersion: "1.2.3" })).toBe("1.2.3");
    expect(lastVersionAfter({ current: "main", lastVersion: "1.2.3" })).toBe("1.2.3");
    expect(lastVersionAfter({ current: "main", pushed: "develop", lastVersion: "nightly" })).toBeUndefined();
    expect(lastVersionAfter({ current: "main", pushed: "develop" })).toBeUndefined();
  });
});
