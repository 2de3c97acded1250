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
