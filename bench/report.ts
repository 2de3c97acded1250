/**
 * docs/benchmarks.md from one run's figures: machine, versions, method, then one table per
 * question; with `--runs`, each timed figure also gets the spread of its medians across the runs.
 */
import { SERVICE_TAGS } from "../core/tags.ts";
import { type AcrossRuns, type RunsSpread, relativeRange } from "./acrossRuns.ts";
import { type BundleFigures, COMPILE_PART, type TagPolicyShare } from "./bundles.ts";
import type { MonthlyBill, RATES } from "./cost.ts";
import type { EventCost } from "./eventCalls.ts";
import type { MetricsCallsRow } from "./metricsCalls.ts";
import type { OtherWork } from "./otherWork.ts";
import type { PRICES, Price } from "./prices.ts";
import type { PushCallsRow } from "./pushCalls.ts";
import type { VolumeResult } from "./rightsizeVolume.ts";
import type { ScheduleCallsRow } from "./scheduleCalls.ts";
import { formatSpread } from "./stats.ts";
import type { Throughput } from "./throughput.ts";

export interface BenchReport {
  readonly date: string;
  readonly mode: string;
  readonly machine: Record<string, unknown> & {
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    /** Absent in reports written before 2026-11-27. */
    otherWorkAtStart?: OtherWork;
    otherWorkAtEnd?: OtherWork;
  };
  readonly minutes: number;
  readonly bundles: { readonly functions: readonly BundleFigures[]; readonly tagPolicy: TagPolicyShare };
  readonly throughput: { readonly corpus: string; readonly rows: readonly Throughput[] };
  readonly callsPerPush: readonly PushCallsRow[];
  readonly metricsCalls: readonly MetricsCallsRow[];
  readonly rightsizeVolume?: VolumeResult;
  readonly scheduleReconcile: readonly ScheduleCallsRow[];
  readonly callsPerEvent: readonly EventCost[];
  readonly cost: {
    readonly rates: typeof RATES;
    readonly prices: typeof PRICES;
    readonly bills: readonly MonthlyBill[];
  };
  /** With `--runs N` (N ≥ 2): the timed figures' medians over the N whole runs. */
  readonly acrossRuns?: AcrossRuns;
}

const n = (v: number, digits = 0) =>
  v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const kib = (bytes: number) => `${n(bytes / 1024)} KiB`;
const usd = (v: number) => {
  if (v === 0) return "$0";
  return v < 0.01 ? "< $0.01" : `$${n(v, 2)}`;
};
const ops = (byOperation: Record<string, number>) =>
  Object.entries(byOperation)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

/** `1.60× (1.55–1.66, 5 runs)`: the median of the runs' medians and their min–max. */
function overRuns(s: RunsSpread, digits = 2, unit = "×"): string {
  const f = (v: number) => (digits === 0 ? String(Math.round(v)) : v.toFixed(digits));
  return `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)}, ${s.n} runs)`;
}

/** `1.4 cores: @stryker-mutator/core 1.3, moto_server 0.1`. */
function busy(w: OtherWork): string {
  const top = w.busiest.map((b) => `${b.command} ${n(b.cores, 1)}`).join(", ");
  return `${n(w.cores, 1)} ${w.cores === 1 ? "core" : "cores"}${top ? `: ${top}` : ""}`;
}

const pct = (v: number) => `${n(v * 100)}%`;
const hhmm = (iso: string) => iso.slice(11, 16);

/**
 * The method's paragraph on the runs: how many, when, what each measured, on what load, the
 * largest spread of a timed figure's medians across them, and whether the cold-start verdict held.
 */
function reproducibility(a: AcrossRuns, pairs: number, rounds: number, instructions: boolean): string[] {
  const runs = a.runs;
  const last = runs[runs.length - 1];
  const first = runs[0];
  if (!first || !last) return [];
  const ended = new Date(Date.parse(last.started) + last.minutes * 60_000).toISOString();
  const coldFigures = [
    ...a.coldStart.map((c) => ({ label: c.fn, s: c.initRatio })),
    { label: "tag-policy libraries over the redeploy baseline", s: a.tagPolicyInitRatio },
  ];
  const throughputFigures = a.throughput.flatMap((t) => [
    { label: `${t.part}, ${t.input}: per second`, s: t.perSecond, digits: 0, unit: "" },
    { label: `${t.part}, ${t.input}: time ÷ copying its input`, s: t.overCopy, digits: 1, unit: "×" },
  ]);
  const widest = <T extends { s: RunsSpread }>(xs: readonly T[]) =>
    xs.reduce((w, x) => (relativeRange(x.s) > relativeRange(w.s) ? x : w));
  const cold = widest(coldFigures);
  const pure = widest(throughputFigures);
  const asDeployed = widest(coldFigures.slice(0, a.coldStart.length));
  const f = (v: number, digits: number, unit: string) =>
    `${digits === 0 ? String(Math.round(v)) : v.toFixed(digits)}${unit}`;
  const range = (x: { s: RunsSpread }, digits: number, unit: string) =>
    `${f(x.s.min, digits, unit)}–${f(x.s.max, digits, unit)} around ${f(x.s.median, digits, unit)}, ${pct(relativeRange(x.s))} of it`;
  const flips = a.coldStart.filter(
    (c) => c.initRatio.perRun.some((m) => m <= GOAL) && c.initRatio.perRun.some((m) => m > GOAL),
  );
  const out: string[] = [];
  out.push(
    `**Reproducibility.** The timed figures were measured in ${runs.length} separate runs, one after the other, on ${first.started.slice(0, 10)} from ${hhmm(first.started)} to ${hhmm(ended)} UTC (\`npm run bench -- --runs ${runs.length}\`). Run 1 is the full bench: it measured everything in this file. ${runs.length === 2 ? "Run 2, in a fresh Node process started after run 1 had ended," : `Runs 2–${runs.length}, each in a fresh Node process started after the one before had ended,`} measured the timed figures again the same way (${pairs} interleaved pairs per cold-start ratio, ${rounds} rounds per throughput figure): the cold-start ratios with the tag-policy what-if, and the throughput of the pure parts; they left out the CPU profiles${instructions ? ", the callgrind instruction counts" : ""} and the right-sizing data volume. The AWS call counts, DynamoDB units and the monthly cost are run 1's only: they are exact counts against a freshly seeded moto account, not timings, so the repeats did not re-measure them (the handler durations behind the Lambda compute cost are run 1's too). Beside each timed figure, "${runs.length} runs" gives the median of the ${runs.length} per-run medians and their min–max; the other spread (n = pairs or rounds) is the one within run 1. The machine was shared throughout: the load average and the other processes busy at the start and end of each run (CPU time over one second, outside the bench's processes) are in the table below; on 2 cores, a load above 2 means every process waited for a core.`,
  );
  out.push("");
  out.push(
    `The largest spread across the runs: of the cold-start ratios as deployed, ${asDeployed.label} (${range(asDeployed, 2, "×")})${cold !== asDeployed ? `; of every cold-start ratio including the tag-policy what-if, ${cold.label} (${range(cold, 2, "×")})` : ""}; of the throughput figures, ${pure.label} (${range(pure, pure.digits, pure.unit)}). ${
      flips.length === 0
        ? `The cold-start verdict (goal ≤ ${GOAL}× by the median) was the same in every run for every function.`
        : `The cold-start verdict (goal ≤ ${GOAL}× by the median) changed between runs for ${flips.map((c) => `${c.fn} (run medians ${c.initRatio.perRun.map((m) => n(m, 2)).join(", ")})`).join(", ")}.`
    }`,
  );
  out.push("");
  out.push(
    "| run | started (UTC) | minutes | measured | load average at the start (1, 5, 15 min) | at the end | other processes busy at the start (cores) | at the end |",
  );
  out.push("| ---: | --- | ---: | --- | --- | --- | --- | --- |");
  for (const r of runs)
    out.push(
      `| ${r.run} | ${r.started.slice(0, 10)} ${hhmm(r.started)} | ${n(r.minutes, 1)} | ${r.measured} | ${r.loadAverageAtStart.join(", ")} | ${r.loadAverageAtEnd.join(", ")} | ${busy(r.otherWorkAtStart)} | ${busy(r.otherWorkAtEnd)} |`,
    );
  return out;
}

/** The issue's cold-start goal: a function's init at most this many times its baseline's. */
const GOAL = 1.15;

/** `met`, `met (max 1.21×)` when one pair went over, or `not met`. */
function verdict(median: number, max: number): string {
  if (median > GOAL) return "not met";
  return max > GOAL ? `met (max ${n(max, 2)}×)` : "met";
}

/**
 * A part's name as printed. Runs before 2026-11-26 12:30 UTC named the project's folders through
 * the source map's relative path with the checkout's path cut out (`../../..core/policy`).
 */
function partLabel(name: string): string {
  return name.replace(/^(?:\.\.\/)*\.\.(?=[a-z])/, "");
}

/** The parts of the extra import time, summed over every function, as shares of the whole extra. */
function timeShares(fns: BenchReport["bundles"]["functions"]): string {
  const byPart = new Map<string, number>();
  let extra = 0;
  for (const b of fns) {
    extra += b.profiledExtraMs ?? 0;
    for (const p of b.initParts ?? []) byPart.set(p.name, (byPart.get(p.name) ?? 0) + p.ms - p.baselineMs);
  }
  if (extra <= 0) return "";
  const top = [...byPart]
    .filter(([, ms]) => ms / extra >= 0.03)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${partLabel(name)} ${n((ms / extra) * 100)}%`);
  return `Where the extra time goes (CPU profiles, table below), summed over the ${fns.length} functions: ${top.join(", ")} of it; parts under 3% are left out.`;
}

/** `26 KiB–38 KiB`, or one figure when the smallest and largest print the same. */
function kibRange(sizes: readonly number[]): string {
  const lo = kib(Math.min(...sizes));
  const hi = kib(Math.max(...sizes));
  return lo === hi ? lo : `${lo}–${hi}`;
}

/**
 * How zod is bundled, from each bundle's metafile: its mini build through core/zod.ts, the
 * smallest and largest share per function, and the functions whose bundle has none. Empty for a
 * report written before the bench recorded it (`zodBytes`).
 */
export function zodBundled(fns: BenchReport["bundles"]["functions"]): string {
  if (fns.length === 0 || fns.some((b) => b.zodBytes === undefined)) return "";
  const withZod = fns.filter((b) => (b.zodBytes ?? 0) > 0);
  const without = fns.filter((b) => (b.zodBytes ?? 0) === 0).map((b) => b.fn);
  if (withZod.length === 0) return `No function's bundle has zod (${without.join(", ")}).`;
  const range = kibRange(withZod.map((b) => b.zodBytes ?? 0));
  return `zod is bundled as its mini build (\`core/zod.ts\`): ${range} per function (esbuild metafile)${
    without.length ? `; ${without.join(", ")} ${without.length === 1 ? "bundles" : "bundle"} no zod` : ""
  }.`;
}

/** What every bundle carries beyond its baseline: the parts over 8 KiB found in all of them, largest first. */
function remainingOverhead(fns: BenchReport["bundles"]["functions"]): string {
  const first = fns[0];
  if (!first) return "";
  const common = first.overhead
    .filter((p) => p.bytes > 8 * 1024)
    .filter((p) => fns.every((b) => b.overhead.some((q) => q.name === p.name && q.bytes > 8 * 1024)))
    .map((p) => {
      return `${p.name} ${kibRange(fns.map((b) => b.overhead.find((q) => q.name === p.name)?.bytes ?? 0))}`;
    });
  const beyond = fns.map((b) => b.bytes - b.baselineBytes);
  return `The remaining overhead is what every bundle loads beyond the SDK clients it calls (${kib(Math.min(...beyond))}–${kib(Math.max(...beyond))} per function): ${common.join(", ") || "no part over 8 KiB common to all"}, then each function's own code and the SDK clients it bundles without calling (column above).`;
}

export function renderMarkdown(r: BenchReport): string {
  const out: string[] = [];
  const line = (s = "") => out.push(s);
  const m = r.machine;
  line("# Benchmarks");
  line();
  line(
    `Written by \`npm run bench${r.acrossRuns ? ` -- --runs ${r.acrossRuns.runs.length}` : ""}\` on ${r.date.slice(0, 10)} (${r.mode} run${r.acrossRuns ? `, then ${r.acrossRuns.runs.length - 1} more ${r.acrossRuns.runs.length === 2 ? "run" : "runs"} of its timed figures; ${r.minutes} minutes in all` : `, ${r.minutes} minutes`}, commit ${String(m.commit)}); \`npm run bench -- --json\` prints the same figures as JSON (also in \`reports/bench.json\`). Do not edit by hand: run the bench.`,
  );
  line();
  line("## Machine and method");
  line();
  line(`- Machine: ${String(m.cpus)}, ${String(m.memoryGiB)} GiB, shared with other work.`);
  const otherAt = (w: OtherWork | undefined) => (w ? ` (other processes busy: ${busy(w)})` : "");
  line(
    `- Load average (1, 5, 15 min) at the start ${m.loadAverageAtStart.join(", ")}${otherAt(m.otherWorkAtStart)}, at the end${r.acrossRuns ? " of the last run" : ""} ${m.loadAverageAtEnd.join(", ")}${otherAt(m.otherWorkAtEnd)}: on 2 cores, a load above 2 means every process waited for a core. Absolute times below are therefore not the point; the ratios are.`,
  );
  line(
    `- Versions: Node ${String(m.node)}, esbuild ${String(m.esbuild)}, AWS SDK ${String(m.awsSdk)}, zod ${String(m.zod)}, ${String(m.moto)}, ${String(m.valgrind)}.`,
  );
  line(
    "- Every figure stands beside its baseline, measured in the same run: AWS calls are exact counts against moto (no spread needed); timings are ratios of interleaved runs (measured, baseline, measured, baseline, …) so that the machine's noise hits both, given as median (min–max, n = pairs).",
  );
  const pairs = r.bundles.functions[0]?.initRatio.n ?? 0;
  const rounds = r.throughput.rows[0]?.overCopy.n ?? 0;
  const across = r.acrossRuns;
  if (across)
    line(
      `- Spread within a run: each cold-start ratio is the median of ${pairs} interleaved pairs (every pair imports the bundle and its baseline in fresh Node processes), each throughput figure the median of ${rounds} rounds; the min–max beside every median (n = pairs or rounds) is the spread over those, within run 1. Spread across runs: the columns marked "${across.runs.length} runs" (see Reproducibility below).`,
    );
  else
    line(
      `- Spread over repeated runs: each cold-start ratio is the median of ${pairs} interleaved pairs (every pair imports the bundle and its baseline in fresh Node processes), each throughput figure the median of ${rounds} rounds; the min–max beside every median is the spread over those runs, all from this one invocation of the bench — the bench as a whole was run once for this file, not re-run on another day or load.`,
    );
  line(
    "- moto answers every List/Describe call in one page, where AWS pages (ListServices at 100, DescribeScheduledActions at 50…): on AWS the listing calls are a few more, on both sides of each comparison.",
  );
  line();
  if (across) {
    const withInstructions = r.bundles.functions.some((b) => b.instructionRatio !== undefined);
    for (const l of reproducibility(across, pairs, rounds, withInstructions)) line(l);
    line();
  }

  line("## Calls per ECR push, with 10 to 5,000 services in the account");
  line();
  line(
    "One moto account grown from 10 to 5,000 services (clusters of 250), each size seeded once and then measured three times: ecs-autopilot's first push after install (it builds the repository → services index), its steady state, and a naive implementation written in the bench (`bench/naiveRedeploy.ts`: list every cluster and service, describe each, compare images, roll out the matches). 1% of the services (at least one) track the pushed repository; every push must roll out exactly those, or the bench fails.",
  );
  line();
  line(
    "| services | clusters | tracking | seeding (s) | autopilot, first push | autopilot, steady | naive | naive ÷ steady |",
  );
  line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const p of r.callsPerPush)
    line(
      `| ${n(p.services)} | ${p.clusters} | ${p.tracking} | ${n(p.seed.seconds, 1)} (+${n(p.seed.added)}) | ${n(p.first.calls)} | ${n(p.steady.calls)} | ${n(p.naive.calls)} | ${n(p.naive.calls / p.steady.calls, 1)}× |`,
    );
  line();
  const small = r.callsPerPush[0];
  if (small) {
    line(`Steady state with ${small.tracking} tracking service: ${ops(small.steady.byOperation)}.`);
    line();
    line(`Naive at ${n(small.services)} services: ${ops(small.naive.byOperation)}.`);
    line();
  }
  const large = r.callsPerPush[r.callsPerPush.length - 1];
  if (large && large !== small) {
    line(
      `Steady state at ${n(large.services)} services (${large.tracking} tracking): ${ops(large.steady.byOperation)}.`,
    );
    line();
    line(`Naive at ${n(large.services)} services: ${ops(large.naive.byOperation)}.`);
    line();
  }
  line(
    "The steady state grows only with the services that track the pushed repository (each adds its own describe, register, update and lease calls) and not with the unrelated ones — the bench fails if two sizes with the same number of tracking services differ. The naive push grows with every service: about one DescribeTaskDefinition per service plus one DescribeServices per ten. The first push pays the naive price once, to build the index; the service-index function keeps it current from then on. Not counted here, because moto 5.2.1 has no service revisions: on AWS, a push for tracked services that run the pushed repository on an image tag (deployed by another tool; ecs-autopilot pins digests) also makes one `DescribeServiceRevisions` per 20 of their current service revisions, to learn which digest runs, and one `ListServiceDeployments` each (plus a `DescribeServiceRevisions` when one was rolled back), to learn whether the pushed digest was rolled back there.",
  );
  line();

  line("## Right-sizing: metrics calls and their CloudWatch cost per run");
  line();
  line(
    "One weekly run reads 14 days of 5-minute CPU and memory statistics per service (3 metric queries per service without Container Insights). What the code does (`collectUsage`: every query batched into GetMetricData, 500 per request) against one GetMetricStatistics per metric per service — which takes 3 calls per metric, because GetMetricStatistics returns at most 1,440 data points and 14 days hold 4,032. Both sent to moto for the same services.",
  );
  line();
  line(
    "| services | GetMetricData requests | metrics requested | cost per run | GetMetricStatistics requests | cost per run (beyond the free million a month) |",
  );
  line("| ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const x of r.metricsCalls)
    line(
      `| ${n(x.services)} | ${n(x.batched.requests)} | ${n(x.batched.metricsRequested)} | ${usd((x.batched.metricsRequested / 1000) * r.cost.prices.cloudWatchGetMetricData.usd)} | ${n(x.perMetric.requests)} | ${usd((x.perMetric.requests / 1000) * r.cost.prices.cloudWatchRequests.usd)} |`,
    );
  line();
  line(
    `GetMetricData is billed per metric requested (${usd(r.cost.prices.cloudWatchGetMetricData.usd)} per 1,000, no free tier), GetMetricStatistics per request (${usd(r.cost.prices.cloudWatchRequests.usd)} per 1,000, after the account's free million a month, which other tools share). At the largest size the batched read sends ${n(r.metricsCalls.at(-1)?.batched.requests ?? 0)} requests where the per-metric read sends ${n(r.metricsCalls.at(-1)?.perMetric.requests ?? 0)}: the request count, not the price, is what decides — GetMetricStatistics is throttled per second, and the weekly run must finish inside the function's timeout.`,
  );
  line();
  const v = r.rightsizeVolume;
  if (v) {
    line(
      `The data volume of one weekly run with Container Insights (\`bench/rightsizeVolume.ts\`, CloudWatch answered in this process because moto cannot hold it): ${n(v.services)} services × 14 days × 5-minute periods × 4 series = ${n(v.points)} points in ${n(v.getMetricDataRequests)} GetMetricData responses (at most 100,800 points each), read in batches of ${v.batchServices} services, ${v.batchConcurrency} at a time; ${v.heapLimitMiB ? `in a Node process of its own with a ${v.heapLimitMiB} MiB V8 heap limit` : "in the bench's own process, after everything before it (so the RSS is the bench's, not the analysis's)"}, peak heap ${n(v.peakHeapMiB)} MiB, peak RSS ${n(v.peakRssMiB)} MiB (sampled). Its duration is in the JSON only: it has no baseline.`,
    );
    line();
  }

  line("## Schedule reconcile: reads per service, writes on later runs");
  line();
  line(
    `Every 15 minutes the reconcile reads every service of every cluster; a third of the services carry \`${SERVICE_TAGS.schedule}\`. The account grows in steps; the first run after a step writes the new services' scheduled actions, every later run must write nothing (the bench fails otherwise).`,
  );
  line();
  line(
    "| services | scheduled | reads per run | reads per service | writes, first run after growing | writes, 2nd run | writes, 3rd run | DynamoDB read units per run |",
  );
  line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const s of r.scheduleReconcile)
    line(
      `| ${n(s.services)} | ${n(s.scheduled)} | ${n(s.second.reads)} | ${n(s.second.reads / s.services, 3)} | ${n(s.first.writes)} | ${s.second.writes} | ${s.third.writes} | ${n(s.second.readUnits)} |`,
    );
  const last = r.scheduleReconcile.at(-1);
  if (last) {
    line();
    line(`A later run at ${n(last.services)} services: ${ops(last.second.byOperation)}.`);
  }
  line();

  line("## Cold start per function");
  line();
  line(
    "Each function bundled as SST does (esbuild, ESM, Node 22, minified, AWS SDK included) beside a baseline bundle built with the same settings that only imports the AWS SDK clients the function calls (`CLIENTS_USED` in `bench/bundles.ts`). Init = importing the bundle in a fresh Node process, what Lambda does before the first event. Goal: ≤ 1.15×.",
  );
  line();
  const fns = r.bundles.functions;
  const withInstructions = fns.some((b) => b.instructionRatio !== undefined);
  const runsOf = (fn: string) => across?.coldStart.find((c) => c.fn === fn);
  const acrossCell = (s: RunsSpread | undefined, digits = 2, unit = "×") =>
    across ? ` ${s ? overRuns(s, digits, unit) : "–"} |` : "";
  const acrossHead = (what: string) =>
    across ? ` ${what} over ${across.runs.length} runs: median (min–max) of the run medians |` : "";
  const acrossRule = across ? " ---: |" : "";
  line(
    `| function | bundle | baseline | init ÷ baseline (time) |${acrossHead("init ÷ baseline")} goal ≤ ${GOAL}× (${across ? "run 1's median" : "median"}) |${withInstructions ? " init ÷ baseline (instructions) |" : ""} init here (ms, median) |${acrossHead("init here (ms)")} SDK clients bundled, never called |`,
  );
  line(
    `| --- | ---: | ---: | ---: |${acrossRule} --- |${withInstructions ? " ---: |" : ""} ---: |${acrossRule} --- |`,
  );
  for (const b of fns)
    line(
      `| ${b.fn} | ${kib(b.bytes)} | ${kib(b.baselineBytes)} | ${formatSpread(b.initRatio)} |${acrossCell(runsOf(b.fn)?.initRatio)} ${verdict(b.initRatio.median, b.initRatio.max)} |${withInstructions ? ` ${b.instructionRatio !== undefined ? `${n(b.instructionRatio, 2)}×` : "–"} |` : ""} ${n(b.initMs.median)} |${acrossCell(runsOf(b.fn)?.initMs, 0, "")} ${b.unusedClients.map((c) => `${c.name.replace("@aws-sdk/client-", "")} (${kib(c.bytes)})`).join(", ") || "none"} |`,
    );
  line();
  if (withInstructions)
    line(
      "Instructions: callgrind's count for importing the bundle minus Node's own start-up, function over baseline — the same on a quiet or a loaded machine (two runs of one bundle differed by 0.03%).",
    );
  line();
  const met = fns.filter((b) => b.initRatio.median <= GOAL);
  const missed = fns.filter((b) => b.initRatio.median > GOAL);
  // Run 1's medians decide the verdict above (the JSON's fields); across runs, the median of the run medians.
  const metOverRuns = (across?.coldStart ?? []).filter((c) => c.initRatio.median <= GOAL);
  const overRunsVerdict = across
    ? ` By the median of the ${across.runs.length} run medians, met by ${metOverRuns.length} of ${across.coldStart.length} functions${metOverRuns.length ? ` (${metOverRuns.map((c) => `${c.fn} ${n(c.initRatio.median, 2)}×`).join(", ")})` : ""}.`
    : "";
  line(
    `**The cold-start goal (≤ ${GOAL}×, by the median ratio${across ? " of run 1" : ""}) is ${missed.length === 0 ? "met" : "not met"}**: met by ${met.length} of ${fns.length} functions${met.length ? ` (${met.map((b) => `${b.fn} ${n(b.initRatio.median, 2)}×`).join(", ")})` : ""}${missed.length ? `; not met by ${missed.map((b) => `${b.fn} ${n(b.initRatio.median, 2)}×`).join(", ")}` : ""}.${overRunsVerdict} ${[remainingOverhead(fns), zodBundled(fns), timeShares(fns)].filter(Boolean).join(" ")}`,
  );
  line();
  if (fns.some((b) => (b.initParts ?? []).length > 0)) {
    line(
      `Where the init time beyond the baseline goes: each bundle and its baseline rebuilt with a source map and line breaks kept (so that V8's per-line ticks name the module that ran) and imported under \`node --cpu-prof\` (100 µs sampling), interleaved, ${pairs} times each; self time by part, mean per import, function minus baseline. ${COMPILE_PART}: V8 parses and compiles every byte of the bundle before any of it runs, so this part grows with the bundle's size. The profiler slows both imports alike; the milliseconds are this machine's, the split is the point.`,
    );
    line();
    line("| function | extra import time under the profiler | largest parts, function − baseline |");
    line("| --- | ---: | --- |");
    for (const b of fns)
      line(
        `| ${b.fn} | ${n(b.profiledExtraMs ?? 0, 1)} ms | ${(b.initParts ?? [])
          .filter((p) => p.ms - p.baselineMs >= 1)
          .slice(0, 6)
          .map((p) => `${partLabel(p.name)} +${n(p.ms - p.baselineMs, 1)}`)
          .join(", ")} |`,
      );
    line();
  }
  line("What a bundle has beyond its baseline (esbuild metafile, bytes in the output, packages over 8 KiB):");
  line();
  line("| function | beyond the baseline | largest parts |");
  line("| --- | ---: | --- |");
  for (const b of fns)
    line(
      `| ${b.fn} | ${kib(b.bytes - b.baselineBytes)} | ${b.overhead
        .filter((p) => p.bytes > 8 * 1024)
        .map((p) => `${p.name} ${kib(p.bytes)}`)
        .join(", ")} |`,
    );
  line();
  const t = r.bundles.tagPolicy;
  line(
    `**Tag-policy validation** (re2js + semver, loaded by every function because the config checks tag policies and their patterns at load): ${kib(t.bytes)} of every bundle; importing them on top of the redeploy baseline costs ${formatSpread(t.initRatio)} of that baseline's init${across ? ` (over ${across.runs.length} runs: ${overRuns(across.tagPolicyInitRatio)})` : ""}${t.instructionRatio !== undefined ? ` (${n(t.instructionRatio, 2)}× in instructions)` : ""}. Validation stays.`,
  );
  line();
  line("## Throughput of the pure parts");
  line();
  line(
    `Each part timed interleaved with a copy of its input (\`structuredClone\`), round after round: the rate is the median of the rounds, the ratio says how many copies of its input a run costs. Policy corpus: \`${r.throughput.corpus}\`.`,
  );
  line();
  line(
    `| part | input | per second, median (min–max) |${acrossHead("per second")} time ÷ copying its input |${acrossHead("time ÷ copying")}`,
  );
  line(`| --- | --- | ---: |${acrossRule} ---: |${acrossRule}`);
  for (const t of r.throughput.rows) {
    const overRunsRow = across?.throughput.find((x) => x.part === t.part && x.input === t.input);
    line(
      `| ${t.part} | ${t.input} | ${formatSpread(t.perSecond, 0, "")} |${acrossCell(overRunsRow?.perSecond, 0, "")} ${formatSpread(t.overCopy, 1)} |${acrossCell(overRunsRow?.overCopy, 1)}`,
    );
  }
  line();

  line("## AWS calls per event, through the Lambda handlers");
  line();
  line(
    "Measured through each handler (event lease, config, flow, delivery to the Slack outbox queue) against moto; DynamoDB request units counted per item, items taken as ≤ 1 KB and reads as strongly consistent (an upper bound). Durations are here, against moto on loopback.",
  );
  line();
  line(
    "| event | function | AWS calls | DynamoDB read / write units | outbox messages | duration here (ms) | calls |",
  );
  line("| --- | --- | ---: | ---: | ---: | ---: | --- |");
  for (const e of r.callsPerEvent)
    line(
      `| ${e.event} | ${e.fn} | ${e.calls} | ${e.readUnits} / ${e.writeUnits} | ${e.outboxMessages} | ${n(e.ms, 1)} | ${ops(e.byOperation)} |`,
    );
  line();

  line("## What it costs to run, per month");
  line();
  line(
    "From the calls and durations measured above and these event rates (assumptions, in `RATES` of `bench/cost.ts`): " +
      `${r.cost.rates.pushesPerServicePerDay} pushes per service per day, each rolling out ${r.cost.rates.servicesRedeployedPerPush} service of ${r.cost.rates.tasksPerService} tasks; ` +
      `${r.cost.rates.taskEventsPerTaskStarted} task state changes per task started; ${n(r.cost.rates.scheduledShare * 100)}% of services scheduled (down each weekday evening, up each morning); ` +
      `${r.cost.rates.unplannedStopsPerServicePerWeek} unplanned task stop per service per week; the scheduled jobs as deployed (reconcile every 15 minutes, queued-push sweep every 5, index resync every 6 hours, daily audit, weekly right-sizing). ` +
      "US East prices, no free tier. Lambda durations are the handler durations measured here against moto, on 512 MB (right-sizing 1,024 MB).",
  );
  line();
  const bills = r.cost.bills;
  line(`| item | ${bills.map((b) => `${n(b.services)} services`).join(" | ")} |`);
  line(`| --- | ${bills.map(() => "---:").join(" | ")} |`);
  const items = bills[0]?.items.map((i) => i.item) ?? [];
  for (const item of items)
    line(
      `| ${item} | ${bills
        .map((b) => {
          const i = b.items.find((x) => x.item === item);
          return i ? `${usd(i.usd)} (${n(i.quantity)} ${i.unit})` : "–";
        })
        .join(" | ")} |`,
    );
  line(`| **total per month** | ${bills.map((b) => `**${usd(b.totalUsd)}**`).join(" | ")} |`);
  line();
  const compute = (b: MonthlyBill) => b.items.find((i) => i.item.startsWith("Lambda compute"))?.usd ?? 0;
  line(
    `Lambda durations against real AWS are longer than against moto on loopback (each AWS call takes milliseconds, not tenths): at ten times the durations measured here, Lambda compute would be ${bills.map((b) => `${usd(compute(b) * 10)} (${n(b.services)} services)`).join(", ")} and the totals ${bills.map((b) => usd(b.totalUsd + compute(b) * 9)).join(", ")}. With the account's free tiers (Lambda's million requests and 400,000 GB-s, SQS's million requests, the Scheduler's 14 million invocations) most lines are $0 for an account that uses little else.`,
  );
  line();
  line(
    "Not included: CloudWatch Logs ingestion of the functions' logs, CloudTrail (the trail that feeds the CloudTrail-based rules is the account's), Lambda's idle polling of the outbox queue, SSM GetParameter (standard parameters, standard throughput), data transfer. The Policy and Service-index invocations triggered by CloudTrail are counted as Lambda requests with a push's duration, their DynamoDB writes not measured; the schedule reconcile at 5,000 services is scaled linearly from the largest measured size.",
  );
  line();
  line("Prices used:");
  line();
  for (const [name, price] of Object.entries(r.cost.prices) as Array<[string, Price]>)
    line(`- ${name}: $${price.usd} per ${price.per} — ${price.source}.`);
  line();
  return `${out.join("\n")}\n`;
}
