/** Markdown tables for the README sections generated from the project's data (IAM, events). */
import { readFileSync, writeFileSync } from "node:fs";

/** The deployed function of each flow, as `sst.config.ts` names it. */
export const FUNCTION_NAMES: Readonly<Record<string, string>> = {
  redeploy: "Redeploy",
  "service-index": "ServiceIndex",
  monitor: "Monitor",
  schedule: "Schedule",
  policy: "Policy",
  rightsize: "Rightsize",
  notify: "Notify",
};

/** A table cell: a `|` in the text would end the cell. */
export const cell = (text: string) => text.replaceAll("|", "\\|");

/** Each item as code, comma-separated. */
export const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(", ");

/** Rows as a Markdown table with padded columns, the way Biome formats README.md. */
export function markdownTable(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(3, ...rows.map((r) => [...(r[c] ?? "")].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => cell + " ".repeat((widths[c] ?? 0) - [...cell].length)).join(" | ")} |`;
  const [header = [], ...body] = rows;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** `readme` with the text between `start` and `end` replaced by `body`. */
export function withSection(readme: string, start: string, end: string, body: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md has no ${start} … ${end} section`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

/**
 * A generator script's command line: rewrites the README with `rewrite`, or with `--check` exits
 * 1 when that would change it (`what` names the stale part, `script` how to regenerate it).
 */
export function rewriteReadme(
  readmePath: string,
  rewrite: (readme: string) => string,
  what: string,
  script: string,
) {
  const current = readFileSync(readmePath, "utf8");
  const generated = rewrite(current);
  if (!process.argv.includes("--check")) writeFileSync(readmePath, generated);
  else if (generated !== current) {
    process.stderr.write(`README.md is stale (its ${what}): run npx tsx ${script}\n`);
    process.exit(1);
  }
}
