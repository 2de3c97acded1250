import semver from "semver";
import { AutopilotError } from "../errors.ts";
import { PatternError, TagPattern } from "./TagPattern.ts";

/** How the parts a pattern extracted from two tags are ordered. */
export type PartOrder =
  /**
   * Versions as versions (a bare number is X.0.0), other text naturally (runs of digits as numbers)
   * and below every version or number (prefix, glob, regex).
   */
  | "natural"
  /** Byte order of the whole part, like Flux's `alphabetical` (CalVer, RFC 3339 timestamps). */
  | "alphabetical"
  /** Decimal numbers (`-3`, `42`, `1.5`), like Flux's `numerical`. */
  | "numerical";

/**
 * Which pushed tags a service follows. Parsed from the `autopilot:redeploy` tag or a config rule.
 *
 * - `off`: never.
 * - `force`: the tag the service runs now, pushed again (mutable tags: `main`, `latest`).
 * - `any`: any other tag too, but never a lower version than a version that runs.
 * - `patch` / `minor` / `major`: higher versions within the same minor / major / any.
 * - `range:<range>`: versions inside a semver range.
 * - `prefix:`, `glob:`, `regex:`, `order:`: tags a pattern matches, ordered by the part it extracts.
 */
export type TagPolicy =
  | { readonly kind: "off" }
  | { readonly kind: "force" }
  | { readonly kind: "any" }
  | {
      readonly kind: "semver";
      readonly level: "patch" | "minor" | "major";
      readonly allowPrerelease: boolean;
    }
  | {
      readonly kind: "range";
      /** The range as written. */
      readonly range: string;
      readonly allowPrerelease: boolean;
      /** Whether a `major.minor.patch` lies inside the range. */
      readonly includes: (core: string) => boolean;
    }
  | {
      readonly kind: "match";
      /** The policy as written, for reasons (`glob:release-*`). */
      readonly label: string;
      readonly order: PartOrder;
      readonly allowPrerelease: boolean;
      /** The comparable parts of a matching tag, or undefined when the tag does not match. */
      readonly extract: (tag: string) => readonly string[] | undefined;
    };

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

/** Every form, for the error of an unknown one. */
export const POLICY_FORMS =
  "off, force, any, patch, minor, major, range:<range>, prefix:<p>, order:alphabetical, order:numerical " +
  "(config also: glob:<pattern>, regex:<pattern>, order:<alphabetical|numerical>:<regex>)";

/** The group whose text is compared, when a regular expression names it. */
export const VERSION_GROUP = "version";

/** Keel's name for the compared group (its `regexp:` policy sorts by `(?P<compare>…)`). */
export const COMPARE_GROUP = "compare";

/**
 * Parses a policy spec. Throws {@link TagPolicyError} naming the problem.
 *
 * @example
 * parseTagPolicy("minor");                                  // { kind: "semver", level: "minor", … }
 * parseTagPolicy("range:>=1.2 <2", { from: "config" });
 * parseTagPolicy("regex:^build-(?P<version>\\d+)$", { from: "config" });
 * parseTagPolicy("regex:^(?P<branch>[a-z]+)-(?P<compare>\\d+)$", { from: "config" }); // compares `compare`
 * parseTagPolicy("order:alphabetical:^main-(?P<version>\\d{8}T\\d{6})$", { from: "config" });
 */
export function parseTagPolicy(spec: string, options: TagPolicyOptions = {}): TagPolicy {
  const allowPrerelease = options.allowPrerelease ?? false;
  const value = spec.trim();
  if (value === "off") return { kind: "off" };
  if (value === "force") return { kind: "force" };
  if (value === "any") return { kind: "any" };
  if (value === "patch" || value === "minor" || value === "major")
    return { kind: "semver", level: value, allowPrerelease };
  const colon = value.indexOf(":");
  const kind = colon === -1 ? value : value.slice(0, colon);
  const argument = colon === -1 ? "" : value.slice(colon + 1);
  const configOnly = (what: string) => {
    if (options.from === "tag")
      throw new TagPolicyError(
        spec,
        `${what} is only allowed in the central config (ECS tag values cannot hold its characters)`,
      );
  };
  const pattern = (what: "regular expression" | "glob", compile: () => TagPattern) => {
    try {
      return compile();
    } catch (error) {
      if (error instanceof PatternError)
        throw new TagPolicyError(spec, `not a valid ${what} (${error.problem})`);
      throw error;
    }
  };
  switch (kind) {
    case "range":
      return parseRange(spec, argument, allowPrerelease);
    case "prefix": {
      if (!argument) throw new TagPolicyError(spec, "prefix: needs the prefix, e.g. prefix:release-");
      return {
        kind: "match",
        label: value,
        order: "natural",
        allowPrerelease,
        extract: (tag) => (tag.startsWith(argument) ? [tag.slice(argument.length)] : undefined),
      };
    }
    case "glob": {
      configOnly("glob:");
      if (!argument) throw new TagPolicyError(spec, "glob: needs a pattern, e.g. glob:release-*");
      const glob = pattern("glob", () => TagPattern.glob(argument));
      return {
        kind: "match",
        label: value,
        order: "natural",
        allowPrerelease,
        // The parts the wildcards matched, in order; a glob without wildcards compares nothing.
        extract: (tag) => {
          const match = glob.match(tag);
          return match ? match.groups.map((g) => g ?? "") : undefined;
        },
      };
    }
    case "regex": {
      configOnly("regex:");
      if (!argument) throw new TagPolicyError(spec, "regex: needs a pattern, e.g. regex:^build-(\\d+)$");
      const regex = pattern("regular expression", () => TagPattern.regex(argument));
      return {
        kind: "match",
        label: value,
        order: "natural",
        allowPrerelease,
        extract: extractor(spec, regex),
      };
    }
    case "order": {
      const [order, ...rest] = argument.split(":");
      if (order !== "alphabetical" && order !== "numerical")
        throw new TagPolicyError(spec, "order: needs alphabetical or numerical, e.g. order:numerical");
      const source = rest.join(":");
      if (rest.length === 0)
        return { kind: "match", label: value, order, allowPrerelease, extract: (tag) => [tag] };
      configOnly(`order:${order}:<regex>`);
      const regex = pattern("regular expression", () => TagPattern.regex(source));
      return { kind: "match", label: value, order, allowPrerelease, extract: extractor(spec, regex) };
    }
    default:
      throw new TagPolicyError(spec, `unknown policy; use one of ${POLICY_FORMS}`);
  }
}

/**
 * What a regular expression makes comparable: the group named `version`, else the group named
 * `compare` (Keel's name), else its only named group (`(?P<ts>…)`, as a Flux user extracts with
 * `extract: $ts`), else group 1, else the whole tag (as Flux compares whole tags when no `extract`
 * is given). Several named groups and none of them `version` or `compare`, or both of those, are
 * refused: which one is compared must not be a guess.
 */
function extractor(spec: string, regex: TagPattern): (tag: string) => readonly string[] | undefined {
  const names = regex.groupNames;
  if (names.includes(VERSION_GROUP) && names.includes(COMPARE_GROUP))
    throw new TagPolicyError(
      spec,
      `both '${VERSION_GROUP}' and '${COMPARE_GROUP}' name a group; keep the one to compare`,
    );
  const named = names.includes(VERSION_GROUP)
    ? VERSION_GROUP
    : names.includes(COMPARE_GROUP)
      ? COMPARE_GROUP
      : names.length === 1
        ? names[0]
        : undefined;
  if (named === undefined && names.length > 1)
    throw new TagPolicyError(
      spec,
      `named groups ${names.map((n) => `'${n}'`).join(", ")}: name the one to compare '${VERSION_GROUP}' (or '${COMPARE_GROUP}')`,
    );
  return (tag) => {
    const match = regex.match(tag);
    if (!match) return undefined;
    if (named !== undefined) return [match.named[named] ?? ""];
    if (regex.groupCount > 0) return [match.groups[0] ?? ""];
    return [tag];
  };
}

/**
 * A semver range in node-semver's syntax, which reads what Flux and Argo users write
 * (Masterminds/semver): `>=1.2 <2`, `^1.2`, `~1.2`, `1.2.x`, `1.2 - 1.4`, `a || b`, and `,` for
 * "and" (`>=1.2, <2`). Only x-ranges (`1.x`), hyphen ranges and `=` fit in an ECS tag value.
 */
function parseRange(spec: string, argument: string, allowPrerelease: boolean): TagPolicy {
  const text = argument.trim();
  if (!text) throw new TagPolicyError(spec, "range: needs a range, e.g. range:>=1.2 <2 or range:1.x");
  let range: semver.Range;
  try {
    range = new semver.Range(text.replace(/,/g, " "));
  } catch (error) {
    throw new TagPolicyError(spec, `not a semver range (${(error as Error).message})`);
  }
  return {
    kind: "range",
    range: text,
    allowPrerelease,
    // node-semver's Range.test answers false for a version it cannot parse (numbers above 2^53
    // included): such a version is outside every range it can express.
    includes: (core) => range.test(core),
  };
}
