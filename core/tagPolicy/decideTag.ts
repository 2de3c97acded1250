import type { PartOrder, TagPolicy } from "./TagPolicy.ts";
import {
  compareNatural,
  compareVersions,
  describeTrack,
  formatCore,
  PRE_RELEASE_TRACK,
  parseVersion,
  suffixTrack,
  type VersionTag,
} from "./VersionTag.ts";

export type TagDecision = { readonly accept: boolean; readonly reason: string };

/** The tag Docker and ECS use for an image reference without one (`…/hello-world` is `…/hello-world:latest`). */
export const DEFAULT_TAG = "latest";

const NOT_A_VERSION = "not a version (X.Y or X.Y.Z, optionally v-prefixed, optionally -suffixed)";

const accept = (reason: string): TagDecision => ({ accept: true, reason });
const reject = (reason: string): TagDecision => ({ accept: false, reason });

/** A decimal number (`-3`, `42`, `1.5`) as sign, integer digits and fraction digits, for exact comparison. */
function parseDecimal(text: string): { negative: boolean; integer: bigint; fraction: string } | undefined {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const integer = BigInt(match[2] ?? "0");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const zero = integer === 0n && fraction === "";
  return { negative: match[1] === "-" && !zero, integer, fraction };
}

/** -1, 0 or 1 as `a` is below, equal to or above `b`. */
const compare = <T extends bigint | string>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function compareDecimals(a: string, b: string): number | undefined {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return undefined;
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  // Fractions have no trailing zeros, so their digits compare as text in numeric order: where one
  // is the start of the other, the longer one ends in a digit above 0 (`5` < `51`; `05` < `5`).
  const magnitude = compare(x.integer, y.integer) || compare(x.fraction, y.fraction);
  return x.negative ? -magnitude : magnitude;
}

/** A part read as a version for natural ordering: a version tag, or a bare number (`42` is 42.0.0). */
function partVersion(part: string): VersionTag | undefined {
  const version = parseVersion(part);
  if (version) return version;
  const number = /^v?(\d+)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(part);
  if (!number) return undefined;
  return {
    original: part,
    major: BigInt(number[1] ?? "0"),
    minor: 0n,
    patch: 0n,
    ...(number[2] !== undefined ? { suffix: number[2] } : {}),
  };
}

/**
 * Orders two extracted parts; undefined when they cannot be ordered (a non-number under
 * `numerical`). Natural order: versions (bare numbers included) as versions, above any other
 * text, which orders naturally below them. Text below versions is what keeps a stray tag
 * (`release-candidate`, `release-latest`) from becoming "the newest" and holding back every
 * numbered release after it; the peers agree (Keel's `force` sorts non-versions after the versions,
 * its semver policies, Flux's and Argo's ignore them). One total order, so a service can never walk
 * back down through a chain of "newer" steps (a mix of two orders could:
 * `v0.0-rc.2` < `0.0-rc.10` < `1` < `v0.0-rc.2`).
 */
function compareParts(order: PartOrder, a: string, b: string): number | undefined {
  if (order === "numerical") return compareDecimals(a, b);
  if (order === "alphabetical") return compare(a, b);
  const va = partVersion(a);
  const vb = partVersion(b);
  if (va && vb) return compareVersions(va, vb);
  if (va || vb) return va ? 1 : -1;
  return compareNatural(a, b);
}

/**
 * The first extracted part where `pushed` has text and `running` a version or number, when that
 * part decides their order: for a reason that says why, rather than "older".
 */
function textAgainstVersion(
  pushed: readonly string[],
  running: readonly string[],
): { readonly pushed: string; readonly running: string } | undefined {
  for (let i = 0; i < Math.max(pushed.length, running.length); i++) {
    const [p, r] = [pushed[i] ?? "", running[i] ?? ""];
    if (compareParts("natural", p, r) === 0) continue;
    return !partVersion(p) && partVersion(r) ? { pushed: p, running: r } : undefined;
  }
  return undefined;
}

function compareTuples(order: PartOrder, a: readonly string[], b: readonly string[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const result = compareParts(order, a[i] ?? "", b[i] ?? "");
    if (result !== 0) return result; // undefined too: no order
  }
  return 0;
}

/**
 * How a policy orders two tags: negative when `a` comes before (is older than) `b`, 0 for the same
 * version, undefined when the policy has no order for them (`force`; `any` between non-versions;
 * a tag a pattern does not match). This is the order {@link decideTag} never goes down.
 *
 * @example
 * orderTags(parseTagPolicy("glob:release-*", { from: "config" }), "release-9", "release-10"); // -1
 */
export function orderTags(policy: TagPolicy, a: string, b: string): number | undefined {
  switch (policy.kind) {
    case "off":
    case "force":
      return a === b ? 0 : undefined;
    case "any":
    case "semver":
    case "range": {
      const va = parseVersion(a);
      const vb = parseVersion(b);
      return va && vb ? compareVersions(va, vb) : undefined;
    }
    case "match": {
      const pa = policy.extract(a);
      const pb = policy.extract(b);
      return pa && pb ? compareTuples(policy.order, pa, pb) : undefined;
    }
  }
}

/** A version and the tag it was read from, which is what reasons name (`v1.2.0`, not the `1.2.0` a prefix left). */
interface Tagged {
  readonly version: VersionTag;
  readonly tag: string;
}

/**
 * Whether a pushed suffixed version may replace what runs, unless pre-releases are allowed: a
 * release only by a release, a `-alpine` (`-lsN`) version only by one on the same track — Keel's
 * pre-release matching, widened from "the same suffix" to "the same suffix shape" so that
 * `-ls45` → `-ls46` builds move too — and a pre-release (`-rc.1`, `-beta.2`) by a later pre-release
 * or by a release: a service on `1.5.0-rc.1` takes `1.5.0` when it ships (as Flux's and Argo's
 * "highest version in range" do; Keel's default keeps it on `-rc.1`). The order still decides
 * whether the release is newer (`1.4.9` is not).
 */
function trackProblem(
  label: string,
  pushed: Tagged,
  running: Tagged | undefined,
  allowPrerelease: boolean,
): string | undefined {
  if (allowPrerelease) return undefined;
  const track = suffixTrack(pushed.version);
  if (!running) {
    return track === ""
      ? undefined
      : `${label}: '${pushed.tag}' is a pre-release or suffixed build (allowPrerelease is off)`;
  }
  const runningTrack = suffixTrack(running.version);
  if (track === runningTrack) return undefined;
  if (runningTrack === PRE_RELEASE_TRACK && track === "") return undefined;
  if (runningTrack === "")
    return `${label}: '${pushed.tag}' is a pre-release or suffixed build, '${running.tag}' a release (allowPrerelease is off)`;
  return `${label}: '${pushed.tag}' leaves the ${describeTrack(runningTrack)} track of '${running.tag}' (allowPrerelease is off)`;
}

/** A version tag with the tag it was read from. */
const tagged = (version: VersionTag | undefined): Tagged | undefined =>
  version && { version, tag: version.original };

function decideSemver(
  policy: Extract<TagPolicy, { kind: "semver" }>,
  current: string | undefined,
  pushed: string,
): TagDecision {
  const { level } = policy;
  const next = parseVersion(pushed);
  if (!next) return reject(`${level}: '${pushed}' is ${NOT_A_VERSION}`);
  if (current === undefined) {
    const problem = trackProblem(level, { version: next, tag: pushed }, undefined, policy.allowPrerelease);
    return reject(
      problem ??
        `${level}: the version the service runs is unknown (use range:… to deploy without knowing it)`,
    );
  }
  const now = parseVersion(current);
  if (!now) {
    if (current === DEFAULT_TAG) {
      // Keel's rule: `latest` is the newest release, so the first version pushed moves the service
      // onto the version track it then follows.
      const problem = trackProblem(level, { version: next, tag: pushed }, undefined, policy.allowPrerelease);
      if (problem) return reject(problem);
      return accept(`${level}: the service runs '${DEFAULT_TAG}'; '${pushed}' puts it on versions`);
    }
    return reject(`${level}: the running tag '${current}' is ${NOT_A_VERSION}`);
  }
  const problem = trackProblem(level, { version: next, tag: pushed }, tagged(now), policy.allowPrerelease);
  if (problem) return reject(problem);
  const order = compareVersions(next, now);
  if (order === 0)
    return reject(
      pushed === current
        ? `${level}: '${pushed}' already runs`
        : `${level}: '${pushed}' is the same version as '${current}'`,
    );
  if (order < 0) return reject(`${level}: '${pushed}' is older than '${current}' (no downgrades)`);
  if (level === "patch" && (next.major !== now.major || next.minor !== now.minor))
    return reject(`patch: '${pushed}' is not a patch of ${now.major}.${now.minor}`);
  if (level === "minor" && next.major !== now.major)
    return reject(`minor: '${pushed}' is a major bump from '${current}'`);
  return accept(`${level}: ${current} → ${pushed}`);
}

function decideRange(
  policy: Extract<TagPolicy, { kind: "range" }>,
  current: string | undefined,
  pushed: string,
): TagDecision {
  const label = `range ${policy.range}`;
  const next = parseVersion(pushed);
  if (!next) return reject(`${label}: '${pushed}' is ${NOT_A_VERSION}`);
  // The range speaks of major.minor.patch; suffixes follow the track rule, so `2.0.0-rc.1` is a
  // 2.0.0 and outside `<2` (node-semver alone would let it in under includePrerelease).
  if (!policy.includes(formatCore(next))) return reject(`${label}: '${pushed}' is outside the range`);
  const now = current === undefined ? undefined : parseVersion(current);
  const problem = trackProblem(label, { version: next, tag: pushed }, tagged(now), policy.allowPrerelease);
  if (problem) return reject(problem);
  if (!now) {
    const running = current === undefined ? "is unknown" : `'${current}' is not a version`;
    return accept(`${label}: '${pushed}' is inside the range (the running tag ${running})`);
  }
  const order = compareVersions(next, now);
  if (order === 0)
    return reject(
      pushed === current
        ? `${label}: '${pushed}' already runs`
        : `${label}: '${pushed}' is the same version as '${current}'`,
    );
  if (order < 0) return reject(`${label}: '${pushed}' is older than '${current}' (no downgrades)`);
  return accept(`${label}: ${current} → ${pushed}`);
}

function decideAny(
  current: string | undefined,
  pushed: string,
  lastVersion: string | undefined,
): TagDecision {
  const next = parseVersion(pushed);
  const now = current === undefined ? undefined : parseVersion(current);
  // What runs is no version (`main`, or unknown): a version pushed now must not be below the last
  // version the service ran before it, or `1.2.3 → main → 1.0.0` would walk it down in two "newer" steps.
  const last = now === undefined && lastVersion !== undefined ? parseVersion(lastVersion) : undefined;
  if (next && last && compareVersions(next, last) < 0) {
    const before = current === undefined ? "" : ` before '${current}'`;
    return reject(
      `any: '${pushed}' is older than '${lastVersion}', the last version the service ran${before} (no downgrades)`,
    );
  }
  if (current === undefined) return accept(`any: the running tag is unknown; '${pushed}' follows`);
  if (current === pushed) return accept(`any: '${pushed}' was pushed again`);
  if (next && now) {
    const order = compareVersions(next, now);
    if (order < 0) return reject(`any: '${pushed}' is older than '${current}' (no downgrades)`);
    if (order === 0) return reject(`any: '${pushed}' is the same version as '${current}'`);
    return accept(`any: ${current} → ${pushed}`);
  }
  if (next && last)
    return accept(
      `any: ${current} → ${pushed} (not below '${lastVersion}', the last version the service ran)`,
    );
  // No order between the two; a version pushed later is still kept at or above the last version.
  const floor = now ? current : last ? lastVersion : undefined;
  const kept = floor === undefined ? "" : `; a version pushed later must not be below '${floor}'`;
  return accept(`any: ${current} → ${pushed} (not both versions, so no order between them${kept})`);
}

function decideMatch(
  policy: Extract<TagPolicy, { kind: "match" }>,
  current: string | undefined,
  pushed: string,
): TagDecision {
  const { label } = policy;
  const next = policy.extract(pushed);
  if (next === undefined) return reject(`${label}: '${pushed}' does not match`);
  if (policy.order === "numerical") {
    const bad = next.find((part) => parseDecimal(part) === undefined);
    if (bad !== undefined) return reject(`${label}: '${bad}' (from '${pushed}') is not a number`);
  }
  const now = current === undefined ? undefined : policy.extract(current);
  if (policy.order === "natural") {
    for (let i = 0; i < next.length; i++) {
      // The same reading of a part as the order's (a bare `42-rc1` is 42 with suffix `rc1`), so that
      // nothing the order calls a pre-release slips past the track check.
      const part = partVersion(next[i] ?? "");
      if (!part) continue;
      const running = partVersion(now?.[i] ?? "");
      const problem = trackProblem(
        label,
        { version: part, tag: pushed },
        running && current !== undefined ? { version: running, tag: current } : undefined,
        policy.allowPrerelease,
      );
      if (problem) return reject(problem);
    }
  }
  if (now === undefined) {
    const why = current === undefined ? "the running tag is unknown" : `'${current}' does not match`;
    return accept(`${label}: '${pushed}' is the first match (${why})`);
  }
  // The same tag again is new content under it (a new digest): follow it, as with force.
  if (pushed === current) return accept(`${label}: '${pushed}' was pushed again`);
  const order = compareTuples(policy.order, next, now);
  if (order === undefined)
    // Only `numerical` cannot order, and only when the running tag's part is no number: it is then
    // as unknown as a tag that does not match.
    return accept(`${label}: '${pushed}' is the first match ('${current}' has no number to compare)`);
  if (order < 0) {
    const text = policy.order === "natural" ? textAgainstVersion(next, now) : undefined;
    if (text)
      return reject(
        `${label}: '${pushed}' has text ('${text.pushed}') where '${current}' has a version or number ('${text.running}'); text never replaces a version or number`,
      );
    return reject(`${label}: '${pushed}' is older than '${current}' (no downgrades)`);
  }
  if (order === 0) {
    // Two different tags tie on what the pattern extracted, which may be no version at all
    // (`regex:^([a-z]+)-(\d+)$` compares group 1, `main`): name it, so the user sees what ties.
    const parts = next.map((part) => `'${part}'`).join(", ");
    return reject(
      `${label}: '${pushed}' and '${current}' are equal in the part${next.length === 1 ? "" : "s"} the policy compares (${parts}); nothing newer to deploy`,
    );
  }
  return accept(`${label}: ${current} → ${pushed}`);
}

/**
 * Decides whether a pushed tag should replace the tag a container runs now (`current`, undefined
 * when unknown: an image pinned by digest whose tag was never recorded). Never a step down in the
 * policy's own order ({@link orderTags}); pre-releases and suffixed builds only on their track or
 * where allowed. `lastVersion` is the last version tag the container ran (see
 * {@link lastVersionAfter}): under `any`, a version pushed over a non-version tag is never below it.
 *
 * @example
 * decideTag(parseTagPolicy("minor"), { current: "1.4.2", pushed: "1.5.0" }); // accept
 * decideTag(parseTagPolicy("minor"), { current: "1.4.2", pushed: "2.0.0" }); // reject: major bump
 * decideTag(parseTagPolicy("patch"), { current: "1.4.5-alpine", pushed: "1.4.6-alpine" }); // accept
 * decideTag(parseTagPolicy("any"), { current: "main", pushed: "1.0.0", lastVersion: "1.2.3" }); // reject
 */
export function decideTag(
  policy: TagPolicy,
  tags: { current?: string; pushed?: string; lastVersion?: string },
): TagDecision {
  const { current, pushed } = tags;
  if (policy.kind === "off") return reject("redeploy is off");
  if (pushed === undefined) return reject("the image was pushed without a tag");
  switch (policy.kind) {
    case "force":
      if (current === undefined) return reject("force: the tag the service runs is unknown");
      return current === pushed
        ? accept(`force: '${pushed}' was pushed again`)
        : reject(`force follows '${current}', not '${pushed}'`);
    case "any":
      return decideAny(current, pushed, tags.lastVersion);
    case "semver":
      return decideSemver(policy, current, pushed);
    case "range":
      return decideRange(policy, current, pushed);
    case "match":
      return decideMatch(policy, current, pushed);
  }
}

/**
 * The last version tag a container has run once `pushed` replaced `current`: `pushed` when it is a
 * version, else `current` when that is one, else the one recorded before (`lastVersion`). What the
 * redeploy flow records on the new revision (`autopilot:last-version:<container>`) and `redeploy
 * explain` carries from push to push.
 *
 * @example
 * lastVersionAfter({ current: "1.2.3", pushed: "main" });                       // "1.2.3"
 * lastVersionAfter({ current: "main", pushed: "develop", lastVersion: "1.2.3" }); // "1.2.3"
 */
export function lastVersionAfter(tags: {
  current?: string | undefined;
  pushed?: string | undefined;
  lastVersion?: string | undefined;
}): string | undefined {
  const { current, pushed, lastVersion } = tags;
  if (pushed !== undefined && parseVersion(pushed)) return pushed;
  if (current !== undefined && parseVersion(current)) return current;
  return lastVersion !== undefined && parseVersion(lastVersion) ? lastVersion : undefined;
}
