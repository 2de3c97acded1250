import { describe, expect, it } from "vitest";
import type { BundleFigures } from "../../../bench/bundles.ts";
import { zodBundled } from "../../../bench/report.ts";
import { spread } from "../../../bench/stats.ts";

/** A function's bundle figures with `zodBytes` of zod in its bundle (undefined: not recorded). */
function bundle(fn: string, zodBytes: number | undefined): BundleFigures {
  return {
    fn,
    bytes: 900_000,
    baselineBytes: 700_000,
    clients: ["client-sqs"],
    unusedClients: [],
    initRatio: spread([1.3]),
    initMs: spread([120]),
    baselineInitMs: spread([90]),
    overhead: [],
    tagPolicyBytes: 0,
    ...(zodBytes !== undefined ? { zodBytes } : {}),
  };
}

describe("zodBundled", () => {
  it("gives zod's smallest and largest share of a function's bundle, from the metafile", () => {
    expect(
      zodBundled([bundle("notify", 26_900), bundle("redeploy", 38_600), bundle("schedule", 30_000)]),
    ).toBe(
      "zod is bundled as its mini build (`core/zod.ts`): 26 KiB–38 KiB per function (esbuild metafile).",
    );
  });

  it("gives one figure when every bundle's share prints the same", () => {
    expect(zodBundled([bundle("notify", 26_900), bundle("schedule", 27_100)])).toBe(
      "zod is bundled as its mini build (`core/zod.ts`): 26 KiB per function (esbuild metafile).",
    );
  });

  it("names the functions whose bundle has no zod, leaving them out of the range", () => {
    expect(zodBundled([bundle("notify", 0), bundle("redeploy", 38_600), bundle("schedule", 30_000)])).toBe(
      "zod is bundled as its mini build (`core/zod.ts`): 29 KiB–38 KiB per function (esbuild metafile); notify bundles no zod.",
    );
    expect(zodBundled([bundle("notify", 0), bundle("policy", 0), bundle("schedule", 30_000)])).toBe(
      "zod is bundled as its mini build (`core/zod.ts`): 29 KiB per function (esbuild metafile); notify, policy bundle no zod.",
    );
    expect(zodBundled([bundle("notify", 0), bundle("schedule", 0)])).toBe(
      "No function's bundle has zod (notify, schedule).",
    );
  });

  it("says nothing for a report written before the bench recorded zod's share", () => {
    expect(zodBundled([bundle("notify", undefined), bundle("schedule", 30_000)])).toBe("");
    expect(zodBundled([])).toBe("");
  });
});
