import { describe, expect, it } from "vitest";
import {
  compareNatural,
  compareVersions,
  describeTrack,
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

  it("reads the build metadata, and has no suffix or build field where the tag has none", () => {
    expect(parseVersion("1.4")).toStrictEqual({ original: "1.4", major: 1n, minor: 4n, patch: 0n });
    expect(parseVersion("1.2.3+build.7")).toStrictEqual({
      original: "1.2.3+build.7",
      major: 1n,
      minor: 2n,
      patch: 3n,
      build: "build.7",
    });
    expect(parseVersion("1.2.0-x.Y.0+metadata")).toStrictEqual({
      original: "1.2.0-x.Y.0+metadata",
      major: 1n,
      minor: 2n,
      patch: 0n,
      suffix: "x.Y.0",
      build: "metadata",
    });
  });

  it("orders suffixes past equal numbers, numbers before text, and a suffix before what extends it", () => {
    // Equal numbers in the suffix decide nothing: the next part does.
    expect(compareVersions(v("1.5.0-rc.1.2"), v("1.5.0-rc.1.10"))).toBe(-1);
    expect(compareVersions(v("1.5.0-rc.1.10"), v("1.5.0-rc.1.2"))).toBe(1);
    expect(compareVersions(v("1.5.0-1"), v("1.5.0-a"))).toBe(-1);
    expect(compareVersions(v("1.5.0-a"), v("1.5.0-1"))).toBe(1);
    expect(compareVersions(v("1.5.0-rc"), v("1.5.0-rc1"))).toBe(-1);
    expect(compareVersions(v("1.5.0-rc1"), v("1.5.0-rc"))).toBe(1);
    expect(compareVersions(v("1.5.0-rc.1"), v("1.5.0-rc.01"))).toBe(0);
  });

  it("orders what wildcards captured: a number before any text, the empty capture first, equal numbers by their text", () => {
    // A number before text even where the text sorts below digits byte by byte ('-' < '0').
    expect(compareNatural("9", "-x")).toBe(-1);
    expect(compareNatural("-x", "9")).toBe(1);
    // `release-*` matches `release-` with an empty capture: before anything, equal only to itself.
    expect(compareNatural("", "1")).toBe(-1);
    expect(compareNatural("1", "")).toBe(1);
    expect(compareNatural("", "")).toBe(0);
    // Equal numbers written differently: a total order, by the plain text.
    expect(compareNatural("01", "1")).toBe(-1);
    expect(compareNatural("1", "01")).toBe(1);
  });

  it("reads alpha, beta or rc as a pre-release only at the start of the suffix", () => {
    expect(suffixTrack(v("8.0.1-debian-rc1"))).toBe("debian-rcN");
    expect(suffixTrack(v("8.0.1-xbeta"))).toBe("xbeta");
  });

  it("describes a track as a reason reads it", () => {
    expect(describeTrack("")).toBe("releases (no suffix)");
    expect(describeTrack("lsN")).toBe("-lsN");
    expect(describeTrack(PRE_RELEASE_TRACK)).toBe("pre-release (alpha, beta, rc)");
  });
});
