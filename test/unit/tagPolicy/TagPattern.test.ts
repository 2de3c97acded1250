import { describe, expect, it } from "vitest";
import { PatternError, TagPattern } from "../../../core/tagPolicy/index.ts";

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
});
