/**
 * docs/github-actions-policy.yml, run as GitHub would run its steps (review 14, defect 4): it
 * installs ecs-autopilot from its git repository at a pinned commit and runs that copy, never a
 * package of that name from the npm registry. The steps' own scripts run here with bash, against
 * this checkout as the git repository.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPOSITORY_URL } from "../../../core/version.ts";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
const run = promisify(execFile);

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
}
const workflow = parse(readFileSync(join(ROOT, "docs", "github-actions-policy.yml"), "utf8")) as {
  env: Record<string, string>;
  jobs: { policy: { steps: Step[] } };
};
const steps = workflow.jobs.policy.steps;
const step = (name: string) => {
  const found = steps.find((s) => s.name === name)?.run;
  if (!found) throw new Error(`no step '${name}' with a script`);
  return found;
};

/** A step's script in bash with the given environment; exit code and output. */
async function bash(script: string, env: Record<string, string>, cwd = ROOT) {
  try {
    const { stdout, stderr } = await run("bash", ["-e", "-c", script], {
      cwd,
      env: { ...process.env, npm_config_loglevel: "error", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the GitHub Actions workflow for policy check", () => {
  it("names the project's repository and runs ecs-autopilot only as the copy it installed", () => {
    expect(workflow.env.ECS_AUTOPILOT_GIT).toBe(`${REPOSITORY_URL}.git`);
    const scripts = steps.flatMap((s) => (s.run ? [s.run] : []));
    const invocations = scripts.flatMap((s) => s.match(/\S+(?: \S+)* ecs-autopilot policy/g) ?? []);
    expect(invocations).toEqual([
      `npx --no-install --prefix "$RUNNER_TEMP/ecs-autopilot" ecs-autopilot policy`,
    ]);
    // The order: fetch, install from the lockfile, check, upload.
    expect(steps.map((s) => s.name ?? s.uses)).toEqual([
      "actions/checkout@v4",
      "actions/setup-node@v4",
      "Fetch ecs-autopilot at the pinned commit",
      "Install its dependencies",
      "Check task definitions, services and clusters",
      "Upload to code scanning",
    ]);
    expect(step("Install its dependencies")).toBe("npm ci --no-audit --no-fund");
  });

  it("fetches exactly the pinned commit, and refuses to run without a full commit SHA", async () => {
    const head = (await run("git", ["rev-parse", "HEAD"], { cwd: ROOT })).stdout.trim();
    const fetch = step("Fetch ecs-autopilot at the pinned commit");
    const at = (commit: string) => {
      const temp = mkdtempSync(join(tmpdir(), "ecs-autopilot-runner-"));
      return {
        temp,
        result: bash(fetch, {
          ECS_AUTOPILOT_GIT: `file://${ROOT}`,
          ECS_AUTOPILOT_COMMIT: commit,
          RUNNER_TEMP: temp,
        }),
      };
    };
    const pinned = at(head);
    expect((await pinned.result).code).toBe(0);
    const copy = join(pinned.temp, "ecs-autopilot");
    expect((await run("git", ["rev-parse", "HEAD"], { cwd: copy })).stdout.trim()).toBe(head);
    expect(existsSync(join(copy, "bin", "ecs-autopilot.mjs"))).toBe(true);
    // As shipped, the placeholder stops the job with one error saying what to set.
    const unset = await at(workflow.env.ECS_AUTOPILOT_COMMIT ?? "").result;
    expect(unset.code).toBe(1);
    expect(unset.stdout).toContain("::error::ECS_AUTOPILOT_COMMIT must be a full 40-character commit SHA");
    // A branch name or a short SHA can move or be ambiguous: refused the same way.
    expect((await at("main").result).code).toBe(1);
    expect((await at(head.slice(0, 12)).result).code).toBe(1);
  });

  it("checks the workspace with that copy and writes SARIF, exit 1 on a high finding", async () => {
    // The installed copy: this checkout, whose node_modules the install step would have made.
    const temp = mkdtempSync(join(tmpdir(), "ecs-autopilot-runner-"));
    symlinkSync(ROOT, join(temp, "ecs-autopilot"));
    const workspace = mkdtempSync(join(tmpdir(), "ecs-autopilot-workspace-"));
    writeFileSync(
      join(workspace, "td.json"),
      JSON.stringify({
        family: "web",
        containerDefinitions: [{ name: "a", image: "nginx", privileged: true }],
      }),
    );
    const check = await bash(
      step("Check task definitions, services and clusters"),
      { RUNNER_TEMP: temp },
      workspace,
    );
    expect(check.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(workspace, "ecs-policy.sarif"), "utf8")) as {
      runs: Array<{ results: Array<{ ruleId: string }> }>;
    };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain("ECS001");
  });
});
