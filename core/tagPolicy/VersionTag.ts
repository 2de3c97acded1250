/**
 * Version tags as Keel, Flux and Argo CD Image Updater read them (all three parse with
 * Masterminds/semver in its loose mode): an optional `v`, two or three numeric parts, an
 * optional `-suffix` (semver's pre-release) and `+build`.
 *
 * - `1.4` is `1.4.0` (Keel and Argo; Flux demands three parts — see the README for the choice).
 * - Zero-padded CalVer is a version: `v2025.07.03` is 2025.7.3 (all three).
 * - A single number (`3050`) is not a version (Keel and Flux; Argo would read 3050.0.0).
 * - Four parts (`1.27.0.0`) are not a version (all three).
 */
export interface VersionTag {
  /** The tag as written. */
  readonly original: string;
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** What follows the first `-`: a pre-release (`rc.1`) or a variant/build suffix (`alpine`, `ls45`). */
  readonly suffix?: string;
  /** What follows `+` (ignored for ordering, as in semver). Docker tags cannot hold `+`. */
  readonly build?: string;
}

// Masterminds/semver's loose grammar, with the minor part required. Fixed, linear in the input
// (no nested quantifiers over the same characters): not user-supplied, so JavaScript's engine is fine.
const IDENTIFIERS = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
const VERSION = new RegExp(`^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:-(${IDENTIFIERS}))?(?:\\+(${IDENTIFIERS}))?$`);

/**
 * Parses a tag as a version, or undefined when it is not one.
 *
 * @example
 * parseVersion("v1.4");          // 1.4.0
 * parseVersion("2025.07.03");    // 2025.7.3
 * parseVersion("1.4.5-alpine");  // 1.4.5 with suffix "alpine"
 * parseVersion("latest");        // undefined
 */
export function parseVersion(tag: string): VersionTag | undefined {
  const match = VERSION.exec(tag);
  if (!match) return undefined;
  const [, major = "0", minor = "0", patch = "0", suffix, build] = match;
  return {
    original: tag,
    major: BigInt(major),
    minor: BigInt(minor),
    patch: BigInt(patch),
    ...(suffix !== undefined ? { suffix } : {}),
    ...(build !== undefined ? { build } : {}),
  };
}

const sign = (a: bigint, b: bigint): number => (a === b ? 0 : a > b ? 1 : -1);

/** Compares `major.minor.patch` only. */
export function compareCore(a: VersionTag, b: VersionTag): number {
  return sign(a.major, b.major) || sign(a.minor, b.minor) || sign(a.patch, b.patch);
}

const TOKENS = /\d+|\D+/g;

/** Token-wise natural comparison; 0 when the tokens are equal (numbers compared by value). */
function compareTokens(a: string, b: string): number {
  const x = a.match(TOKENS) ?? [];
  const y = b.match(TOKENS) ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? "", y[i] ?? ""];
    const pDigits = /^\d/.test(p);
    const qDigits = /^\d/.test(q);
    if (pDigits && qDigits) {
      const order = sign(BigInt(p), BigInt(q));
      if (order !== 0) return order;
    } else if (pDigits !== qDigits) {
      return pDigits ? -1 : 1;
    } else if (p !== q) {
      return p < q ? -1 : 1;
    }
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/**
 * "Natural" order of two strings: runs of digits compare as numbers, other runs byte by byte,
 * a number before text (as semver puts numeric identifiers before alphanumeric ones), a prefix
 * before what extends it. A total order: equal numbers written differently (`01`, `1`) fall back
 * to the plain string order.
 *
 * @example
 * compareNatural("ls9", "ls10");             // -1 (semver would say +1: it compares "ls9" as text)
 * compareNatural("release-9", "release-10"); // -1
 */
export function compareNatural(a: string, b: string): number {
  return compareTokens(a, b) || (a === b ? 0 : a < b ? -1 : 1);
}

/**
 * Orders versions: `major.minor.patch` numerically; then a release after any suffixed tag of the
 * same numbers (semver); then suffixes in natural order (`-ls9` before `-ls10`, `-rc.2` before
 * `-rc.10`). Build metadata is ignored. 0 means "the same version", even when written differently
 * (`1.4` and `v1.4.0`).
 */
export function compareVersions(a: VersionTag, b: VersionTag): number {
  const core = compareCore(a, b);
  if (core !== 0) return core;
  if (a.suffix === undefined || b.suffix === undefined) {
    if (a.suffix === b.suffix) return 0;
    return a.suffix === undefined ? 1 : -1;
  }
  return compareTokens(a.suffix, b.suffix);
}

/**
 * A pre-release in the sense of semver.org's own precedence example (`1.0.0-alpha` <
 * `1.0.0-beta.2` < `1.0.0-rc.1` < `1.0.0`): `alpha`, `beta` or `rc`, optionally numbered (`rc.1`,
 * `rc1`, `beta.11`), and nothing else. Other suffixes (`alpine`, `ls45`, `rc.0.18.g1abb7b5dd-ppc64le`)
 * name a variant or a build that a service keeps to.
 */
const PRE_RELEASE = /^(?:alpha|beta|rc)(?:\.?\d+)*$/i;

/** The track of every pre-release (alpha, beta, rc); parentheses keep it apart from any suffix's shape. */
export const PRE_RELEASE_TRACK = "(alpha|beta|rc)";

/**
 * The suffix track a version is on: for a pre-release (`rc.1`, `beta2`) the one pre-release track,
 * which leads to the release; for any other suffix, the suffix with every run of digits replaced by
 * `N` (`alpine` → `alpine`, `ls45` → `lsN`); "" for a release. A service on `1.4.5-alpine` follows
 * `-alpine` tags, one on `4.0.1-ls45` follows `-lsN` builds, one on `1.5.0-rc.1` follows the
 * pre-releases and the releases they lead to.
 */
export function suffixTrack(version: VersionTag): string {
  if (version.suffix === undefined) return "";
  return PRE_RELEASE.test(version.suffix) ? PRE_RELEASE_TRACK : version.suffix.replace(/\d+/g, "N");
}

/** How a track reads in a reason: `-alpine`, `-lsN`, "pre-release (alpha, beta, rc)" or "releases". */
export function describeTrack(track: string): string {
  if (track === PRE_RELEASE_TRACK) return "pre-release (alpha, beta, rc)";
  return track === "" ? "releases (no suffix)" : `-${track}`;
}

/** `1.4.5` with a `v` or two parts written out: for reasons and plans. */
export function formatCore(version: VersionTag): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}
