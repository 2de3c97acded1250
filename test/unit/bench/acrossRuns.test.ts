import { describe, expect, it } from "vitest";
import { acrossRuns, relativeRange, type TimedRun } from "../../../bench/acrossRuns.ts";
import type { BundleFigures } from "../../../bench/bundles.ts";
import { commandName } from "../../../bench/otherWork.ts";
import { spread } from "../../../bench/stats.ts";
import type { Throughput } from "../../../bench/throughput.ts";

/** A function's cold-start figures whose within-run medians are `ratio` and `ms`. */
function figures(fn: string, ratio: number, ms: number): BundleFigures {
  return {
    fn,
    bytes: 1000,
    baselineBytes: 600,
    clients: ["client-sqs"],
    unusedClients: [],
    initRatio: spread([ratio - 0.1, ratio, ratio + 0.2]),
    initMs: spread([ms, ms, ms + 10]),
    baselineInitMs: spread([ms / ratio]),
    overhead: [],
    tagPolicyBytes: 0,
  };
}

function row(input: string, perSecond: number, overCopy: number): Throughput {
  return { part: "planner", input, perSecond: spread([perSecond]), overCopy: spread([overCopy]) };
}

function run(started: string, fns: BundleFigures[], rows: Throughput[], tagPolicy = 1.05): TimedRun {
  return {
    measured: "timed figures",
    started,
    minutes: 2,
    loadAverageAtStart: [2.1, 2, 1.9],
    loadAverageAtEnd: [2.5, 2.1, 1.9],
    otherWorkAtStart: { cores: 1.9, busiest: [{ command: "@stryker-mutator/core", cores: 1.8 }] },
    otherWorkAtEnd: { cores: 0.2, busiest: [] },
    bundles: { functions: fns, tagPolicy: { bytes: 10, initRatio: spread([tagPolicy]) } },
    throughput: { corpus: "/corpus", rows },
  };
}

describe("acrossRuns", () => {
  const runs = [
    run(
      "2026-11-27T10:00:00.000Z",
      [figures("notify", 1.9, 120), figures("redeploy", 1.6, 140)],
      [row("10 services", 1000, 1.6)],
    ),
    run(
      "2026-11-27T10:05:00.000Z",
      [figures("notify", 1.7, 110), figures("redeploy", 1.65, 150)],
      [row("10 services", 1200, 1.5)],
    ),
    run(
      "2026-11-27T10:07:00.000Z",
      [figures("notify", 2.1, 130), figures("redeploy", 1.55, 145)],
      [row("10 services", 900, 1.9)],
      1.2,
    ),
  ];

  it("gives each timed figure the median and min–max of the runs' medians, in run order", () => {
    const a = acrossRuns(runs);
    expect(a.coldStart.find((c) => c.fn === "notify")).toEqual({
      fn: "notify",
      initRatio: { min: 1.7, median: 1.9, max: 2.1, n: 3, perRun: [1.9, 1.7, 2.1] },
      initMs: { min: 110, median: 120, max: 130, n: 3, perRun: [120, 110, 130] },
    });
    expect(a.coldStart.find((c) => c.fn === "redeploy")?.initRatio.median).toBe(1.6);
    expect(a.tagPolicyInitRatio).toEqual({
      min: 1.05,
      median: 1.05,
      max: 1.2,
      n: 3,
      perRun: [1.05, 1.05, 1.2],
    });
    expect(a.throughput).toEqual([
      {
        part: "planner",
        input: "10 services",
        perSecond: { min: 900, median: 1000, max: 1200, n: 3, perRun: [1000, 1200, 900] },
        overCopy: { min: 1.5, median: 1.6, max: 1.9, n: 3, perRun: [1.6, 1.5, 1.9] },
      },
    ]);
  });

  it("numbers the runs and keeps when they ran and on what load, without their figures", () => {
    const a = acrossRuns(runs);
    expect(a.runs.map((r) => [r.run, r.started])).toEqual([
      [1, "2026-11-27T10:00:00.000Z"],
      [2, "2026-11-27T10:05:00.000Z"],
      [3, "2026-11-27T10:07:00.000Z"],
    ]);
    expect(a.runs[0]?.otherWorkAtStart.busiest[0]?.command).toBe("@stryker-mutator/core");
    expect(a.runs[0]).not.toHaveProperty("bundles");
    expect(a.runs[0]).not.toHaveProperty("throughput");
  });

  it("refuses runs that timed different functions or throughput rows", () => {
    const fewer = run("2026-11-27T10:09:00.000Z", [figures("notify", 1.8, 120)], [row("10 services", 1, 1)]);
    expect(() => acrossRuns([...runs, fewer])).toThrow(
      /run 4 timed the functions notify; run 1 timed notify, redeploy/,
    );
    const otherRow = run(
      "2026-11-27T10:09:00.000Z",
      [figures("notify", 1.8, 120), figures("redeploy", 1.6, 140)],
      [row("20 services", 1, 1)],
    );
    expect(() => acrossRuns([...runs, otherRow])).toThrow(
      /run 4 timed the throughput rows \[planner \| 20 services\]/,
    );
    expect(() => acrossRuns([])).toThrow(/no runs/);
  });

  it("measures a spread as its range over its median", () => {
    expect(relativeRange({ min: 1.5, median: 1.6, max: 1.9, n: 3 })).toBeCloseTo(0.25);
    expect(relativeRange({ min: 0, median: 0, max: 0, n: 1 })).toBe(0);
  });
});

describe("commandName", () => {
  it("names a process by the package of the script it runs, else by the script or the program", () => {
    expect(
      commandName([
        "/w/node_modules/node/bin/node",
        "/w/node_modules/@stryker-mutator/core/dist/src/child-proxy/child-process-proxy-worker.js",
      ]),
    ).toBe("@stryker-mutator/core");
    expect(commandName(["node", "/work/main/node_modules/.bin/tsc", "--noEmit", "-p", "."])).toBe("tsc");
    expect(
      commandName([
        "/w/node_modules/node/bin/node",
        "--require",
        "/w/node_modules/tsx/dist/preflight.cjs",
        "--import",
        "file:///w/node_modules/tsx/dist/loader.mjs",
        "test/faults/runScale.ts",
      ]),
    ).toBe("runScale.ts");
    expect(
      commandName([
        "/root/.pyenv/versions/3.11.7/bin/python",
        "/root/.pyenv/versions/3.11.7/bin/moto_server",
        "-H",
        "127.0.0.1",
      ]),
    ).toBe("moto_server");
    expect(commandName(["stryker"])).toBe("stryker");
  });
});
