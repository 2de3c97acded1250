/**
 * Keeps docs/architecture.md true: which folder may import which, no cycles between core's
 * folders, and the state table's keys spelt in one place only. Reads the sources as text.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const TOP = ["core", "runtime", "functions", "cli", "sandbox", "bench", "scripts", "infra"] as const;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const FILES = TOP.flatMap((dir) => sources(dir));

/** Relative imports of a file (static, re-exports and dynamic), resolved to paths from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specifiers = [
    ...text.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"/g),
    ...text.matchAll(/import\(\s*"([^"]+)"\s*\)/g),
    // Side-effect imports: `import "./x.ts";`
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
  ].map((m) => m[1] ?? "");
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => relative(ROOT, normalize(join(ROOT, dirname(file), s))));
}

/** A file's unit: `core/<folder>`, `core/<file>` for core's top-level files, else the top folder. */
function unitOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] !== "core") return parts[0] ?? file;
  return parts.length > 2 ? `core/${parts[1]}` : `core/${(parts[1] ?? "").replace(/\.ts$/, "")}`;
}

/**
 * Core's levels: a unit imports only units of a lower level (and its own files). The same table
 * is in docs/architecture.md.
 */
const CORE_LEVEL: Record<string, number> = {
  "core/errors": 0,
  "core/tags": 0,
  "core/version": 0,
  "core/schemaIssues": 0,
  "core/zod": 0,
  "core/own": 0,
  // The tag-policy language sits below the config, which checks policies at load.
  "core/tagPolicy": 0.5,
  "core/aws": 1,
  "core/config": 1,
  "core/events": 1,
  "core/notify": 1,
  "core/iam": 1,
  "core/state": 2,
  "core/ecs": 2,
  "core/flow": 3,
  // One change to a service at a time: redeploy, right-sizing and the policy's rollback share it.
  "core/serviceChange": 3,
  "core/pricing": 4,
  "core/policy": 5,
  "core/monitor": 5,
  "core/schedule": 5,
  "core/redeploy": 6,
  "core/rightsize": 6,
  // The config checked against the flows' languages (schedules, rule ids and parameters).
  "core/validateConfig": 7,
};

/** The flows: none imports another, but for the edges below. (`core/pricing` is a library they use.) */
const FLOWS = new Set(["core/policy", "core/monitor", "core/schedule", "core/redeploy", "core/rightsize"]);

/** Flow-to-flow edges allowed on purpose, each through the other flow's public entry only. */
const ALLOWED_FLOW_EDGES: Record<string, string[]> = {
  // The redeploy gate asks the policy engine whether a new revision would be enforced against,
  // through the engine's gate entry (not the whole policy index: its loaders would grow the bundle).
  "core/redeploy": ["core/policy/enforcementGate.ts"],
};

/** Which top-level folders each may import (besides itself). */
const LAYERS: Record<string, string[]> = {
  core: [],
  runtime: ["core"],
  functions: ["core", "runtime"],
  // The CLI's `invoke` runs the Lambda entries themselves.
  cli: ["core", "runtime", "functions"],
  sandbox: ["core", "runtime", "functions", "cli", "scripts"],
  bench: ["core", "runtime", "functions", "cli", "sandbox", "scripts"],
  scripts: ["core"],
  // infra builds rules and settings from core's data; handlers are named by path, never imported.
  infra: ["core"],
};

describe("architecture (docs/architecture.md)", () => {
  it("finds the sources it checks", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(FILES).toContain("core/state/keys.ts");
  });

  it("imports only point down the layers: core ← runtime ← functions ← cli, sandbox, bench", () => {
    const violations: string[] = [];
    for (const file of FILES) {
      const top = file.split("/")[0] ?? "";
      for (const target of importsOf(file)) {
        const to = target.split("/")[0] ?? "";
        if (to !== top && !(LAYERS[top] ?? []).includes(to)) violations.push(`${file} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("inside core, a folder imports only lower levels; flows never import each other but on purpose", () => {
    const violations: string[] = [];
    for (const file of FILES.filter((f) => f.startsWith("core/"))) {
      const from = unitOf(file);
      const level = CORE_LEVEL[from];
      if (level === undefined) {
        violations.push(`${file}: ${from} has no level in the table`);
        continue;
      }
      for (const target of importsOf(file)) {
        const to = unitOf(target);
        if (to === from) continue;
        const allowed = (ALLOWED_FLOW_EDGES[from] ?? []).some((prefix) => target.startsWith(prefix));
        if (allowed) continue;
        if (FLOWS.has(from) && FLOWS.has(to)) {
          violations.push(`${file} → ${target} (a flow imports another flow)`);
          continue;
        }
        const targetLevel = CORE_LEVEL[to];
        if (targetLevel === undefined || targetLevel >= level) violations.push(`${file} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("core/notify is a leaf: it renders and sends messages and knows no flow", () => {
    const edges = FILES.filter((f) => f.startsWith("core/notify/")).flatMap((f) =>
      importsOf(f).filter((t) => !["core/notify", "core/errors", "core/zod"].includes(unitOf(t))),
    );
    expect(edges).toEqual([]);
  });

  it("spells state-table keys only in core/state/keys.ts", () => {
    // Every key prefix the layout uses, read from keys.ts itself (`svc#`, `repo#`, …).
    const keysSource = readFileSync(join(ROOT, "core/state/keys.ts"), "utf8");
    const prefixes = [...new Set([...keysSource.matchAll(/[`"]([a-z]+)#/g)].map((m) => m[1] ?? ""))];
    expect(prefixes).toEqual(
      expect.arrayContaining(["svc", "repo", "task", "once", "rollout", "event", "delivered"]),
    );
    const keyLiteral = new RegExp(`["'\`](?:${prefixes.join("|")}|stops|stats)#`);
    const offenders = FILES.filter((f) => f !== "core/state/keys.ts").flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (keyLiteral.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it("matches errors by class, never by name strings (SDK errors by their exported classes)", () => {
    const byName = /\.name\s*[!=]==\s*["'`]\w*(?:Exception|Error)["'`]/;
    const offenders = FILES.flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (byName.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    // fetch's timeout is a DOMException, which has no subclass to match: its name is the platform's way.
    expect(offenders.filter((o) => !o.includes("DOMException"))).toEqual([]);
  });

  it("lists every error code in core/errors.ts's table", () => {
    const table = readFileSync(join(ROOT, "core/errors.ts"), "utf8");
    const codes = FILES.flatMap((file) =>
      [...readFileSync(join(ROOT, file), "utf8").matchAll(/readonly code = "([a-z-]+)"/g)].map(
        (m) => m[1] ?? "",
      ),
    );
    expect(codes.length).toBeGreaterThan(15);
    expect(codes.filter((code) => !table.includes(`| \`${code}\` |`))).toEqual([]);
  });

  it("lets no flow post to Slack itself: messages are returned and delivered by runtime/deliver.ts", () => {
    const posting = FILES.filter((f) => FLOWS.has(unitOf(f))).flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) =>
          /\.post\(|SlackWebhook|SendMessageCommand/.test(line) && !/^\s*(\*|\/\/)/.test(line)
            ? [`${file}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(posting).toEqual([]);
  });

  it("spells autopilot: tag keys only in core/tags.ts", () => {
    const tagLiteral = /["'`]autopilot:[a-z]/;
    const offenders = FILES.filter((f) => f !== "core/tags.ts").flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) =>
          tagLiteral.test(line) && !/^(\/\*\*|\*|\/\/)/.test(line.trim())
            ? [`${file}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps the Lambda entries to composition (≤ 40 lines each besides their imports)", () => {
    const entries = sources("functions");
    expect(entries.length).toBe(7);
    // Imports are counted apart: each entry imports the SDK clients it bundles (CLIENT_CLASSES).
    const importLines = (text: string) =>
      [...text.matchAll(/^import [^;]*;$/gms)].reduce((n, m) => n + m[0].split("\n").length, 0);
    const long = entries
      .map((f) => {
        const text = readFileSync(join(ROOT, f), "utf8").trimEnd();
        return [f, text.split("\n").length - importLines(text)] as const;
      })
      .filter(([, lines]) => lines > 40);
    expect(long).toEqual([]);
  });

  it("names the repository once, as package.json has it (SARIF informationUri and every rule's helpUri)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      repository?: { type: string; url: string };
    };
    const match = /REPOSITORY_URL = "([^"]+)"/.exec(readFileSync(join(ROOT, "core/version.ts"), "utf8"));
    const url = match?.[1];
    expect(url).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    expect(pkg.repository).toEqual({ type: "git", url: `git+${url}.git` });
    const elsewhere = FILES.filter((f) => f !== "core/version.ts").filter((f) =>
      readFileSync(join(ROOT, f), "utf8").includes(url ?? "(none)"),
    );
    expect(elsewhere).toEqual([]);
  });

  it("loads the central config only through validateConfig, so every loader checks every field", () => {
    // core/config parses and checks the schema; the checks against the flows' languages sit above
    // the flows (core/validateConfig.ts). A loader that called core/config directly would skip them.
    const direct = /\b(?:loadConfig|parseConfig)\(/;
    const offenders = FILES.filter(
      (f) => !f.startsWith("core/config/") && f !== "core/validateConfig.ts",
    ).flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) =>
          direct.test(line) && !/^(\/\*\*|\*|\/\/)/.test(line.trim())
            ? [`${file}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
    for (const loader of ["infra/config.ts", "cli/loadCliConfig.ts"])
      expect(readFileSync(join(ROOT, loader), "utf8")).toMatch(/\b(?:loadValidConfig|parseValidConfig)\(/);
    // The functions' runtime is given the checking loader; only notify, which reads no config, is not.
    expect(readFileSync(join(ROOT, "runtime/runtime.ts"), "utf8")).toMatch(
      /\bcreateRuntimeWith\(loadValidConfig,/,
    );
    expect(
      sources("functions").filter((f) => /createRuntimeWith\(/.test(readFileSync(join(ROOT, f), "utf8"))),
    ).toEqual(["functions/notify.ts"]);
    // Every CLI command loads it the one way, with the deployed SSM parameter among the sources.
    for (const command of ["cli/invoke.ts", "cli/policy.ts", "cli/schedule.ts", "cli/redeployPlan.ts"])
      expect(readFileSync(join(ROOT, command), "utf8")).toMatch(/\bloadCliConfig\(/);
  });

  it("defines the version once, as package.json has it", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const version = readFileSync(join(ROOT, "core/version.ts"), "utf8");
    expect(version).toContain(`VERSION = "${pkg.version}"`);
    const elsewhere = FILES.filter((f) => f !== "core/version.ts").filter((f) =>
      readFileSync(join(ROOT, f), "utf8").includes(`"${pkg.version}"`),
    );
    expect(elsewhere).toEqual([]);
  });
});
