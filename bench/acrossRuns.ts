/**
 * The timed figures of several whole runs of the bench, side by side: for each figure the median
 * of the per-run medians and their min–max. Within a run, each timing is already the median of
 * interleaved pairs or rounds; this says whether another run, at another moment and load, gives
 * the same median.
 */
import type { BundleFigures, TagPolicyShare } from "./bundles.ts";
import type { OtherWork } from "./otherWork.ts";
import { type Spread, spread } from "./stats.ts";
import type { Throughput } from "./throughput.ts";

/** When a run ran, what it measured, and on what load. */
export interface RunRecord {
  /** 1 for the run whose figures fill the rest of the report. */
  readonly run: number;
  /** `everything` (run 1) or `timed figures` (the repeats: cold start and throughput only). */
  readonly measured: "everything" | "timed figures";
  /** ISO time of the run's start. */
  readonly started: string;
  readonly minutes: number;
  /** `uptime`'s load averages (1, 5, 15 minutes). */
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
  readonly otherWorkAtStart: OtherWork;
  readonly otherWorkAtEnd: OtherWork;
}

/** One whole run's record and its timed figures. */
export interface TimedRun extends Omit<RunRecord, "run"> {
  readonly bundles: { readonly functions: readonly BundleFigures[]; readonly tagPolicy: TagPolicyShare };
  readonly throughput: { readonly corpus: string; readonly rows: readonly Throughput[] };
}

/** Spread of one figure's per-run medians; `perRun` in run order (run 1 first). */
export interface RunsSpread extends Spread {
  readonly perRun: readonly number[];
}

export interface AcrossRuns {
  readonly runs: readonly RunRecord[];
  readonly coldStart: readonly {
    readonly fn: string;
    /** Median init ratio of each run (function over its baseline). */
    readonly initRatio: RunsSpread;
    /** Median init time of each run (ms, this machine). */
    readonly initMs: RunsSpread;
  }[];
  /** Median init ratio of each run of the tag-policy libraries over the redeploy baseline. */
  readonly tagPolicyInitRatio: RunsSpread;
  readonly throughput: readonly {
    readonly part: string;
    readonly input: string;
    readonly perSecond: RunsSpread;
    readonly overCopy: RunsSpread;
  }[];
}

function runsSpread(perRun: readonly number[]): RunsSpread {
  return { ...spread(perRun), perRun: [...perRun] };
}

const key = (t: Throughput) => `${t.part} | ${t.input}`;

/**
 * Combines whole runs (run 1 first) into the spread of each timed figure's per-run medians.
 * Every run must have measured the same functions and the same throughput rows, or it throws:
 * medians of different things are not a spread.
 *
 * @example
 *   acrossRuns([first, second, third]).coldStart[0].initRatio // { min: 1.55, median: 1.6, max: 1.66, n: 3, perRun: [1.6, 1.55, 1.66] }
 */
export function acrossRuns(runs: readonly TimedRun[]): AcrossRuns {
  const [first] = runs;
  if (!first) throw new Error("no runs to combine");
  const fns = first.bundles.functions.map((b) => b.fn);
  const rows = first.throughput.rows.map(key);
  for (const [i, run] of runs.entries()) {
    const theseFns = run.bundles.functions.map((b) => b.fn);
    if (theseFns.join() !== fns.join())
      throw new Error(
        `run ${i + 1} timed the functions ${theseFns.join(", ")}; run 1 timed ${fns.join(", ")}`,
      );
    const theseRows = run.throughput.rows.map(key);
    if (theseRows.join("\n") !== rows.join("\n"))
      throw new Error(
        `run ${i + 1} timed the throughput rows [${theseRows.join("; ")}]; run 1 timed [${rows.join("; ")}]`,
      );
  }
  const perRun = <T>(pick: (run: TimedRun) => T) => runs.map(pick);
  return {
    runs: runs.map(({ bundles: _b, throughput: _t, ...record }, i) => ({ run: i + 1, ...record })),
    coldStart: fns.map((fn, f) => {
      const of = (run: TimedRun) => run.bundles.functions[f] as BundleFigures;
      return {
        fn,
        initRatio: runsSpread(perRun((r) => of(r).initRatio.median)),
        initMs: runsSpread(perRun((r) => of(r).initMs.median)),
      };
    }),
    tagPolicyInitRatio: runsSpread(perRun((r) => r.bundles.tagPolicy.initRatio.median)),
    throughput: first.throughput.rows.map((row, t) => {
      const of = (run: TimedRun) => run.throughput.rows[t] as Throughput;
      return {
        part: row.part,
        input: row.input,
        perSecond: runsSpread(perRun((r) => of(r).perSecond.median)),
        overCopy: runsSpread(perRun((r) => of(r).overCopy.median)),
      };
    }),
  };
}

/** (max − min) ÷ median: how far apart the runs' medians lie, as a share of their median. */
export function relativeRange(s: Spread): number {
  return s.median === 0 ? 0 : (s.max - s.min) / s.median;
}
