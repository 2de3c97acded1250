import { describe, expect, it } from "vitest";
import { describeError } from "../../../core/errors.ts";
import { PatternError, TagPattern } from "../../../core/tagPolicy/index.ts";

const thrown = (compile: () => unknown): unknown => {
  try {
    compile();
  } catch (error) {
    return error;
  }
  throw new Error("compiled without an error");
};

/** What a one-wildcard glob captured in `tag`, or undefined when the glob does not match it. */
const captured = (glob: string, tag: string) => TagPattern.glob(glob).match(tag)?.groups[0];

describe("TagPattern", () => {
  it("reads Go-style and JavaScript-style named groups", () => {
    expect(TagPattern.regex("^build-(?P<version>\\d+)$").match("build-42")?.named).toEqual({ version: "42" });
    expect(TagPattern.regex("^build-(?<version>\\d+)$").match("build-42")?.named).toEqual({ version: "42" });
  });

  it("matches anywhere unless anchored, like Go's MatchString", () => {
    expect(TagPattern.regex("ver(\\d+)").match("xver12y")?.groups).toEqual(["12"]);
    expect(TagPattern.regex("^ver(\\d+)$").match("xver12y")).toBeUndefined();
  });

  it("runs a pattern that makes a backtracking engine exponential in linear time", () => {
    // (a+)+$ against a's followed by one other character: JavaScript's engine takes 2^n steps
    // (n = 64 would not finish); RE2 answers by scanning the input once.
    const tag = `${"a".repeat(64)}!`;
    expect(TagPattern.regex("(a+)+$").match(tag)).toBeUndefined();
    expect(TagPattern.regex("^(a+)+!$").match(tag)?.whole).toBe(tag);
  });

  it("refuses what RE2 cannot run, naming the problem", () => {
    expect(() => TagPattern.regex("^(?=v)\\d")).toThrow(PatternError);
    expect(() => TagPattern.regex("(a)\\1")).toThrow("invalid escape sequence");
    expect(() => TagPattern.regex("(")).toThrow("missing closing )");
    expect(() => TagPattern.regex("")).toThrow("empty regular expression");
  });

  it("compiles globs with every wildcard as a capture", () => {
    expect(TagPattern.glob("release-*").match("release-42")?.groups).toEqual(["42"]);
    expect(TagPattern.glob("build-*-*").match("build-7-2026")?.groups).toEqual(["7", "2026"]);
    expect(TagPattern.glob("v?.*").match("v1.10")?.groups).toEqual(["1", "10"]);
    expect(TagPattern.glob("rc[0-9]").match("rc7")?.groups).toEqual(["7"]);
    expect(TagPattern.glob("rc[!0-9]").match("rc7")).toBeUndefined();
    expect(TagPattern.glob("a.b").match("axb")).toBeUndefined();
    expect(TagPattern.glob("a\\*").match("a*")?.groups).toEqual([]);
    expect(TagPattern.glob("release-*").match("hotfix-release-1")).toBeUndefined();
  });

  it("refuses a broken glob", () => {
    expect(() => TagPattern.glob("rc[0-9")).toThrow("unclosed '['");
    expect(() => TagPattern.glob("a\\")).toThrow("trailing '\\'");
  });

  it("refuses a bad pattern with a PatternError of code pattern-invalid naming the pattern and the problem", () => {
    const error = thrown(() => TagPattern.glob("rc[0-9"));
    expect(error).toBeInstanceOf(PatternError);
    expect(error).toMatchObject({
      code: "pattern-invalid",
      name: "PatternError",
      pattern: "rc[0-9",
      problem: "unclosed '[' at position 3",
    });
    expect(describeError(error)).toBe("PatternError: invalid pattern 'rc[0-9': unclosed '[' at position 3");
    expect(() => TagPattern.glob("")).toThrow("invalid pattern '': empty glob");
  });

  it("refuses a glob class RE2 refuses with a PatternError, not RE2's own exception", () => {
    const error = thrown(() => TagPattern.glob("v[9-0]*"));
    expect(error).toBeInstanceOf(PatternError);
    expect(error).toMatchObject({
      pattern: "v[9-0]*",
      problem: "error parsing regexp: invalid character class range: `9-0`",
    });
  });

  it("names a backwards range as RE2 read the class: a '-' at either end escaped, as a member", () => {
    // A '-' first or last is a member (escaped): `[a--]` is the range a to '-', which runs backwards.
    expect(thrown(() => TagPattern.glob("v[a--]"))).toMatchObject({
      problem: "error parsing regexp: invalid character class range: `a-\\-`",
    });
    expect(thrown(() => TagPattern.glob("v[--!]"))).toMatchObject({
      problem: "error parsing regexp: invalid character class range: `\\--\\!`",
    });
  });

  it("reads a run of stars as one wildcard", () => {
    expect(TagPattern.glob("release-**").groupCount).toBe(1);
    expect(TagPattern.glob("release-**").match("release-42")?.groups).toEqual(["42"]);
    expect(TagPattern.glob("a***b-*").match("a-x-b-7")?.groups).toEqual(["-x-", "7"]);
  });

  it("reads a one-member class, and a ']' right after '[', '[!' or '[^' as a member", () => {
    expect(captured("v[1]", "v1")).toBe("1");
    expect(captured("x[]]", "x]")).toBe("]");
    expect(captured("x[]a]", "xa")).toBe("a");
    for (const glob of ["x[!]]", "x[^]]"]) {
      expect(TagPattern.glob(glob).match("x]"), glob).toBeUndefined();
      expect(captured(glob, "xa"), glob).toBe("a");
    }
  });

  it("matches a class's members only, and none of them after '!' or '^'", () => {
    expect(captured("x[ab]", "xa")).toBe("a");
    expect(captured("x[ab]", "xb")).toBe("b");
    expect(TagPattern.glob("x[ab]").match("xe")).toBeUndefined();
    expect(TagPattern.glob("rc[0-9]").match("rca")).toBeUndefined();
    expect(captured("v1[._]2", "v1.2")).toBe(".");
    expect(captured("v1[._]2", "v1_2")).toBe("_");
    expect(TagPattern.glob("v1[._]2").match("v1x2")).toBeUndefined();
    for (const glob of ["x[!a]", "x[^a]"]) {
      expect(TagPattern.glob(glob).match("xa"), glob).toBeUndefined();
      expect(captured(glob, "xb"), glob).toBe("b");
      // The '!' or '^' negates; it is not a member itself.
      expect(captured(glob, `x${glob[2]}`), glob).toBe(glob[2]);
    }
  });

  it("reads '-' between two members as a range, and at either end or escaped as a member", () => {
    expect(captured("x[a-c]", "xb")).toBe("b");
    expect(TagPattern.glob("x[axz]").match("xb")).toBeUndefined();
    for (const glob of ["x[-a]", "x[a-]", "x[a\\-z]"]) {
      expect(captured(glob, "x-"), glob).toBe("-");
      expect(captured(glob, "xa"), glob).toBe("a");
      expect(TagPattern.glob(glob).match("xb"), glob).toBeUndefined();
    }
  });

  it("reads an escaped character in a class as that character, never as an RE2 escape", () => {
    // `\d` in RE2 is any digit; in a glob class it is the letter d.
    expect(captured("v[\\d]", "vd")).toBe("d");
    expect(TagPattern.glob("v[\\d]").match("v7")).toBeUndefined();
    expect(TagPattern.glob("v[\\d]").match("v\\")).toBeUndefined();
    // An escaped ']' is a member and does not close the class.
    expect(captured("x[\\]]", "x]")).toBe("]");
    expect(TagPattern.glob("x[\\]]").match("x\\")).toBeUndefined();
    expect(captured("x[a\\]]", "xa")).toBe("a");
    expect(captured("x[\\\\]", "x\\")).toBe("\\");
  });
});
