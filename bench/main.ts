/**
 * `npm run bench`: every figure of ecs-autopilot's performance beside its baseline, measured in
 * the same run. Writes docs/benchmarks.md and reports/bench.json; `-- --json` prints the JSON.
 *
 *   npm run bench                      the full run (up to 5,000 services; tens of minutes)
 *   npm run bench -- --instructions    also count instructions under callgrind (noise-free cold start)
 *   npm run bench -- --smoke           a small run for CI (seconds): same code, small sizes,
 *                                      writes reports/bench-smoke.{md,json}, never docs/
 *   npm run bench -- --render          docs/benchmarks.md again from reports/bench.json (no measuring)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { version as esbuildVersion } from "esbuild";
import { startMotoServer, useMotoEnvironment } from "../scripts/moto-server.ts";
import { lambdaEntries, measureBundles } from "./bundles.ts";
import { monthlyBills, RATES } from "./cost.ts";
import { eventCalls } from "./eventCalls.ts";
import { metricsCalls } from "./metricsCalls.ts";
import { PRICES } from "./prices.ts";
import { pushCalls } from "./pushCalls.ts";
import { type BenchReport, renderMarkdown } from "./report.ts";
import type { VolumeResult } from "./rightsizeVolume.ts";
import { scheduleCalls } from "./scheduleCalls.ts";
import { throughput } from "./throughput.ts";

const REGION = "eu-west-1";
const ROOT = resolve(import.meta.dirname, "..");

const args = new Set(process.argv.slice(2));
const smoke = args.has("--smoke");
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
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const started = Date.now();
  const loadAtStart = loadavg();
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
    loadAverageAtStart: loadAtStart.map((l) => Math.round(l * 10) / 10),
  };

  log(`cold start of ${PLAN.functions.length} functions, ${PLAN.pairs} interleaved pairs each`);
  const bundles = await measureBundles(PLAN.functions, {
    pairs: PLAN.pairs,
    instructions: args.has("--instructions"),
  });
  log("throughput of the pure parts");
  const pure = await throughput(PLAN.throughput);
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
  const bills = monthlyBills(PLAN.costSizes, events, schedule, metrics);

  const report = {
    date: new Date().toISOString(),
    mode: smoke ? "smoke" : "full",
    machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10) },
    minutes: Math.round((Date.now() - started) / 6000) / 10,
    bundles,
    throughput: pure,
    callsPerPush: push,
    metricsCalls: metrics,
    ...(volume ? { rightsizeVolume: volume } : {}),
    scheduleReconcile: schedule,
    callsPerEvent: events,
    cost: { rates: RATES, prices: PRICES, bills },
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
