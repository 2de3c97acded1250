/**
 * A named group called `__proto__`: the user's
 * regex names it, so its name is a key of the match's groups like any other. Assigned into a
 * plain object, `named["__proto__"] = "12"` set nothing and every tag extracted Object.prototype
 * (`{}`), so `order:numerical:(?P<__proto__>\d+)` compared `{}` with `{}` for every tag.
 */
import { describe, expect, it } from "vitest";
import { parseTagPolicy, TagPattern, type TagPolicy } from "../../../core/tagPolicy/index.ts";

function extractOf(policy: TagPolicy): (tag: string) => readonly string[] | undefined {
  if (policy.kind !== "match") throw new Error(`expected a match policy, got ${policy.kind}`);
  return policy.extract;
}

describe("a named group called like an Object.prototype member", () => {
  it("order:numerical:(?P<__proto__>\\d+) compares the group's digits", () => {
    const extract = extractOf(
      parseTagPolicy("order:numerical:^build-(?P<__proto__>\\d+)$", { from: "config" }),
    );
    expect(extract("build-12")).toEqual(["12"]);
    expect(extract("build-9")).toEqual(["9"]);
    expect(extract("other")).toBeUndefined();
  });

  it("TagPattern keeps a group named __proto__ as its own key", () => {
    const named = TagPattern.regex("^build-(?P<__proto__>\\d+)$").match("build-42")?.named;
    expect(Object.entries(named ?? {})).toEqual([["__proto__", "42"]]);
  });
});
