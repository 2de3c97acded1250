/** A partial scale run (`--only`) replaces its jobs' figures in docs/reliability.md and keeps the rest. */
import { describe, expect, it } from "vitest";
import { mergeScaleSection, RERUN_NOTE } from "./scaleSection.ts";

const CURRENT = [
  "## Scale run",
  "",
  "Measured 2026-11-26 on `e395b50`: 2000 services.",
  "",
  "### service-index-resync (rate(6 hours))",
  "",
  "- **31.0 s** wall time",
  "",
  "### schedule-reconcile (rate(15 minutes)): first reconcile",
  "",
  "- **402.5 s** wall time",
  "",
  "### schedule-reconcile: the next reconcile, nothing to change",
  "",
  "- **29.6 s** wall time",
  "",
  "### rightsize-weekly (cron(0 7 ? * MON *)): the analysis",
  "",
  "- **770.1 s** wall time, timed-out",
].join("\n");

describe("mergeScaleSection", () => {
  it("replaces the rerun job's subsection in place and keeps every other job's figures verbatim", () => {
    const merged = mergeScaleSection(
      CURRENT,
      "### rightsize-weekly (cron(0 7 ? * MON *)): the analysis\n\n- Measured 2026-11-27 on `abc1234` in a run of its own\n- **95.0 s** wall time, returned",
    );
    expect(merged).not.toContain("770.1 s");
    expect(merged).toContain("**95.0 s** wall time, returned");
    for (const kept of ["**31.0 s**", "**402.5 s**", "**29.6 s**", "Measured 2026-11-26 on `e395b50`"])
      expect(merged).toContain(kept);
    expect(merged.indexOf("### rightsize-weekly")).toBeGreaterThan(merged.indexOf("the next reconcile"));
    expect(merged.match(/### /g)).toHaveLength(4);
    expect(merged).toContain(RERUN_NOTE);
  });

  it("replaces both schedule subsections by the rerun's two, at the first one's place", () => {
    const merged = mergeScaleSection(
      CURRENT,
      "### schedule-reconcile (rate(15 minutes)): first reconcile\n\n- **300.0 s**\n\n### schedule-reconcile: the next reconcile, nothing to change\n\n- **20.0 s**",
    );
    expect(merged).not.toContain("402.5 s");
    expect(merged).not.toContain("29.6 s");
    const headings = [...merged.matchAll(/^### (\S+)/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      "service-index-resync",
      "schedule-reconcile",
      "schedule-reconcile:",
      "rightsize-weekly",
    ]);
    expect(merged.indexOf("**300.0 s**")).toBeLessThan(merged.indexOf("**20.0 s**"));
  });

  it("appends a job the section did not have, and says the rerun note once", () => {
    const once = mergeScaleSection(CURRENT, "### monitor-agent-sweep (rate(5 minutes))\n\n- **0.5 s**");
    const twice = mergeScaleSection(once, "### monitor-agent-sweep (rate(5 minutes))\n\n- **0.7 s**");
    expect(twice.trimEnd().endsWith("- **0.7 s**")).toBe(true);
    expect(twice).not.toContain("**0.5 s**");
    expect(twice.split(RERUN_NOTE)).toHaveLength(2);
    expect(twice.match(/### /g)).toHaveLength(5);
  });
});
