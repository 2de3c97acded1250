import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { decideTag, orderTags, parseTagPolicy, parseVersion } from "../../../core/tagPolicy/index.ts";
import {
  type DecideCase,
  DIFFERENCES,
  type ExtractCase,
  type NewestCase,
  PEER_CASES,
  type PeerCase,
  type SortedCase,
  type SpecCase,
  type VersionCase,
} from "./peerCases.ts";

const policyOf = (spec: string, allowPrerelease = false) =>
  parseTagPolicy(spec, { allowPrerelease, from: "config" });

const label = (c: PeerCase) => `${c.source.repo} ${c.source.path} ${c.source.test}`;

/** Pushes the tags in order against a service running `running`; the tag it ends on. */
function replay(policy: string, running: string | undefined, tags: readonly string[]): string | null {
  const parsed = policyOf(policy);
  let now = running;
  for (const tag of tags) {
    if (decideTag(parsed, { ...(now !== undefined ? { current: now } : {}), pushed: tag }).accept) now = tag;
  }
  return now ?? null;
}

const of = <K extends PeerCase["kind"]>(kind: K) =>
  PEER_CASES.filter((c): c is Extract<PeerCase, { kind: K }> => c.kind === kind);

describe("the peers' published tag-policy cases, replayed", () => {
  it("covers Keel, Flux and Argo CD Image Updater, each case naming its source", () => {
    const repos = new Set(PEER_CASES.map((c) => c.source.repo));
    expect([...repos].sort()).toEqual([
      "argoproj-labs/argocd-image-updater",
      "fluxcd/image-reflector-controller",
      "fluxcd/pkg",
      "keel-hq/keel",
    ]);
    for (const c of PEER_CASES) expect(c.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(PEER_CASES.length).toBeGreaterThan(90);
  });

  it("marks a difference only where ecs-autopilot decides otherwise, and always with a reason the README names", () => {
    const readme = readFileSync(resolve(import.meta.dirname, "../../../README.md"), "utf8");
    for (const c of PEER_CASES) {
      if (!("ours" in c) || c.ours === undefined) {
        expect("why" in c && c.why, label(c)).toBeFalsy();
        continue;
      }
      expect(c.why, label(c)).toBeDefined();
      expect(c.ours, label(c)).not.toEqual(c.peer);
      // The README's tag-policy section lists each difference on purpose under its key.
      expect(readme, `${label(c)}: ${c.why}`).toContain(`- \`${c.why}\` — `);
    }
    for (const key of Object.keys(DIFFERENCES)) expect(readme).toContain(`- \`${key}\` — `);
  });

  it.each(of("decide").map((c) => [label(c), c] as [string, DecideCase]))("%s", (_, c) => {
    const decision = decideTag(policyOf(c.policy, c.allowPrerelease), {
      current: c.running,
      pushed: c.pushed,
    });
    expect(decision.accept).toBe(c.ours ?? c.peer);
    // The peers' cases carry no reasons; ours names the pushed tag (or that there was none).
    expect(decision.reason).toContain(c.pushed === undefined ? "without a tag" : c.pushed);
  });

  it.each(of("newest").map((c) => [label(c), c] as [string, NewestCase]))("%s", (_, c) => {
    const expected = c.ours !== undefined ? c.ours : c.peer;
    expect(replay(c.policy, c.running, c.tags)).toBe(expected ?? c.running ?? null);
    // Where the policy orders tags, the order pushes arrive in does not change where the service ends.
    if (!c.pushOrderOnly)
      expect(replay(c.policy, c.running, [...c.tags].reverse())).toBe(expected ?? c.running ?? null);
  });

  it.each(of("version").map((c) => [`${label(c)}: ${JSON.stringify(c.tag)}`, c] as [string, VersionCase]))(
    "%s",
    (_, c) => {
      expect(parseVersion(c.tag) !== undefined).toBe(c.ours ?? c.peer);
    },
  );

  it.each(of("spec").map((c) => [`${label(c)}: ${c.policy}`, c] as [string, SpecCase]))("%s", (_, c) => {
    const valid = (() => {
      try {
        policyOf(c.policy);
        return true;
      } catch {
        return false;
      }
    })();
    expect(valid).toBe(c.ours ?? c.peer);
  });

  it.each(of("sorted").map((c) => [label(c), c] as [string, SortedCase]))("%s", (_, c) => {
    const policy = policyOf(c.policy);
    for (let i = 0; i + 1 < c.ascending.length; i++) {
      const [a = "", b = ""] = [c.ascending[i], c.ascending[i + 1]];
      expect(orderTags(policy, a, b), `${a} before ${b}`).toBeLessThanOrEqual(0);
      expect(orderTags(policy, b, a), `${b} after ${a}`).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(of("extract").map((c) => [label(c), c] as [string, ExtractCase]))("%s", (_, c) => {
    const policy = policyOf(c.policy);
    if (policy.kind !== "match") throw new Error(`${c.policy} is not a pattern policy`);
    const kept = new Set(c.tags.flatMap((tag) => policy.extract(tag) ?? []));
    expect([...kept].sort()).toEqual(c.peer);
  });
});
