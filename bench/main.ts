/**
 * `npm run bench`: every figure of ecs-autopilot's performance beside its baseline, measured in
 * the same run. Writes docs/benchmarks.md and reports/bench.json; `-- --json` prints the JSON.
 *
 *   npm run bench                      the full run (up to 5,000 services; tens of minutes)
 *   npm run bench -- --instructions    also count instructions under callgrind (noise-free cold start)
 *   npm run bench -- --smoke           a small run for CI (seconds): same code, small sizes,
 *                                      writes reports/bench-smoke.{md,json}, never docs/
 *   npm run bench -- --runs 5          the full run, then the timed figures (cold start, throughput) 4
 *                                      times more, each in a fresh Node process: the doc gives each
 *                                      timed figure's median and min–max over the 5 runs' medians
 *   npm run bench -- --render          docs/benchmarks.md again from reports/bench.json (no measuring)
 *
 * `--timings-only` is how `--runs` starts a repeat: it measures the timed figures and prints them
 * as JSON on stdout, writing nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { version as esbuildVersion } from "esbuild";
import { startMotoServer, useMotoEnvironment } from "../scripts/moto-server.ts";
import { acrossRuns, type TimedRun } from "./acrossRuns.ts";
import { lambdaEntries, measureBundles } from "./bundles.ts";
import { monthlyBills, RATES } from "./cost.ts";
import { eventCalls } from "./eventCalls.ts";
import { metricsCalls } from "./metricsCalls.ts";
import { otherWork } from "./otherWork.ts";
import { PRICES } from "./prices.ts";
import { pushCalls } from "./pushCalls.ts";
import { type BenchReport, renderMarkdown } from "./report.ts";
import type { VolumeResult } from "./rightsizeVolume.ts";
import { scheduleCalls } from "./scheduleCalls.ts";
import { throughput } from "./throughput.ts";

const REGION = "eu-west-1";
const ROOT = resolve(import.meta.dirname, "..");

const argv = process.argv.slice(2);
const args = new Set(argv);
const smoke = args.has("--smoke");
/** The bench's first process: what `otherWork` leaves out, with every process it starts. */
const ROOT_PID = Number(process.env.BENCH_ROOT_PID) || process.pid;
const log = (line: string) =>
  process.stderr.write(`bench${process.env.BENCH_RUN ? ` (run ${process.env.BENCH_RUN})` : ""}: ${line}\n`);

/** A command line the bench cannot act on: said in one line, exit code 2, nothing measured. */
function usage(problem: string): never {
  process.stderr.write(`bench: ${problem}\n`);
  process.exit(2);
}

/** `--runs N` or `--runs=N`: whole runs of the timed figures, 1 when absent. */
function runsWanted(): number {
  const at = argv.findIndex((a) => a === "--runs" || a.startsWith("--runs="));
  if (at < 0) return 1;
  const arg = argv[at] as string;
  const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[at + 1];
  if (value === undefined || !/^[1-9]\d*$/.test(value))
    usage(
      `--runs wants a whole number of runs, 1 or more; got ${value === undefined ? "nothing" : `"${value}"`}`,
    );
  if (args.has("--timings-only")) usage("--runs and --timings-only do not go together");
  return Number(value);
}
const PLAN = smoke
  ? {
      pushSizes: [10, 50],
      metricsSizes: [10, 50],
      scheduleSizes: [20, 40],
      costSizes: [50, 500, 5000],
      functions: ["notify", "schedule"],
      pairs: 1,
      throughput: {
        rounds: 1,
        minMs: 2,
        plannerServices: [10],
        syntheticDefinitions: 50,
        scheduleServices: 20,
        planResources: 200,
      },
    }
  : {
      pushSizes: [10, 100, 1000, 5000],
      metricsSizes: [10, 100, 1000, 5000],
      scheduleSizes: [100, 500, 1000, 2000],
      costSizes: [50, 500, 5000],
      functions: lambdaEntries(),
      pairs: 7,
      throughput: {
        rounds: 7,
        minMs: 200,
        plannerServices: [10, 200, 2000],
        syntheticDefinitions: 10_000,
        scheduleServices: 2000,
        planResources: 40_000,
      },
    };

function tool(command: string, argv: string[]): string {
  try {
    return execFileSync(command, argv, { stdio: ["ignore", "pipe", "pipe"] })
      .toString()
      .trim()
      .split("\n")[0] as string;
  } catch {
    return "unknown";
  }
}

const rounded = (loads: readonly number[]) => loads.map((l) => Math.round(l * 10) / 10);
const minutesSince = (started: number) => Math.round((Date.now() - started) / 6000) / 10;

/** The figures that are timings: cold start (and its what-ifs) and the throughput of the pure parts. */
async function timedFigures(profile: boolean): Promise<Pick<TimedRun, "bundles" | "throughput">> {
  log(`cold start of ${PLAN.functions.length} functions, ${PLAN.pairs} interleaved pairs each`);
  const bundles = await measureBundles(PLAN.functions, {
    pairs: PLAN.pairs,
    instructions: profile && args.has("--instructions"),
    profile,
  });
  log("throughput of the pure parts");
  return { bundles, throughput: await throughput(PLAN.throughput) };
}

/** `--timings-only`: one repeat of the timed figures, with when and on what load, as JSON on stdout. */
async function timingsOnly(): Promise<void> {
  const started = Date.now();
  const loadAverageAtStart = rounded(loadavg());
  const otherWorkAtStart = await otherWork(ROOT_PID);
  const figures = await timedFigures(false);
  const run: TimedRun = {
    measured: "timed figures",
    started: new Date(started).toISOString(),
    minutes: minutesSince(started),
    loadAverageAtStart,
    loadAverageAtEnd: rounded(loadavg()),
    otherWorkAtStart,
    otherWorkAtEnd: await otherWork(ROOT_PID),
    ...figures,
  };
  process.stdout.write(JSON.stringify(run));
}

/** One repeat in a fresh Node process (same loader flags), so that no JIT state carries over from the runs before. */
function timedRunAlone(run: number, of: number): TimedRun {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, resolve(ROOT, "bench", "main.ts"), "--timings-only", ...(smoke ? ["--smoke"] : [])],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_ROOT_PID: String(ROOT_PID), BENCH_RUN: `${run} of ${of}` },
      maxBuffer: 64 * 2 ** 20,
    },
  ).toString();
  return JSON.parse(out) as TimedRun;
}

function packageVersion(name: string): string {
  return (
    JSON.parse(readFileSync(resolve(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}

async function main(): Promise<void> {
  if (args.has("--render")) {
    const report = JSON.parse(readFileSync(resolve(ROOT, "reports", "bench.json"), "utf8")) as BenchReport;
    writeFileSync(resolve(ROOT, "docs", "benchmarks.md"), renderMarkdown(report));
    return;
  }
  const runs = runsWanted();
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  if (args.has("--timings-only")) return timingsOnly();
  const started = Date.now();
  const loadAtStart = loadavg();
  const otherWorkAtStart = await otherWork(ROOT_PID);
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    esbuild: esbuildVersion,
    awsSdk: packageVersion("@aws-sdk/client-ecs"),
    zod: packageVersion("zod"),
    moto: `moto ${tool("python3", ["-c", "import moto; print(moto.__version__)"])}`,
    valgrind: tool("valgrind", ["--version"]),
    commit: tool("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]),
    loadAverageAtStart: rounded(loadAtStart),
    otherWorkAtStart,
  };

  if (runs > 1) log(`run 1 of ${runs}: everything`);
  const { bundles, throughput: pure } = await timedFigures(true);
  // 32 million points in this process: the full run only.
  if (!smoke) log("right-sizing data volume, 2,000 services");
  const volume = smoke ? undefined : rightsizeVolumeAlone();

  const moto = await startMotoServer();
  let push: Awaited<ReturnType<typeof pushCalls>>;
  let metrics: Awaited<ReturnType<typeof metricsCalls>>;
  let schedule: Awaited<ReturnType<typeof scheduleCalls>>;
  let events: Awaited<ReturnType<typeof eventCalls>>;
  try {
    useMotoEnvironment(moto.endpoint, REGION);
    log("AWS calls per event, through the handlers");
    events = await eventCalls(REGION);
    log(`schedule reconcile at ${PLAN.scheduleSizes.join(", ")} services`);
    schedule = await scheduleCalls(REGION, PLAN.scheduleSizes);
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
    log(`calls per push at ${PLAN.pushSizes.join(", ")} services (seeding each size once)`);
    push = await pushCalls(REGION, PLAN.pushSizes);
    log(`metrics calls at ${PLAN.metricsSizes.join(", ")} services`);
    metrics = await metricsCalls(REGION, PLAN.metricsSizes);
  } finally {
    await moto.stop();
  }
  checkClaims(push, schedule);
  const whole: TimedRun[] = [];
  if (runs > 1) {
    whole.push({
      measured: "everything",
      started: new Date(started).toISOString(),
      minutes: minutesSince(started),
      loadAverageAtStart: machine.loadAverageAtStart,
      loadAverageAtEnd: rounded(loadavg()),
      otherWorkAtStart,
      otherWorkAtEnd: await otherWork(ROOT_PID),
      bundles,
      throughput: pure,
    });
    for (let run = 2; run <= runs; run++) {
      log(`run ${run} of ${runs}: the timed figures again, in a fresh Node process`);
      whole.push(timedRunAlone(run, runs));
    }
  }
  const bills = monthlyBills(PLAN.costSizes, events, schedule, metrics);

  const report = {
    date: new Date().toISOString(),
    mode: smoke ? "smoke" : "full",
    machine: { ...machine, loadAverageAtEnd: rounded(loadavg()), otherWorkAtEnd: await otherWork(ROOT_PID) },
    minutes: minutesSince(started),
    bundles,
    throughput: pure,
    callsPerPush: push,
    metricsCalls: metrics,
    ...(volume ? { rightsizeVolume: volume } : {}),
    scheduleReconcile: schedule,
    callsPerEvent: events,
    cost: { rates: RATES, prices: PRICES, bills },
    ...(whole.length > 1 ? { acrossRuns: acrossRuns(whole) } : {}),
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const markdown = renderMarkdown(report);
  mkdirSync(resolve(ROOT, "reports"), { recursive: true });
  if (smoke) {
    writeFileSync(resolve(ROOT, "reports", "bench-smoke.json"), json);
    writeFileSync(resolve(ROOT, "reports", "bench-smoke.md"), markdown);
  } else {
    writeFileSync(resolve(ROOT, "reports", "bench.json"), json);
    writeFileSync(resolve(ROOT, "docs", "benchmarks.md"), markdown);
  }
  process.stdout.write(args.has("--json") ? json : markdown);
  log(`done in ${report.minutes} minutes`);
}

/**
 * bench/rightsizeVolume.ts in a Node process of its own (same loader flags as this one), so that
 * its peak heap and RSS are the analysis's and not this process's, which has bundled and timed
 * everything before it.
 */
function rightsizeVolumeAlone(): VolumeResult {
  const out = execFileSync(
    process.execPath,
    [
      `--max-old-space-size=${VOLUME_HEAP_MIB}`,
      ...process.execArgv,
      resolve(ROOT, "bench", "rightsizeVolume.ts"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  ).toString();
  return { ...(JSON.parse(out) as VolumeResult), heapLimitMiB: VOLUME_HEAP_MIB };
}

/**
 * The V8 heap limit the volume run gets: half the function's 1,024 MB. Without a limit V8 lets
 * garbage pile up and the peak says nothing; with 256 MiB the run (analysis and its in-process
 * stand-ins) aborted out of memory after 2.5 s when tried on 2026-11-26.
 */
const VOLUME_HEAP_MIB = 512;

/**
 * The claims the tables make, checked on every run (counts, never timings): a push costs the
 * same whatever the number of unrelated services, and a reconcile after the first writes nothing.
 */
function checkClaims(
  push: Awaited<ReturnType<typeof pushCalls>>,
  schedule: Awaited<ReturnType<typeof scheduleCalls>>,
): void {
  const byTracking = new Map<number, number>();
  for (const row of push) {
    const seen = byTracking.get(row.tracking);
    if (seen !== undefined && seen !== row.steady.calls)
      throw new Error(
        `a push with ${row.tracking} tracking services cost ${row.steady.calls} calls at ${row.services} services and ${seen} at a smaller size`,
      );
    byTracking.set(row.tracking, row.steady.calls);
  }
  for (const row of schedule)
    if (row.second.writes !== 0 || row.third.writes !== 0)
      throw new Error(`the schedule reconcile wrote on a later run at ${row.services} services`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
