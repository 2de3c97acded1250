import { describe, expect, it } from "vitest";
import { explainPushes } from "../../../core/redeploy/explainPushes.ts";

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
