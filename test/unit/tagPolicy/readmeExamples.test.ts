import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { explainPushes } from "../../../core/redeploy/explainPushes.ts";

/**
 * The README's tag-policy table is a contract: every example in its "deploys" and "does not
 * deploy" columns is replayed here through `explainPushes` (what `redeploy explain` prints).
 *
 * Cell syntax: `` `a` → `b` `` is a service running `a` and a push of `b`; `(unknown)` is a
 * running tag that was never recorded; a chain `` `a` → `b` → `c` `` replays several pushes
 * (in "does not deploy", every step but the last deploys). `` `policy`: `` sets the policy for
 * the examples that follow it in that cell; without one, the row's own policy applies (a row
 * whose policy is a template, `prefix:<p>`, must name one).
 */

interface Example {
  readonly row: string;
  readonly policy: string;
  readonly running: string | undefined;
  readonly pushed: readonly string[];
  /** Whether the last push deploys (earlier pushes of a chain always do). */
  readonly deploys: boolean;
}

const README = readFileSync(resolve(import.meta.dirname, "../../../README.md"), "utf8");

/** Splits a Markdown table row on its unescaped pipes, unescaping `\|`. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, "|"));
}

const TOKEN = /`([^`]+)`(:)?|\(unknown\)|→/g;

function examples(row: string, defaultPolicy: string | undefined, cell: string, deploys: boolean): Example[] {
  const found: Example[] = [];
  let policy = defaultPolicy;
  const tokens = [...cell.matchAll(TOKEN)].map((m) =>
    m[0] === "→" ? { arrow: true as const } : { text: m[1] ?? "(unknown)", label: m[2] === ":", raw: m[0] },
  );
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token || "arrow" in token) continue;
    if (token.label) {
      policy = token.text;
      continue;
    }
    if (!(tokens[i + 1] && "arrow" in (tokens[i + 1] ?? {}))) continue;
    const running = token.raw === "(unknown)" ? undefined : token.text;
    const pushed: string[] = [];
    while (tokens[i + 1] && "arrow" in (tokens[i + 1] ?? {})) {
      const next = tokens[i + 2];
      if (!next || "arrow" in next || next.raw === "(unknown)")
        throw new Error(`${row}: a dangling → in ${cell}`);
      pushed.push(next.text);
      i += 2;
    }
    if (policy === undefined) throw new Error(`${row}: name the policy before ${token.raw} in ${cell}`);
    found.push({ row, policy, running, pushed, deploys });
  }
  // Every arrow of the cell is an example read here: nothing in the table goes unchecked.
  const arrows = cell.split("→").length - 1;
  if (arrows !== found.reduce((n, e) => n + e.pushed.length, 0))
    throw new Error(`${row}: an arrow this test cannot read in ${cell}`);
  return found;
}

/** The examples of the table that follows "| policy |" in the README's tag-policy section. */
function readmeExamples(): Example[] {
  const lines = README.split("\n");
  const header = lines.findIndex((line) => /^\|\s*policy\s*\|\s*compares\s*\|/.test(line));
  if (header === -1) throw new Error("README: the tag-policy table is gone");
  const found: Example[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const [policyCell = "", , deployCell = "", skipCell = ""] = cells(line);
    const policy = /`([^`]+)`/.exec(policyCell)?.[1] ?? "";
    // `order:alphabetical[:<regex>]` is `order:alphabetical` unless a cell names a regex.
    const plain = policy.replace(/\[[^\]]*\]$/, "");
    const defaultPolicy = plain.includes("<") ? undefined : plain;
    found.push(...examples(policy, defaultPolicy, deployCell, true));
    found.push(...examples(policy, defaultPolicy, skipCell, false));
  }
  return found;
}

const ALL = readmeExamples();

describe("the README's tag-policy table, replayed through redeploy explain", () => {
  it("has examples for every policy, both ways", () => {
    const rows = new Set(ALL.map((e) => e.row));
    for (const row of rows) {
      if (row === "off") continue;
      expect(
        ALL.some((e) => e.row === row && e.deploys),
        `${row}: an example that deploys`,
      ).toBe(true);
      expect(
        ALL.some((e) => e.row === row && !e.deploys),
        `${row}: an example that does not`,
      ).toBe(true);
    }
    expect(rows.size).toBeGreaterThanOrEqual(11);
  });

  it("shows deploy arrows only in the table, where they are replayed", () => {
    const section = README.slice(
      README.indexOf("Tag policies: each decides"),
      README.indexOf("### Platform check"),
    );
    const prose = section
      .split("\n")
      .filter((line) => !line.startsWith("|"))
      .join("\n");
    expect(section.length).toBeGreaterThan(1000);
    expect(prose.match(/`[^`]+`\s*→\s*`[^`]+`/g) ?? []).toEqual([]);
  });

  it.each(
    ALL.map((e) => [
      `${e.policy}: ${e.running ?? "(unknown)"} → ${e.pushed.join(" → ")} ${e.deploys ? "deploys" : "does not deploy"}`,
      e,
    ]),
  )("%s", (_, e) => {
    const explanation = explainPushes(e.policy, {
      ...(e.running !== undefined ? { running: e.running } : {}),
      pushed: e.pushed,
    });
    const reasons = explanation.pushes.map((p) => `${p.tag}: ${p.decision}, ${p.reason}`).join("; ");
    expect(
      explanation.pushes.map((p) => ({ tag: p.tag, decision: p.decision })),
      reasons,
    ).toEqual(
      e.pushed.map((tag, i) => ({
        tag,
        decision: i < e.pushed.length - 1 || e.deploys ? "deploy" : "skip",
      })),
    );
  });
});
