import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideTag, orderTags, parseTagPolicy, parseVersion } from "../../../core/tagPolicy/index.ts";

/** Every policy form, with the patterns users write. */
const POLICIES = [
  "force",
  "any",
  "patch",
  "minor",
  "major",
  "range:>=1.2 <2",
  "range:1.x",
  "range:*",
  "range:1.2 - 1.x || 3.x",
  "prefix:release-",
  "prefix:v",
  "glob:release-*",
  "glob:build-*-*",
  "glob:*-prod",
  "glob:v?.*",
  "regex:^build-(?P<version>\\d+)$",
  "regex:(\\d+)",
  "regex:^(?<version>[0-9.]+)-[a-z]+$",
  "order:alphabetical",
  "order:numerical",
  "order:numerical:^b-(?P<version>-?\\d+(?:\\.\\d+)?)$",
  "order:alphabetical:^(?P<version>\\d{4}-\\d{2}-\\d{2})",
] as const;

const suffix = fc.oneof(
  fc.constantFrom(
    "alpine",
    "alpine3.19",
    "alpine3.20",
    "rc.1",
    "rc.2",
    "rc.10",
    "ls9",
    "ls10",
    "beta",
    "1-ubi8",
  ),
  fc.stringMatching(/^[a-z]{1,3}[0-9]{0,2}$/),
);
const number = fc.nat({ max: 12 });
const padded = (n: number, pad: boolean) => (pad ? String(n).padStart(2, "0") : String(n));

/** Versions as tags are written: v-prefixed or not, two or three parts, zero-padded, suffixed. */
const versionTag = fc
  .record({
    v: fc.boolean(),
    major: number,
    minor: number,
    patch: fc.option(number, { nil: undefined }),
    pad: fc.boolean(),
    suffix: fc.option(suffix, { nil: undefined }),
  })
  .map(
    (p) =>
      `${p.v ? "v" : ""}${p.major}.${padded(p.minor, p.pad)}${p.patch === undefined ? "" : `.${padded(p.patch, p.pad)}`}${p.suffix ? `-${p.suffix}` : ""}`,
  );

/** Tags the patterns above match, and tags nothing orders. */
const otherTag = fc.oneof(
  fc.constantFrom(
    "latest",
    "main",
    "nightly",
    "2025-01-08T21-18-21Z",
    "2024-12-31",
    "a1b2-prod",
    "c3d4-prod",
  ),
  number.map((n) => `release-${n}`),
  fc.tuple(number, number).map(([a, b]) => `build-${a}-${b}`),
  number.map((n) => `build-${n}`),
  fc.integer({ min: -20, max: 20 }).map((n) => `b-${n}`),
  fc.tuple(fc.integer({ min: -5, max: 5 }), number).map(([a, b]) => `${a}.${b}`),
  number.map(String),
  versionTag.map((v) => `release-${v}`),
  fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,8}$/),
);
const tag = fc.oneof(versionTag, otherTag);

const policy = fc.record({ spec: fc.constantFrom(...POLICIES), allowPrerelease: fc.boolean() });

/** An oracle independent of VersionTag: major.minor.patch as numbers, and whether a suffix follows. */
function core(tagText: string): { parts: bigint[]; suffixed: boolean } | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(-.+)?$/.exec(tagText);
  if (!match) return undefined;
  return {
    parts: [match[1], match[2], match[3] ?? "0"].map((n) => BigInt(n ?? "0")),
    suffixed: match[4] !== undefined,
  };
}

function coreOrder(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < 3; i++) {
    const [x = 0n, y = 0n] = [a[i], b[i]];
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}

describe("no policy ever deploys a tag it orders below the running one", () => {
  it("holds for one push, in the policy's own order and in plain major.minor.patch", () => {
    fc.assert(
      fc.property(
        policy,
        fc.option(tag, { nil: undefined }),
        tag,
        ({ spec, allowPrerelease }, running, pushed) => {
          const parsed = parseTagPolicy(spec, { allowPrerelease, from: "config" });
          const decision = decideTag(parsed, {
            ...(running !== undefined ? { current: running } : {}),
            pushed,
          });
          if (!decision.accept || running === undefined) return;
          const order = orderTags(parsed, pushed, running);
          expect(
            order === undefined || order >= 0,
            `${spec}: ${running} → ${pushed} (${decision.reason})`,
          ).toBe(true);
          // Version policies: never a lower major.minor.patch, never a release's own pre-release.
          if (parsed.kind === "semver" || parsed.kind === "range" || parsed.kind === "any") {
            const [next, now] = [core(pushed), core(running)];
            if (next && now && parseVersion(pushed) && parseVersion(running)) {
              const byCore = coreOrder(next.parts, now.parts);
              expect(byCore >= 0, `${spec}: ${running} → ${pushed}`).toBe(true);
              if (byCore === 0)
                expect(next.suffixed && !now.suffixed, `${spec}: ${running} → ${pushed}`).toBe(false);
            }
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });

  // A policy may move to a tag it cannot order against what runs (`any` onto `nightly`, a pattern
  // policy onto its first match); the order must still hold across the whole sequence, not only
  // step by step: a comparison that is not transitive, or a step through an unordered tag
  // (`any`: 1.2.3 → main → 1.0.0), would let a service walk back down one "newer" step at a time.
  // The last version is threaded as the flow records it on each revision (autopilot:last-version).
  it("holds over a sequence of pushes: nothing deployed is below anything deployed before it", () => {
    fc.assert(
      fc.property(
        policy,
        fc.option(tag, { nil: undefined }),
        fc.array(tag, { maxLength: 12 }),
        ({ spec, allowPrerelease }, start, pushes) => {
          const parsed = parseTagPolicy(spec, { allowPrerelease, from: "config" });
          const history: string[] = start === undefined ? [] : [start];
          let running = start;
          let lastVersion = start !== undefined && parseVersion(start) ? start : undefined;
          for (const pushed of pushes) {
            const decision = decideTag(parsed, {
              ...(running !== undefined ? { current: running } : {}),
              pushed,
              ...(lastVersion !== undefined ? { lastVersion } : {}),
            });
            if (!decision.accept) continue;
            const trail = `${spec}: ${[...history, pushed].join(" → ")}`;
            for (const earlier of history) {
              const order = orderTags(parsed, pushed, earlier);
              expect(order === undefined || order >= 0, trail).toBe(true);
              // Version policies, by the independent oracle: never a lower major.minor.patch than a
              // version deployed before, whatever ran in between.
              if (parsed.kind === "semver" || parsed.kind === "range" || parsed.kind === "any") {
                const [next, then] = [core(pushed), core(earlier)];
                if (next && then && parseVersion(pushed) && parseVersion(earlier))
                  expect(coreOrder(next.parts, then.parts) >= 0, trail).toBe(true);
              }
            }
            history.push(pushed);
            running = pushed;
            if (parseVersion(pushed)) lastVersion = pushed;
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
