import { describe, expect, it } from "vitest";
import { explainPushes, formatExplanation } from "../../../core/redeploy/explainPushes.ts";

/** The replay as `redeploy explain --format json` prints its pushes: tag, decision, reason. */
const replay = (policy: string, running: string | undefined, pushed: readonly string[]) =>
  explainPushes(policy, { ...(running !== undefined ? { running } : {}), pushed }).pushes.map(
    ({ tag, decision, reason }) => ({ tag, decision, reason }),
  );

describe("explainPushes: a stray text tag never traps a numbered service (review of issue 12, defect 2)", () => {
  it("skips release-candidate over release-42, and release-43 and release-44 still deploy", () => {
    expect(
      replay("prefix:release-", "release-42", ["release-candidate", "release-43", "release-44"]),
    ).toEqual([
      {
        tag: "release-candidate",
        decision: "skip",
        reason:
          "prefix:release-: 'release-candidate' has text ('candidate') where 'release-42' has a version or number ('42'); text never replaces a version or number",
      },
      { tag: "release-43", decision: "deploy", reason: "prefix:release-: release-42 → release-43" },
      { tag: "release-44", decision: "deploy", reason: "prefix:release-: release-43 → release-44" },
    ]);
  });

  it("does the same for glob:release-* with release-latest", () => {
    expect(replay("glob:release-*", "release-42", ["release-latest", "release-43"])).toEqual([
      {
        tag: "release-latest",
        decision: "skip",
        reason:
          "glob:release-*: 'release-latest' has text ('latest') where 'release-42' has a version or number ('42'); text never replaces a version or number",
      },
      { tag: "release-43", decision: "deploy", reason: "glob:release-*: release-42 → release-43" },
    ]);
  });

  it("moves a service off a text tag onto the first numbered one, and never back", () => {
    expect(
      replay("prefix:release-", "release-candidate", ["release-7", "release-final", "release-8"]),
    ).toEqual([
      { tag: "release-7", decision: "deploy", reason: "prefix:release-: release-candidate → release-7" },
      {
        tag: "release-final",
        decision: "skip",
        reason:
          "prefix:release-: 'release-final' has text ('final') where 'release-7' has a version or number ('7'); text never replaces a version or number",
      },
      { tag: "release-8", decision: "deploy", reason: "prefix:release-: release-7 → release-8" },
    ]);
  });

  it("still orders text among text, and numbers under a regex as numbers", () => {
    expect(replay("prefix:release-", "release-alpha", ["release-beta", "release-alpha"])).toEqual([
      { tag: "release-beta", decision: "deploy", reason: "prefix:release-: release-alpha → release-beta" },
      {
        tag: "release-alpha",
        decision: "skip",
        reason: "prefix:release-: 'release-alpha' is older than 'release-beta' (no downgrades)",
      },
    ]);
    expect(
      replay("regex:^build-(\\w+)$", "build-9", ["build-main", "build-10"]).map((p) => p.decision),
    ).toEqual(["skip", "deploy"]);
  });
});

describe("explainPushes: a service on a pre-release takes the release (review of issue 12, defect 7)", () => {
  it("walks beta → rc → release, then keeps to releases", () => {
    expect(replay("minor", "1.5.0-beta.2", ["1.5.0-rc.1", "1.5.0", "1.5.1-rc.1", "1.5.1"])).toEqual([
      { tag: "1.5.0-rc.1", decision: "deploy", reason: "minor: 1.5.0-beta.2 → 1.5.0-rc.1" },
      { tag: "1.5.0", decision: "deploy", reason: "minor: 1.5.0-rc.1 → 1.5.0" },
      {
        tag: "1.5.1-rc.1",
        decision: "skip",
        reason:
          "minor: '1.5.1-rc.1' is a pre-release or suffixed build, '1.5.0' a release (allowPrerelease is off)",
      },
      { tag: "1.5.1", decision: "deploy", reason: "minor: 1.5.0 → 1.5.1" },
    ]);
  });
});

describe("explainPushes: any never walks a version down through a non-version tag (review of issue 12, defect 5)", () => {
  it("skips 1.0.0 after 1.2.3 → main, and carries the last version over further non-version tags", () => {
    expect(replay("any", "1.2.3", ["main", "1.0.0", "develop", "1.2.2", "1.2.3", "1.3.0"])).toEqual([
      {
        tag: "main",
        decision: "deploy",
        reason:
          "any: 1.2.3 → main (not both versions, so no order between them; a version pushed later must not be below '1.2.3')",
      },
      {
        tag: "1.0.0",
        decision: "skip",
        reason:
          "any: '1.0.0' is older than '1.2.3', the last version the service ran before 'main' (no downgrades)",
      },
      {
        tag: "develop",
        decision: "deploy",
        reason:
          "any: main → develop (not both versions, so no order between them; a version pushed later must not be below '1.2.3')",
      },
      {
        tag: "1.2.2",
        decision: "skip",
        reason:
          "any: '1.2.2' is older than '1.2.3', the last version the service ran before 'develop' (no downgrades)",
      },
      {
        tag: "1.2.3",
        decision: "deploy",
        reason: "any: develop → 1.2.3 (not below '1.2.3', the last version the service ran)",
      },
      { tag: "1.3.0", decision: "deploy", reason: "any: 1.2.3 → 1.3.0" },
    ]);
  });

  it("starts from the service's recorded last version, and reports the last version after the replay", () => {
    const explanation = explainPushes("any", { running: "main", lastVersion: "2.0.0", pushed: ["1.9.0"] });
    expect(explanation.pushes[0]).toMatchObject({
      decision: "skip",
      reason:
        "any: '1.9.0' is older than '2.0.0', the last version the service ran before 'main' (no downgrades)",
    });
    expect(explanation.lastVersion).toBe("2.0.0");
    expect(explainPushes("any", { running: "main", pushed: ["1.9.0", "nightly"] }).lastVersion).toBe("1.9.0");
    expect(explainPushes("any", { pushed: ["1.9.0"], lastVersion: "2.0.0" }).pushes[0]?.reason).toBe(
      "any: '1.9.0' is older than '2.0.0', the last version the service ran (no downgrades)",
    );
  });
});

describe("explainPushes: where a policy can be set (configOnly)", () => {
  const configOnly = (policy: string) => explainPushes(policy, { pushed: [] }).configOnly;

  it("says a policy an ECS tag value can hold is set by a service tag or the config", () => {
    expect(configOnly("minor")).toBe(false);
    expect(configOnly("order:numerical")).toBe(false);
    // Every character class AWS allows in a tag value: letters, spaces, digits and _ . : / = + - @.
    expect(configOnly("prefix:release_v1.2/a=b+c-d@é x")).toBe(false);
  });

  it("says a glob or regular expression, or a character no tag value holds, is for the central config only", () => {
    // Refused in a tag by the policy parser.
    expect(configOnly("glob:release-*")).toBe(true);
    expect(configOnly("regex:^b-(\\d+)$")).toBe(true);
    // Accepted by the parser, but ECS refuses '<', '>' and '#' in a tag value.
    expect(configOnly("range:>=1.2 <2")).toBe(true);
    expect(configOnly("prefix:a#")).toBe(true);
    // Characters a tag value holds, in a form the parser refuses in a tag: a glob without a
    // wildcard, a regular expression that is plain text.
    expect(configOnly("glob:release-1.2")).toBe(true);
    expect(configOnly("regex:main")).toBe(true);
  });

  it("judges the policy as the parser reads it, without the white space around it", () => {
    const explanation = explainPushes("\tminor\n", { pushed: [] });
    expect([explanation.policy, explanation.configOnly]).toEqual(["minor", false]);
  });
});

describe("explainPushes: the replay's contract (redeploy explain --format json)", () => {
  it("carries the running tag and the last version forward, deploy by deploy", () => {
    expect(
      explainPushes(" minor ", { running: "1.4.2", pushed: ["1.4.3", "2.0.0", "1.5.0-rc.1", "1.5.0"] }),
    ).toEqual({
      policy: "minor",
      allowPrerelease: false,
      configOnly: false,
      started: "1.4.2",
      pushes: [
        { tag: "1.4.3", decision: "deploy", reason: "minor: 1.4.2 → 1.4.3", running: "1.4.3" },
        {
          tag: "2.0.0",
          decision: "skip",
          reason: "minor: '2.0.0' is a major bump from '1.4.3'",
          running: "1.4.3",
        },
        {
          tag: "1.5.0-rc.1",
          decision: "skip",
          reason:
            "minor: '1.5.0-rc.1' is a pre-release or suffixed build, '1.4.3' a release (allowPrerelease is off)",
          running: "1.4.3",
        },
        { tag: "1.5.0", decision: "deploy", reason: "minor: 1.4.3 → 1.5.0", running: "1.5.0" },
      ],
      running: "1.5.0",
      lastVersion: "1.5.0",
    });
  });

  it("replays with pre-releases allowed when asked", () => {
    expect(
      explainPushes("minor", { running: "1.4.2", pushed: ["1.5.0-rc.1"], allowPrerelease: true }),
    ).toEqual({
      policy: "minor",
      allowPrerelease: true,
      configOnly: false,
      started: "1.4.2",
      pushes: [
        { tag: "1.5.0-rc.1", decision: "deploy", reason: "minor: 1.4.2 → 1.5.0-rc.1", running: "1.5.0-rc.1" },
      ],
      running: "1.5.0-rc.1",
      lastVersion: "1.5.0-rc.1",
    });
  });

  it("says null for a running tag and a last version it does not know", () => {
    expect(explainPushes("off", { pushed: ["1.0.0"] })).toEqual({
      policy: "off",
      allowPrerelease: false,
      configOnly: false,
      started: null,
      pushes: [{ tag: "1.0.0", decision: "skip", reason: "redeploy is off", running: null }],
      running: null,
      lastVersion: null,
    });
  });
});

describe("formatExplanation: what redeploy explain prints", () => {
  it("prints the policy, where it can be set, one aligned line per push and the outcome", () => {
    expect(
      formatExplanation(
        explainPushes("minor", { running: "1.4.2", pushed: ["1.4.3", "2.0.0", "1.5.0-rc.1", "1.5.0"] }),
      ),
    ).toBe(
      [
        "Policy minor (service tag or central config), allowPrerelease off; the service runs 1.4.2",
        "  1.4.3       deploy  minor: 1.4.2 → 1.4.3",
        "  2.0.0       skip    minor: '2.0.0' is a major bump from '1.4.3'",
        "  1.5.0-rc.1  skip    minor: '1.5.0-rc.1' is a pre-release or suffixed build, '1.4.3' a release (allowPrerelease is off)",
        "  1.5.0       deploy  minor: 1.4.3 → 1.5.0",
        "Runs 1.5.0 after 4 push(es): 2 deployed, 2 skipped (tag policy only; the image's platform and signature are checked at push time)",
      ].join("\n"),
    );
  });

  it("says central config only, allowPrerelease on, and an unknown tag where the service's is not known", () => {
    expect(
      formatExplanation(
        explainPushes("glob:release-*", { pushed: ["release-candidate-1", "x"], allowPrerelease: true }),
      ),
    ).toBe(
      [
        "Policy glob:release-* (central config only), allowPrerelease on; the service runs an unknown tag",
        "  release-candidate-1  deploy  glob:release-*: 'release-candidate-1' is the first match (the running tag is unknown)",
        "  x                    skip    glob:release-*: 'x' does not match",
        "Runs release-candidate-1 after 2 push(es): 1 deployed, 1 skipped (tag policy only; the image's platform and signature are checked at push time)",
      ].join("\n"),
    );
    // Tags shorter than "deploy" still get a six-wide column; nothing deployed, nothing known.
    expect(formatExplanation(explainPushes("off", { pushed: ["1.0.0"] }))).toBe(
      [
        "Policy off (service tag or central config), allowPrerelease off; the service runs an unknown tag",
        "  1.0.0   skip    redeploy is off",
        "Runs an unknown tag after 1 push(es): 0 deployed, 1 skipped (tag policy only; the image's platform and signature are checked at push time)",
      ].join("\n"),
    );
  });
});
