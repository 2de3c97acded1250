/**
 * Mutation testing of the decision modules (`npm run test:mutation [group…]`), one group at a
 * time: Stryker with the vitest runner and the TypeScript checker, configured in
 * stryker.config.mjs. Each group keeps its incremental file under reports/mutation/<group>/, so a
 * rerun tests only the mutants whose code or covering tests changed. Prints the score of every
 * module and fails when a group or any of its modules is below the break threshold (85 %). docs/testing.md explains
 * the groups, the last recorded scores and the mutants that survive on purpose.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startMotoServer } from "./moto-server.ts";

const ROOT = resolve(import.meta.dirname, "..");
/** The groups, from the Stryker config itself (plain JavaScript, so Stryker reads it without a build). */
const {
  GROUPS,
  MOTO_GROUPS,
  default: options,
} = (await import(pathToFileURL(resolve(ROOT, "stryker.config.mjs")).href)) as {
  GROUPS: Record<string, readonly string[]>;
  MOTO_GROUPS: ReadonlySet<string>;
  default: { thresholds: { break: number } };
};
type Group = string;
const names = Object.keys(GROUPS);

const asked = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = asked.filter((a) => !names.includes(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown group ${unknown.join(", ")}; the groups are ${names.join(", ")}\n`);
  process.exit(2);
}
const groups = asked.length > 0 ? asked : names;
// Options for Stryker (`--force`, `--mutate=…`); npm's own `--` separator is not one of them.
const passOn = process.argv.slice(2).filter((a) => a.startsWith("-") && a !== "--");

/** The parts of Stryker's mutation-testing-report-schema JSON this script reads. */
interface Report {
  files: Record<string, { mutants: Array<{ status: string }> }>;
}

const DETECTED = new Set(["Killed", "Timeout"]);
/** Stryker's break threshold (stryker.config.mjs), applied to every module as well as every group. */
const BREAK = options.thresholds.break;
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const reportPath = (group: Group) => resolve(ROOT, "reports", "mutation", group, "mutation.json");
const reportTime = (group: Group) =>
  existsSync(reportPath(group)) ? statSync(reportPath(group)).mtimeMs : 0;

function scores(group: Group): Array<{ file: string; detected: number; undetected: number }> {
  const path = reportPath(group);
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, "utf8")) as Report;
  return Object.entries(report.files).map(([file, { mutants }]) => ({
    file,
    detected: mutants.filter((m) => DETECTED.has(m.status)).length,
    undetected: mutants.filter((m) => UNDETECTED.has(m.status)).length,
  }));
}

const percent = (detected: number, undetected: number) =>
  detected + undetected === 0 ? "n/a" : `${((100 * detected) / (detected + undetected)).toFixed(2)} %`;

const rows: string[] = [];
let failed = false;
for (const group of groups) {
  process.stdout.write(`\n=== mutation testing: ${group} (${(GROUPS[group] ?? []).join(", ")})\n`);
  const before = reportTime(group);
  // A moto-backed group gets one moto server for its whole run (test/setup/moto.mutation.global.ts).
  // Stryker is spawned asynchronously so that this process keeps reading moto's log pipe.
  const moto = MOTO_GROUPS.has(group) ? await startMotoServer() : undefined;
  const run = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    spawn("npx", ["stryker", "run", "stryker.config.mjs", ...passOn], {
      cwd: ROOT,
      stdio: "inherit",
      env: {
        ...process.env,
        MUTATION_GROUP: group,
        ...(moto ? { MUTATION_MOTO_ENDPOINT: moto.endpoint } : {}),
      },
    })
      .on("error", fail)
      .on("exit", (status, signal) => done({ status, signal }));
  });
  await moto?.stop();
  if (run.status !== 0) failed = true;
  if (reportTime(group) === before) {
    // Stryker stopped before writing a report: an earlier run's scores must not pass for this one's.
    rows.push(`| **${group}** | | | | **not run** (Stryker exited ${run.status ?? run.signal}) |`);
    continue;
  }
  let detected = 0;
  let undetected = 0;
  for (const row of scores(group)) {
    // The bar holds per module, not only per group: a well-tested module must not hide a weak one.
    const below =
      row.detected + row.undetected > 0 && (100 * row.detected) / (row.detected + row.undetected) < BREAK;
    if (below) failed = true;
    rows.push(
      `| ${group} | \`${row.file}\` | ${row.detected} | ${row.undetected} | ${percent(row.detected, row.undetected)}${below ? ` (below ${BREAK} %)` : ""} |`,
    );
    detected += row.detected;
    undetected += row.undetected;
  }
  rows.push(
    `| **${group}** | | **${detected}** | **${undetected}** | **${percent(detected, undetected)}** |`,
  );
}

process.stdout.write(
  [
    "",
    "| group | module | killed | survived | score |",
    "| ----- | ------ | -----: | -------: | ----: |",
    ...rows,
    "",
  ].join("\n"),
);
process.exit(failed ? 1 : 0);
