/**
 * The tag-policy test cases Keel, Flux and Argo CD Image Updater publish, taken as facts (inputs
 * and what each peer decides) and mapped onto ecs-autopilot's policies:
 *
 * - Keel `all` / `major` / `minor` / `patch` → `major` / `major` / `minor` / `patch`;
 *   Keel `keel.sh/matchPreRelease` (default true) → allowPrerelease = !matchPreRelease;
 *   Keel `force` → `any`, Keel `force` with `keel.sh/match-tag=true` → `force`;
 *   Keel `glob:` → `glob:`.
 * - Flux ImagePolicy `semver.range` → `range:`, `alphabetical` → `order:alphabetical`,
 *   `numerical` → `order:numerical`, `filterTags.pattern` + `extract` → the regex of `regex:` /
 *   `order:…:<regex>` (the extracted group is what is compared).
 * - Argo CD Image Updater `semver` strategy with a constraint → `range:<constraint>` (no
 *   constraint: `range:*`, as its code uses), `alphabetical` → `order:alphabetical`,
 *   `newest-build` → `any` (pushes arrive in build order), `digest` → `force`.
 *
 * A peer that picks "the newest tag of a list" is replayed as pushes of that list against a
 * service, in list order and (where the policy orders tags) in reverse order: the service must end
 * on the peer's pick either way. Where ecs-autopilot decides differently on purpose, `ours` holds
 * its decision and `why` names the README's "coming from …" entry; the test fails for a
 * difference without a reason and for a reason without a difference.
 *
 * Not replayed: Flux's descending `alphabetical`/`numerical` orders (they elect the *lowest* tag,
 * which a push-driven "never a downgrade" policy cannot express), Argo's `Sort by date` (dates are
 * not in tags), Keel's `Filter` order of non-version tags (registry listing order, not a decision).
 */

export interface Source {
  readonly repo: string;
  readonly commit: string;
  readonly path: string;
  /** The upstream test (and sub-case name) the facts come from. */
  readonly test: string;
}

const KEEL = { repo: "keel-hq/keel", commit: "6ac9dc5cfec1fa53c4d95972c00e5f670b988bf4" };
const FLUX = {
  repo: "fluxcd/image-reflector-controller",
  commit: "debe2aaa3a98ad3ca69e178638402a5a0feec4a6",
};
const FLUX_PKG = { repo: "fluxcd/pkg", commit: "e2cfd1a2d1815a81b3e77ef750e6528282ccccd6" };
const ARGO = {
  repo: "argoproj-labs/argocd-image-updater",
  commit: "de2cfec67880a232bbdfce81c985796251be242a",
};

const keelSemver = (test: string): Source => ({ ...KEEL, path: "internal/policy/semver_test.go", test });
const keelGlob = (test: string): Source => ({ ...KEEL, path: "internal/policy/glob_test.go", test });
const keelForce = (test: string): Source => ({ ...KEEL, path: "internal/policy/force_test.go", test });
const fluxSemver = (test: string): Source => ({ ...FLUX, path: "internal/policy/semver_test.go", test });
const fluxAlpha = (test: string): Source => ({ ...FLUX, path: "internal/policy/alphabetical_test.go", test });
const fluxNum = (test: string): Source => ({ ...FLUX, path: "internal/policy/numerical_test.go", test });
const fluxFilter = (test: string): Source => ({ ...FLUX, path: "internal/policy/filter_test.go", test });
const fluxFactory = (test: string): Source => ({ ...FLUX, path: "internal/policy/factory_test.go", test });
const fluxVersion = (test: string): Source => ({ ...FLUX_PKG, path: "version/version_test.go", test });
const argoVersion = (test: string): Source => ({
  ...ARGO,
  path: "registry-scanner/pkg/image/version_test.go",
  test,
});
const argoTag = (test: string): Source => ({ ...ARGO, path: "registry-scanner/pkg/tag/tag_test.go", test });
const argoMatch = (test: string): Source => ({
  ...ARGO,
  path: "registry-scanner/pkg/image/matchfunc_test.go",
  test,
});

/** Reasons for deciding differently on purpose; each is a row of the README's "coming from" column. */
export const DIFFERENCES = {
  repush:
    "a re-push of the running tag deploys under prefix/glob/regex/order policies (the digest changed; Flux's digestReflectionPolicy: Always does the same, Keel's glob does not)",
  twoPart:
    "two-part versions are X.Y.0 (Keel and Argo CD Image Updater read them so; Flux demands three parts)",
  numericalList:
    "one push that is not a number is skipped; Flux's numerical policy fails for the whole tag list",
} as const;

export type Difference = keyof typeof DIFFERENCES;

interface Differs<T> {
  /** What ecs-autopilot decides, where it differs from the peer on purpose. */
  readonly ours?: T;
  readonly why?: Difference;
}

/** One push against a running tag: does the peer update? */
export interface DecideCase extends Differs<boolean> {
  readonly kind: "decide";
  readonly source: Source;
  readonly policy: string;
  readonly allowPrerelease?: boolean;
  readonly running: string;
  readonly pushed: string;
  readonly peer: boolean;
}

/** A list of tags; the peer picks one (or keeps what runs). */
export interface NewestCase extends Differs<string | null> {
  readonly kind: "newest";
  readonly source: Source;
  readonly policy: string;
  readonly running?: string;
  readonly tags: readonly string[];
  /** The tag the service ends on: the peer's pick, or the running tag (null: unknown) when it picks none. */
  readonly peer: string | null;
  /** The list is in push (build) order and the policy has no order of its own: replay it only forwards. */
  readonly pushOrderOnly?: boolean;
}

/** Is this tag a version? */
export interface VersionCase extends Differs<boolean> {
  readonly kind: "version";
  readonly source: Source;
  readonly tag: string;
  readonly peer: boolean;
}

/** Is this a valid policy (range, order) spec? */
export interface SpecCase extends Differs<boolean> {
  readonly kind: "spec";
  readonly source: Source;
  readonly policy: string;
  readonly peer: boolean;
}

/** A list a peer sorts ascending; the policy must order it the same way (ties allowed). */
export interface SortedCase {
  readonly kind: "sorted";
  readonly source: Source;
  readonly policy: string;
  readonly ascending: readonly string[];
}

/** What a pattern keeps of a list and the value it compares for each (Flux's filterTags + extract). */
export interface ExtractCase {
  readonly kind: "extract";
  readonly source: Source;
  readonly policy: string;
  readonly tags: readonly string[];
  /** The distinct compared values, sorted (Flux's filter keeps one entry per extracted value). */
  readonly peer: readonly string[];
}

export type PeerCase = DecideCase | NewestCase | VersionCase | SpecCase | SortedCase | ExtractCase;

const semverCase = (
  name: string,
  keelPolicy: "all" | "major" | "minor" | "patch",
  running: string,
  pushed: string,
  peer: boolean,
  matchPreRelease = false,
): DecideCase => ({
  kind: "decide",
  source: keelSemver(`Test_shouldUpdate/${name}`),
  policy: keelPolicy === "all" ? "major" : keelPolicy,
  allowPrerelease: !matchPreRelease,
  running,
  pushed,
  peer,
});

export const PEER_CASES: readonly PeerCase[] = [
  // ── Keel: semver policies (Test_shouldUpdate; preReleaseMatch is false unless the case sets it) ──
  semverCase("new lower, policy all", "all", "1.4.5", "1.4.3", false),
  semverCase("new minor increase, policy all", "all", "1.4.5", "1.4.6", true),
  semverCase("no increase, policy all", "all", "1.4.5", "1.4.5", false),
  semverCase("minor increase - 2 points, policy all", "all", "1.4", "1.5", true),
  semverCase("minor increase, policy major", "major", "1.4.5", "1.5.5", true),
  semverCase("major increase, policy major", "major", "1.4.5", "2.4.5", true),
  semverCase("patch increase, policy patch", "patch", "1.4.5", "1.4.6", true),
  semverCase("patch release, policy patch", "patch", "1.4", "1.4.6", true),
  semverCase("minor and patch release, policy patch", "patch", "1.4", "1.5.6", false),
  semverCase("patch decrease, policy patch", "patch", "1.4.5", "1.4.4", false),
  semverCase("2 points minor change, policy patch", "patch", "1.4", "1.5", false),
  semverCase("patch AND major increase, policy patch", "patch", "1.4.5", "2.4.6", false),
  semverCase("patch same, policy patch", "patch", "1.4.5", "1.4.5", false),
  semverCase("minor increase, policy minor", "minor", "1.4.5", "1.5.5", true),
  semverCase("minor increase 2 points, policy minor", "minor", "1.4", "1.5", true),
  semverCase("patch increase, policy minor", "minor", "1.4.5", "1.4.6", true),
  semverCase(
    "prerelease patch increase, policy minor, no prerelease",
    "minor",
    "1.4.5",
    "1.4.5-xx",
    false,
    true,
  ),
  semverCase(
    "parsed prerelease patch increase, policy minor, no prerelease",
    "minor",
    "v1.0.0",
    "v1.0.1-metadata",
    false,
    true,
  ),
  semverCase(
    "parsed prerelease minor increase, policy minor, both have metadata",
    "minor",
    "v1.0.0-metadata",
    "v1.0.1-metadata",
    true,
    true,
  ),
  semverCase("prerelease patch increase, policy minor", "minor", "1.4.5-xx", "1.4.6-xx", true, true),
  semverCase("patch increase, policy minor, wrong prerelease", "minor", "1.4.5-xx", "1.4.6-yy", false, true),
  semverCase("number", "all", "1.4.5", "3050", false),
  semverCase("pre-release increase, policy All", "all", "1.4.5-xx", "1.4.5-yy", true),
  semverCase(
    "pre-release increase, policy Patch, do NOT match on pre-release",
    "patch",
    "1.4.5-xx",
    "1.4.5-yy",
    true,
  ),

  // ── Keel: glob (TestGlobPolicy_ShouldUpdate) ──
  {
    kind: "decide",
    source: keelGlob("TestGlobPolicy_ShouldUpdate/test glob latest"),
    policy: "glob:latest",
    running: "latest",
    pushed: "latest",
    peer: false,
    ours: true,
    why: "repush",
  },
  {
    kind: "decide",
    source: keelGlob("TestGlobPolicy_ShouldUpdate/test glob without *"),
    policy: "glob:latest",
    running: "latest",
    pushed: "earliest",
    peer: false,
  },
  {
    kind: "decide",
    source: keelGlob("TestGlobPolicy_ShouldUpdate/test glob with lat*"),
    policy: "glob:lat*",
    running: "latest",
    pushed: "latest",
    peer: false,
    ours: true,
    why: "repush",
  },
  {
    kind: "decide",
    source: keelGlob("TestGlobPolicy_ShouldUpdate/test glob with latest.*"),
    policy: "glob:latest.*",
    running: "latest.20241321",
    pushed: "latest.20251321",
    peer: true,
  },
  {
    kind: "decide",
    source: keelGlob("TestGlobPolicy_ShouldUpdate/test glob with latest.* reverse"),
    policy: "glob:latest.*",
    running: "latest.20251321",
    pushed: "latest.20241321",
    peer: false,
  },

  // ── Keel: force (TestForcePolicyShouldUpdate) ──
  ...(
    [
      ["force, same tag is an update (mutable tag re-push)", false, "latest", "latest", true],
      ["force, non semver tags have no ordering", false, "latest", "main", true],
      ["force, non semver current, semver new", false, "latest", "1.2.3", true],
      ["force, semver new is higher", false, "7.9.1-1-ubi8", "8.0.0", true],
      [
        "force, semver new is lower, issue 823 cp-kafka 7.9.1-1-ubi8 -> 3.0.0",
        false,
        "7.9.1-1-ubi8",
        "3.0.0",
        false,
      ],
      ["force, semver new is lower, issue 823 8.1.0 -> 8.0.0", false, "8.1.0", "8.0.0", false],
      ["force, same semver tag re-push is an update", false, "8.1.0", "8.1.0", true],
      ["force, patch bump", false, "1.4.5", "1.4.6", true],
      ["force, same semver with different prerelease is lower", false, "1.2.3-4", "1.2.3-3", false],
      ["force, same semver with different prerelease is higher", false, "1.2.3-3", "1.2.3-4", true],
      ["force, prerelease to release is higher", false, "7.9.1-1-ubi8", "7.9.1", true],
      ["force tag match, same tag is an update", true, "latest", "latest", true],
      ["force tag match, different tag is not an update", true, "latest", "main", false],
      ["force tag match, different higher semver tag is not an update", true, "1.2.3", "1.2.4", false],
    ] as const
  ).map(
    ([name, matchTag, running, pushed, peer]): DecideCase => ({
      kind: "decide",
      source: keelForce(`TestForcePolicyShouldUpdate/${name}`),
      policy: matchTag ? "force" : "any",
      running,
      pushed,
      peer,
    }),
  ),
  {
    kind: "sorted",
    source: keelForce("TestForcePolicyFilter/semver tags only, descending"),
    policy: "any",
    ascending: ["1.3", "2.5", "2.7", "3.8"],
  },
  {
    kind: "sorted",
    source: keelForce("TestForcePolicyFilter/v prefix is preserved"),
    policy: "any",
    ascending: ["v1.0.0", "v1.1.0", "v1.2.0"],
  },
  {
    kind: "sorted",
    // The versions of the list; its non-version tag ("latest") has no order and trails them.
    source: keelForce(
      "TestForcePolicyFilter/mixed tags, semver descending first, registry order otherwise (issue 823)",
    ),
    policy: "any",
    ascending: ["3.0.0", "3.0.1", "7.9.1-1-ubi8", "8.0.0", "8.3.1"],
  },

  // ── Flux: semver ranges (TestNewSemVer, TestSemVer_Latest) and the factory ──
  ...["1.0.x", "^1.0", "=1.0.0", "~1.0", ">=1.0", ">0,<2.0"].map(
    (range): SpecCase => ({
      kind: "spec",
      source: fluxSemver("TestNewSemVer/With valid range"),
      policy: `range:${range}`,
      peer: true,
    }),
  ),
  ...["1.0.0p", "1x", "x1", "-1", "a", ""].map(
    (range): SpecCase => ({
      kind: "spec",
      source: fluxSemver("TestNewSemVer/With invalid range"),
      policy: `range:${range}`,
      peer: false,
    }),
  ),
  { kind: "spec", source: fluxFactory("TestFactory_PolicerFromSpec"), policy: "range:1.0.x", peer: true },
  { kind: "spec", source: fluxFactory("TestFactory_PolicerFromSpec"), policy: "range:*-*", peer: false },
  {
    kind: "spec",
    source: fluxFactory("TestFactory_PolicerFromSpec"),
    policy: "order:alphabetical",
    peer: true,
  },
  {
    kind: "newest",
    source: fluxSemver("TestSemVer_Latest/With valid format"),
    policy: "range:1.0.x",
    tags: ["1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"],
    peer: "1.0.1",
  },
  {
    kind: "newest",
    source: fluxSemver("TestSemVer_Latest/With valid format prefix"),
    policy: "range:1.0.x",
    tags: ["v1.2.3", "v1.0.0", "v0.1.0"],
    peer: "v1.0.0",
  },
  {
    kind: "newest",
    source: fluxSemver("TestSemVer_Latest/With invalid format prefix"),
    policy: "range:1.0.x",
    tags: ["b1.2.3", "b1.0.0", "b0.1.0"],
    peer: null,
  },
  {
    kind: "newest",
    source: fluxSemver("TestSemVer_Latest/With empty list"),
    policy: "range:1.0.x",
    tags: [],
    peer: null,
  },
  {
    kind: "newest",
    source: fluxSemver("TestSemVer_Latest/With non-matching version list"),
    policy: "range:1.0.x",
    tags: ["1.2.0"],
    peer: null,
  },

  // ── Flux: alphabetical (ascending) and numerical (ascending) ──
  ...(
    [
      ["With Ubuntu CalVer", ["16.04", "16.04.1", "16.10", "20.04", "20.10"], "20.10"],
      ["With Ubuntu code names", ["xenial", "yakkety", "zesty", "artful", "bionic"], "zesty"],
      [
        "With Timestamps",
        ["1606234201", "1606364286", "1606334092", "1606334284", "1606334201"],
        "1606364286",
      ],
      [
        "With Unix Timestamps prefix",
        ["rel-1606234201", "rel-1606364286", "rel-1606334092", "rel-1606334284", "rel-1606334201"],
        "rel-1606364286",
      ],
      [
        "With RFC3339",
        [
          "2021-01-08T21-18-21Z",
          "2020-05-08T21-18-21Z",
          "2021-01-08T19-20-00Z",
          "1990-01-08T00-20-00Z",
          "2023-05-08T00-20-00Z",
        ],
        "2023-05-08T00-20-00Z",
      ],
      ["Empty version list", [], null],
    ] as const
  ).map(
    ([name, tags, peer]): NewestCase => ({
      kind: "newest",
      source: fluxAlpha(`TestAlphabetical_Latest/${name}`),
      policy: "order:alphabetical",
      tags,
      peer,
    }),
  ),
  ...(
    [
      [
        "With unordered list of integers ascending",
        ["-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91"],
        "73",
      ],
      [
        "With unordered list of floats ascending",
        [
          "47.40896403322944",
          "-27.8520927455902",
          "-27.930666514224427",
          "-31.352485948094568",
          "-50.41072694704882",
          "-21.962849842263736",
          "24.71884721436865",
          "-39.99177354004344",
          "53.47333823144817",
          "3.2008658570411086",
        ],
        "53.47333823144817",
      ],
      [
        "With Unix Timestamps ascending",
        ["1606234201", "1606364286", "1606334092", "1606334284", "1606334201"],
        "1606364286",
      ],
      ["With single value ascending", ["1"], "1"],
      ["Empty version list", [], null],
    ] as const
  ).map(
    ([name, tags, peer]): NewestCase => ({
      kind: "newest",
      source: fluxNum(`TestNumerical_Latest/${name}`),
      policy: "order:numerical",
      tags,
      peer,
    }),
  ),
  {
    kind: "newest",
    source: fluxNum("TestNumerical_Latest/With invalid numerical value"),
    policy: "order:numerical",
    tags: ["0", "1a", "b"],
    peer: null,
    ours: "0",
    why: "numericalList",
  },

  // ── Flux: regex filters with extraction (TestRegexFilter) ──
  {
    kind: "extract",
    source: fluxFilter("TestRegexFilter/valid pattern"),
    policy: "regex:^ver",
    tags: ["ver1", "ver2", "ver3", "rel1"],
    peer: ["ver1", "ver2", "ver3"],
  },
  {
    kind: "extract",
    source: fluxFilter("TestRegexFilter/valid pattern with capture group"),
    policy: "regex:ver(\\d+)",
    tags: ["ver1", "ver2", "ver3", "rel1"],
    peer: ["1", "2", "3"],
  },
  {
    kind: "extract",
    source: fluxFilter("TestRegexFilter/valid pattern (complex regex 1)"),
    policy: "regex:^(123-[0-9]+\\.[0-9]+\\.[a-z0-9]+-debug)",
    tags: [
      "123-123.123.abcd123-debug",
      "123-123.123.abcd123",
      "123-123.123.abcd456-debug",
      "123-123.123.abcd456",
    ],
    peer: ["123-123.123.abcd123-debug", "123-123.123.abcd456-debug"],
  },
  {
    kind: "extract",
    source: fluxFilter("TestRegexFilter/valid pattern with capture group (complex regex 2)"),
    policy: "regex:^(?P<tag>123-[0-9]+\\.[0-9]+\\.[a-z0-9]+[^-debug])",
    tags: [
      "123-123.123.abcd123-debug",
      "123-123.123.abcd123",
      "123-123.123.abcd456-debug",
      "123-123.123.abcd456",
    ],
    peer: ["123-123.123.abcd123", "123-123.123.abcd456"],
  },
  {
    kind: "extract",
    source: fluxFilter("TestRegexFilter/valid pattern with capture group (complex regex 3)"),
    policy: "regex:^(?P<tag>123-[0-9]+\\.[0-9]+\\.[a-z0-9]+$)",
    tags: [
      "123-123.123.abcd123-debug",
      "123-123.123.abcd123",
      "123-123.123.abcd456-debug",
      "123-123.123.abcd456",
    ],
    peer: ["123-123.123.abcd123", "123-123.123.abcd456"],
  },

  // ── Flux: what a version is (fluxcd/pkg version.ParseVersion, used by the semver policy) ──
  ...(
    [
      ["v1.2.3", true],
      ["v2025.07.03", true],
      ["v1", false],
      ["v1.2.beta", false],
      ["\nv1.2", false],
      ["v1.2.0-x.Y.0+metadata", true],
      ["v1.2.0-x.Y.0+metadata-width-hypen", true],
      ["v1.2.3-rc1-with-hypen", true],
      ["v1.2.3.4", false],
    ] as const
  ).map(
    ([tag, peer]): VersionCase => ({ kind: "version", source: fluxVersion("TestParseVersion"), tag, peer }),
  ),
  ...["v1.0", "v1.2-5", "v1.2-beta5"].map(
    (tag): VersionCase => ({
      kind: "version",
      source: fluxVersion("TestParseVersion"),
      tag,
      peer: false,
      ours: true,
      why: "twoPart",
    }),
  ),
  {
    kind: "newest",
    source: fluxVersion("TestSort"),
    policy: "range:>= 1.2.0, < 1.3.0",
    tags: [
      "v1.2.0",
      "v1.2.3",
      "v1.3.0",
      "1.2.4",
      "v1.1.0",
      "something-invalid",
      "v1.2.4",
      "another-invalid",
      "1.2.4",
    ],
    // Sort puts "1.2.4" first (stable among the equal 1.2.4, v1.2.4, 1.2.4).
    peer: "1.2.4",
  },

  // ── Argo CD Image Updater: GetNewestVersionFromTags (Test_LatestVersion) ──
  {
    kind: "newest",
    source: argoVersion("Test_LatestVersion/Find the latest version without any constraint"),
    policy: "range:*",
    running: "1.0",
    tags: ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"],
    peer: "2.0.3",
  },
  {
    kind: "newest",
    source: argoVersion("Test_LatestVersion/Find the latest version with a semver constraint on major"),
    policy: "range:^1.0",
    running: "1.0",
    tags: ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"],
    peer: "1.1.2",
  },
  {
    kind: "newest",
    source: argoVersion("Test_LatestVersion/Find the latest version with a semver constraint on patch"),
    policy: "range:~1.0",
    running: "1.0",
    tags: ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"],
    peer: "1.0.1",
  },
  {
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version with a non-semver current tag and semver constraint",
    ),
    policy: "range:^1.0",
    running: "latest",
    tags: ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"],
    peer: "1.1.2",
  },
  {
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version with a non-semver current tag without any constraint",
    ),
    policy: "range:*",
    running: "latest",
    tags: ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"],
    peer: "2.0.3",
  },
  {
    // Argo's semver strategy leaves `latest`; so do ecs-autopilot's semver levels (Keel's rule).
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version with a non-semver current tag without any constraint",
    ),
    policy: "major",
    running: "latest",
    tags: ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"],
    peer: "2.0.3",
  },
  {
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version without any constraint excludes pre-release versions",
    ),
    policy: "range:*",
    running: "v2.2.0",
    tags: ["v2.2.0", "v2.3.0-rc.0.18.g1abb7b5dd-ppc64le"],
    peer: "v2.2.0",
  },
  {
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version with a semver constraint that has no match",
    ),
    policy: "range:~1.0",
    running: "1.0",
    tags: ["0.1", "0.5.1", "0.9", "2.0.3"],
    peer: "1.0",
  },
  {
    kind: "spec",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version with a semver constraint that is invalid",
    ),
    policy: "range:latest",
    peer: false,
  },
  {
    kind: "newest",
    source: argoVersion("Test_LatestVersion/Find the latest version using latest sortmode"),
    policy: "any",
    running: "bb",
    tags: ["zz", "bb", "yy", "cc", "yy", "aa", "ll"],
    peer: "ll",
    pushOrderOnly: true,
  },
  {
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version using semver sortmode with invalid tags returns nil",
    ),
    policy: "range:*",
    running: "bb",
    tags: ["zz", "bb", "yy", "cc", "yy", "aa", "ll"],
    peer: "bb",
  },
  {
    kind: "newest",
    source: argoVersion(
      "Test_LatestVersion/Find the latest version using VersionConstraint StrategyAlphabetical",
    ),
    policy: "order:alphabetical",
    running: "bb",
    tags: ["zz", "bb", "yy", "cc", "yy", "aa", "ll"],
    peer: "zz",
  },
  {
    kind: "decide",
    source: argoVersion("Test_LatestVersion/Find the latest version using VersionConstraint StrategyDigest"),
    policy: "force",
    running: "latest",
    pushed: "latest",
    peer: true,
  },
  {
    kind: "sorted",
    source: argoTag("Test_SortableImageTagList/Sort by semver"),
    policy: "range:*",
    ascending: ["v1.0", "v1.0.1", "v2.0", "v2.0.0", "v2.0.2", "v2.0.3"],
  },
  {
    kind: "sorted",
    source: argoTag("Test_SortableImageTagList/Sort by name"),
    policy: "order:alphabetical",
    ascending: ["alpha", "bazar", "jesus", "wohoo", "zebra"],
  },
  {
    kind: "extract",
    source: argoMatch("Test_MatchFuncRegexp/Test with valid expression"),
    policy: "regex:[a-z]+",
    tags: ["lemon", "31337"],
    peer: ["lemon"],
  },
];
