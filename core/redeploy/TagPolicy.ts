import semver from "semver";
import { matchesGlob } from "../config/nameGlob.ts";
import { AutopilotError } from "../errors.ts";

/**
 * Which pushed tags a service follows.
 *
 * - `force`: the tag the service runs now is pushed again (mutable tags such as `main`, `latest`).
 * - `patch` / `minor` / `major`: semver bumps within the same minor / major / any (like Keel).
 * - `prefix:<p>`, `glob:<pattern>`, `regex:<pattern>`: the newest tag that matches.
 * - `off`: never.
 */
export type TagPolicy =
  | { readonly kind: "off" }
  | { readonly kind: "force" }
  | {
      readonly kind: "semver";
      readonly level: "patch" | "minor" | "major";
      readonly allowPrerelease: boolean;
    }
  | {
      readonly kind: "match";
      readonly label: string;
      readonly allowPrerelease: boolean;
      /** The comparable part of a matching tag, or undefined when the tag does not match. */
      readonly versionOf: (tag: string) => string | undefined;
    };

export type TagDecision = { readonly accept: boolean; readonly reason: string };

/** A tag policy spec (from the `autopilot:redeploy` tag or the config) that cannot be understood. */
export class TagPolicyError extends AutopilotError {
  override readonly name = "TagPolicyError";
  readonly code = "tag-policy-invalid";
  constructor(
    readonly spec: string,
    readonly problem: string,
  ) {
    super(`invalid tag policy '${spec}': ${problem}`);
  }
}

export interface TagPolicyOptions {
  readonly allowPrerelease?: boolean;
  /** Globs and regular expressions can only come from the config: ECS tag values cannot hold them. */
  readonly from?: "tag" | "config";
}

const POLICY_FORMS =
  "force, patch, minor, major, prefix:<p>, off (config also: glob:<pattern>, regex:<pattern>)";

/**
 * Parses a policy spec.
 *
 * @example
 * parseTagPolicy("minor"); // { kind: "semver", level: "minor", allowPrerelease: false }
 * parseTagPolicy("prefix:release-");
 * parseTagPolicy("regex:^v(?<version>\\d+)$", { from: "config" });
 */
export function parseTagPolicy(spec: string, options: TagPolicyOptions = {}): TagPolicy {
  const allowPrerelease = options.allowPrerelease ?? false;
  const value = spec.trim();
  if (value === "off") return { kind: "off" };
  if (value === "force") return { kind: "force" };
  if (value === "patch" || value === "minor" || value === "major")
    return { kind: "semver", level: value, allowPrerelease };
  const colon = value.indexOf(":");
  const kind = colon === -1 ? value : value.slice(0, colon);
  const argument = colon === -1 ? "" : value.slice(colon + 1);
  if (kind === "prefix") {
    if (!argument) throw new TagPolicyError(spec, "prefix: needs the prefix, e.g. prefix:release-");
    return {
      kind: "match",
      label: value,
      allowPrerelease,
      versionOf: (tag) => (tag.startsWith(argument) ? tag.slice(argument.length) : undefined),
    };
  }
  if (kind === "glob" || kind === "regex") {
    if (options.from === "tag")
      throw new TagPolicyError(
        spec,
        `${kind}: is only allowed in the central config (tag values cannot hold it)`,
      );
    if (!argument) throw new TagPolicyError(spec, `${kind}: needs a pattern`);
    if (kind === "glob") {
      return {
        kind: "match",
        label: value,
        allowPrerelease,
        versionOf: (tag) => (matchesGlob(tag, argument) ? tag : undefined),
      };
    }
    let regex: RegExp;
    try {
      regex = new RegExp(argument);
    } catch (error) {
      throw new TagPolicyError(spec, `not a valid regular expression (${(error as Error).message})`);
    }
    return {
      kind: "match",
      label: value,
      allowPrerelease,
      // The named group `version`, else the first group, else the whole tag is what gets compared.
      versionOf: (tag) => {
        const match = regex.exec(tag);
        if (!match) return undefined;
        return match.groups?.version ?? match[1] ?? tag;
      },
    };
  }
  throw new TagPolicyError(spec, `unknown policy; use one of ${POLICY_FORMS}`);
}

/** Parses a version tag as semver, accepting a leading `v` (`v1.2.3`). */
export function parseVersion(tag: string): semver.SemVer | null {
  return semver.parse(tag.replace(/^v(?=\d)/, ""));
}

/** Compares two version strings: semver, else whole numbers; undefined when they cannot be ordered. */
function compareVersions(a: string, b: string): number | undefined {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return semver.compare(va, vb);
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x === y ? 0 : x > y ? 1 : -1;
  }
  return undefined;
}

/**
 * Decides whether a pushed tag should replace the tag a container runs now. Never a downgrade;
 * pre-releases only where allowed.
 *
 * @example
 * decideTag(parseTagPolicy("minor"), { current: "1.4.2", pushed: "1.5.0" }); // accept
 * decideTag(parseTagPolicy("minor"), { current: "1.4.2", pushed: "2.0.0" }); // reject: major bump
 */
export function decideTag(policy: TagPolicy, tags: { current?: string; pushed?: string }): TagDecision {
  const { current, pushed } = tags;
  if (policy.kind === "off") return { accept: false, reason: "redeploy is off" };
  if (pushed === undefined) return { accept: false, reason: "the image was pushed without a tag" };
  switch (policy.kind) {
    case "force":
      if (current === undefined)
        return { accept: false, reason: "force: the tag the service runs is unknown" };
      return current === pushed
        ? { accept: true, reason: `force: '${pushed}' was pushed again` }
        : { accept: false, reason: `force follows '${current}', not '${pushed}'` };
    case "semver": {
      const next = parseVersion(pushed);
      if (!next) return { accept: false, reason: `${policy.level}: '${pushed}' is not a semver version` };
      if (next.prerelease.length > 0 && !policy.allowPrerelease)
        return { accept: false, reason: `${policy.level}: '${pushed}' is a pre-release` };
      if (current === undefined)
        return { accept: false, reason: `${policy.level}: the version the service runs is unknown` };
      const now = parseVersion(current);
      if (!now)
        return {
          accept: false,
          reason: `${policy.level}: the running tag '${current}' is not a semver version`,
        };
      const order = semver.compare(next, now);
      if (order === 0) return { accept: false, reason: `${policy.level}: '${pushed}' already runs` };
      if (order < 0)
        return {
          accept: false,
          reason: `${policy.level}: '${pushed}' is older than '${current}' (no downgrades)`,
        };
      if (policy.level === "patch" && (next.major !== now.major || next.minor !== now.minor))
        return { accept: false, reason: `patch: '${pushed}' is not a patch of ${now.major}.${now.minor}` };
      if (policy.level === "minor" && next.major !== now.major)
        return { accept: false, reason: `minor: '${pushed}' is a major bump from '${current}'` };
      return { accept: true, reason: `${policy.level}: ${current} → ${pushed}` };
    }
    case "match": {
      const next = policy.versionOf(pushed);
      if (next === undefined) return { accept: false, reason: `${policy.label}: '${pushed}' does not match` };
      const nextSemver = parseVersion(next);
      if (nextSemver && nextSemver.prerelease.length > 0 && !policy.allowPrerelease)
        return { accept: false, reason: `${policy.label}: '${pushed}' is a pre-release` };
      const now = current === undefined ? undefined : policy.versionOf(current);
      if (now === undefined)
        return { accept: true, reason: `${policy.label}: '${pushed}' is the newest match` };
      const order = compareVersions(next, now);
      if (order !== undefined && order < 0)
        return {
          accept: false,
          reason: `${policy.label}: '${pushed}' is older than '${current}' (no downgrades)`,
        };
      if (order === 0 && pushed !== current)
        return { accept: false, reason: `${policy.label}: '${pushed}' is the same version as '${current}'` };
      // Same tag pushed again, a newer version, or versions that cannot be ordered: the newest push wins.
      return { accept: true, reason: `${policy.label}: ${current} → ${pushed}` };
    }
  }
}
