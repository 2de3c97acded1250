import fc from "fast-check";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { compileNameGlob, matchesGlob } from "../../../core/config/index.ts";
import { PatternError } from "../../../core/tagPolicy/index.ts";

/** The matcher these globs were evaluated with before (picomatch 4, `bash: true, dot: true`). */
const picomatchSays = (name: string, glob: string) =>
  picomatch.isMatch(name, glob, { bash: true, dot: true });

/** Names as ECS, ECR and registries spell them: no empty, `.` or `..` segment, no trailing dot. */
const realistic = (name: string) =>
  !name
    .split("/")
    .some((segment) => segment === "" || segment === "." || segment === ".." || segment.endsWith("."));

describe("config name globs", () => {
  it.each([
    ["shop/web", "shop/*", true],
    ["shop/team/web", "shop/*", true],
    ["prod-eu", "prod-*", true],
    ["prod-", "prod-*", true],
    ["staging-eu", "prod-*", false],
    ["web", "?eb", true],
    ["a/b", "a?b", true],
    ["prod-eu-1", "prod-{eu,us}-*", true],
    ["prod-ap-1", "prod-{eu,us}-*", false],
    ["web-7", "web-[0-9]", true],
    ["web-x", "web-[!0-9]", true],
    ["web-7", "web-[!0-9]", false],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com", "*.dkr.ecr.*.amazonaws.com", true],
    ["ghcr.io", "*.dkr.ecr.*.amazonaws.com", false],
    ["gcr.io/distroless/static", "gcr.io/distroless/*", true],
    ["web", "**/web", true],
    ["shop/team/web", "**/web", true],
    ["shop", "shop/**", true],
    ["shop/a/b", "shop/**", true],
    ["a/b", "a/**/b", true],
    ["a*", "a\\*", true],
    ["ab", "a\\*", false],
    ["Prod", "prod", false],
    // `**` is a globstar only as a whole path segment; elsewhere it is `*`.
    ["ab", "a**/b", false],
    ["a/b", "a**/b", true],
    ["a/x/y/b", "a/**/b", true],
    ["web", "***/web", false],
    ["x/web", "***/web", true],
    ["shop", "shop/**x", false],
    ["shop/ax", "shop/**x", true],
    ["shopx", "shop/**", false],
    ["shop", "shop/*x", false],
    ["shop/ax", "shop/*x", true],
    // A `]` first in a class is a member; `\` escapes in a class, a letter stays that letter.
    ["]", "[]a]", true],
    ["b", "[]a]", false],
    ["b", "[!]a]", true],
    ["]", "[!]a]", false],
    ["b", "[^]a]", true],
    ["]", "[^]a]", false],
    ["]", "[\\]]", true],
    ["d", "[\\d]", true],
    ["1", "[\\d]", false],
    // An escaped `^` first in a class is a member, not a negation.
    ["^", "[\\^a]", true],
    ["b", "[\\^a]", false],
    // A `-` first or last in a class is a member, not a range.
    ["-", "[a-]", true],
    ["b", "[a-]", false],
    ["-", "[-a]", true],
    // An escaped `-` is a member, never a range (from `\` to `a` would take in `_`).
    ["-", "[\\-a]", true],
    ["_", "[\\-a]", false],
    // Members of a class are the characters listed, a range only across a `-`.
    ["web-a", "web-[0-9]", false],
    ["web-d", "web-[ace]", false],
    ["!", "[!a]", true],
    [".", "[.]", true],
    ["x", "[.]", false],
    // `,` and `}` outside braces are themselves.
    ["a,b", "a,b", true],
    ["a}", "a}", true],
  ])("matches %j against %j: %s", (name, glob, expected) => {
    expect(matchesGlob(name, glob)).toBe(expected);
    // matchesGlob answers a glob it has seen from its cache: the matcher compiled afresh says the same.
    expect(compileNameGlob(glob).testExact(name)).toBe(expected);
  });

  it("matches a thing without a name by no glob", () => {
    expect(matchesGlob("", "*")).toBe(false);
    expect(matchesGlob("", "**")).toBe(false);
  });

  it("says what picomatch said on wildcards, braces and path separators (the semantics kept)", () => {
    const token = fc.constantFrom("a", "b", "/", "-", ".", "*", "{a,b/}", "{,a}", "\\*");
    const glob = fc
      .array(token, { minLength: 1, maxLength: 6 })
      .map((tokens) => tokens.join(""))
      // picomatch reads `**` as a globstar (tested above) and strips a leading `./`.
      .filter((g) => !g.startsWith("./") && !g.includes("**"));
    const name = fc
      .array(fc.constantFrom("a", "b", "/", "-", ".", "c", "*"), { minLength: 1, maxLength: 10 })
      .map((chars) => chars.join(""))
      .filter(realistic);
    fc.assert(
      fc.property(glob, name, (g, n) => matchesGlob(n, g) === picomatchSays(n, g)),
      { numRuns: 3000 },
    );
  });

  it("says what picomatch said on ? and character classes within a path segment", () => {
    const token = fc.constantFrom("a", "b", "-", ".", "*", "?", "[ab]", "[^a]", "[a-c]", "{a,b}");
    const glob = fc.array(token, { minLength: 1, maxLength: 6 }).map((tokens) => tokens.join(""));
    const name = fc
      .array(fc.constantFrom("a", "b", "-", ".", "c"), { minLength: 1, maxLength: 10 })
      .map((chars) => chars.join(""))
      .filter(realistic);
    fc.assert(
      fc.property(glob, name, (g, n) => matchesGlob(n, g) === picomatchSays(n, g)),
      { numRuns: 3000 },
    );
  });

  it("differs from picomatch where picomatch contradicted the documented meaning", () => {
    // Documented: `?` is one character; picomatch never let it match `/`.
    expect(matchesGlob("a/b", "a?b")).toBe(true);
    expect(picomatchSays("a/b", "a?b")).toBe(false);
    // Documented: `[!a]` is one character other than `a`; picomatch 4 in bash mode got it backwards.
    expect(matchesGlob("ab", "a[!a]")).toBe(true);
    expect(matchesGlob("aa", "a[!a]")).toBe(false);
    expect(picomatchSays("aa", "a[!a]")).toBe(true);
  });

  it("answers a glob that made the backtracking matcher take 17 s at once, whatever the name's length", () => {
    // picomatch compiled this to a JavaScript regular expression that backtracks: 50 a's took 17 s
    // (issue 11), and each further character multiplies it. RE2 scans the name once.
    const hostile = "*a*a*a*a*a*a*a*a*b";
    expect(matchesGlob("a".repeat(50), hostile)).toBe(false);
    expect(matchesGlob("a".repeat(100_000), hostile)).toBe(false);
    expect(matchesGlob(`${"a".repeat(100_000)}b`, hostile)).toBe(true);
  });

  it.each([
    ["[a-", "unclosed '[' at position 1"],
    ["prod-{eu", "unclosed '{'"],
    ["prod\\", "trailing '\\' escapes nothing"],
    ["!staging", "a leading '!' (negation) is not supported"],
    [
      "@(web|api)",
      "extended globs such as '@(…)' are not supported; use '*' any run of characters ('/' included), '?' one character, '[a-z]' or '[!a-z]', '{a,b}', '\\' escapes",
    ],
    ["+(web)", "extended globs such as '+(…)' are not supported"],
    ["web-*(x)", "extended globs such as '*(…)' are not supported"],
    ["web?(x)", "extended globs such as '?(…)' are not supported"],
    ["web!(x)", "extended globs such as '!(…)' are not supported"],
    ["web-[z-a]", "invalid character class range"],
    ["", "empty glob"],
  ])("refuses %j, naming the problem", (glob, problem) => {
    expect(() => compileNameGlob(glob)).toThrow(PatternError);
    expect(() => compileNameGlob(glob)).toThrow(problem);
    expect(() => matchesGlob("web", glob)).toThrow(PatternError);
  });

  it("compiles any text to a matcher or a PatternError, never another error", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (glob) => {
        try {
          compileNameGlob(glob);
        } catch (error) {
          expect(error).toBeInstanceOf(PatternError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
