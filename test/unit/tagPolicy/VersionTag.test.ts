import { describe, expect, it } from "vitest";
import {
  compareNatural,
  compareVersions,
  PRE_RELEASE_TRACK,
  parseVersion,
  suffixTrack,
} from "../../../core/tagPolicy/index.ts";

const v = (tag: string) => {
  const parsed = parseVersion(tag);
  if (!parsed) throw new Error(`${tag} is not a version`);
  return parsed;
};

describe("VersionTag", () => {
  it.each([
    ["1.4", "1.4.0", undefined],
    ["v1.4.5", "1.4.5", undefined],
    ["v2025.07.03", "2025.7.3", undefined],
    ["1.4.5-alpine", "1.4.5", "alpine"],
    ["7.9.1-1-ubi8", "7.9.1", "1-ubi8"],
    ["1.2.0-x.Y.0+metadata", "1.2.0", "x.Y.0"],
  ])("reads %s as %s with suffix %s", (tag, core, suffix) => {
    const parsed = v(tag);
    expect(`${parsed.major}.${parsed.minor}.${parsed.patch}`).toBe(core);
    expect(parsed.suffix).toBe(suffix);
  });

  it.each(["latest", "3050", "1.27.0.0", "v1", "b1.2.3", "1.2.beta", "1.0.0p", "1.2.3-", "V1.2.3"])(
    "does not read %s as a version",
    (tag) => {
      expect(parseVersion(tag)).toBeUndefined();
    },
  );

  it("orders releases after their own pre-releases and suffixes naturally", () => {
    expect(compareVersions(v("1.5.0"), v("1.5.0-rc.1"))).toBe(1);
    expect(compareVersions(v("1.5.0-rc.2"), v("1.5.0-rc.10"))).toBe(-1);
    expect(compareVersions(v("4.0.1-ls9"), v("4.0.1-ls10"))).toBe(-1);
    expect(compareVersions(v("1.4"), v("v1.4.0"))).toBe(0);
    expect(compareVersions(v("2025.07.03"), v("2025.7.3"))).toBe(0);
    expect(compareVersions(v("1.10.0"), v("1.9.9"))).toBe(1);
  });

  it("puts numbers before text and prefixes before what extends them", () => {
    expect(compareNatural("release-9", "release-10")).toBe(-1);
    expect(compareNatural("1", "alpha")).toBe(-1);
    expect(compareNatural("rc", "rc1")).toBe(-1);
    expect(compareNatural("01", "1")).not.toBe(0);
  });

  it("names the suffix track by the suffix's shape", () => {
    expect(suffixTrack(v("1.4.5"))).toBe("");
    expect(suffixTrack(v("1.4.5-alpine3.19"))).toBe("alpineN.N");
    expect(suffixTrack(v("4.0.1-ls45"))).toBe("lsN");
    for (const tag of ["1.5.0-rc.1", "1.5.0-rc1", "1.5.0-RC1", "1.5.0-beta", "1.5.0-alpha.2.1"])
      expect(suffixTrack(v(tag)), tag).toBe(PRE_RELEASE_TRACK);
    expect(suffixTrack(v("2.3.0-rc.0.18.g1abb7b5dd-ppc64le"))).toBe("rc.N.N.gNabbNbNdd-ppcNle");
  });
});
