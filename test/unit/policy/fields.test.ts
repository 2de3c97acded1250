/**
 * The field readers every rule uses (core/policy/fields.ts): what is an object, a text, a flag.
 * The rules' decisions on them are held by the rule tests; these hold the cases no rule input of
 * today reaches (an array where an object is expected, a number where a text is).
 */
import { describe, expect, it } from "vitest";
import { flag, isObject, isWindows, lastName, text } from "../../../core/policy/fields.ts";
import { Unknown } from "../../../core/policy/types.ts";

describe("policy field readers", () => {
  it("an object is a JSON object: not a list, null or an unknown value", () => {
    expect(isObject({ name: "app" })).toBe(true);
    for (const value of [[], [{ name: "app" }], null, undefined, "app", new Unknown("var.x")])
      expect(isObject(value), String(value)).toBe(false);
  });

  it("a text is a string, or a number written out (a revision, a CPU size)", () => {
    expect(text("256")).toBe("256");
    expect(text(3)).toBe("3");
    for (const value of [true, null, undefined, { value: "x" }, new Unknown("var.x")])
      expect(text(value), String(value)).toBeUndefined();
  });

  it("a flag is a boolean, or the template strings 'true' and 'false'", () => {
    expect([flag(true), flag("true"), flag(false), flag("false")]).toEqual([true, true, false, false]);
    for (const value of ["TRUE", "yes", 1, null, undefined])
      expect(flag(value), String(value)).toBeUndefined();
  });

  it("Windows is an operating system family starting with WINDOWS; no runtimePlatform is Linux", () => {
    expect(isWindows({ runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" } })).toBe(true);
    expect(isWindows({ runtimePlatform: { operatingSystemFamily: "LINUX" } })).toBe(false);
    expect(isWindows({})).toBe(false);
  });

  it("the last name of an ARN or a name", () => {
    expect(lastName("arn:aws:ecs:eu-west-1:123456789012:cluster/prod")).toBe("prod");
    expect(lastName("prod")).toBe("prod");
  });
});
