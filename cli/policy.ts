import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import picomatch from "picomatch";
import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import {
  atOrAbove,
  auditAccount,
  type Evaluation,
  evaluateResource,
  formatJson,
  formatText,
  ModulesNotExpandedError,
  PolicyInputError,
  RESOURCE_LABEL,
  ruleCatalogue,
  type Severity,
  toSarif,
  type UnknownResult,
} from "../core/policy/index.ts";
import type { LoadedResource } from "../core/policy/LoadedResource.ts";
import { loadPolicyFile, NOT_AN_ECS_INPUT, POLICY_INPUT } from "../core/policy/loadPolicyFile.ts";
import { CliError, EXIT } from "./errors.ts";
import { loadCliConfig } from "./loadCliConfig.ts";

const CANDIDATE = POLICY_INPUT;
/** `.terraform` holds downloaded providers and modules, not the user's configuration. */
const SKIPPED_DIRECTORIES = new Set([
  "node_modules",
  ".git",
  ".sst",
  ".venv",
  "dist",
  "coverage",
  ".terraform",
]);

/**
 * `--exclude` globs: one with a `/` matches the path from the directory given on the command line
 * (`charts/**`), one without matches any file or directory name (`*.tpl.yaml`, `fixtures`).
 */
function excluder(globs: readonly string[]): (relativePath: string) => boolean {
  const matchers = globs.map((glob) => {
    const match = picomatch(glob.replace(/^\.\//, ""), { dot: true });
    return glob.includes("/") ? match : (path: string) => match(path.slice(path.lastIndexOf("/") + 1));
  });
  return (path) => matchers.some((match) => match(path));
}

async function walk(
  directory: string,
  excluded: (relativePath: string) => boolean,
  prefix = "",
): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    const relativePath = `${prefix}${entry.name}`;
    if (excluded(relativePath)) continue;
    if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name))
      files.push(...(await walk(path, excluded, `${relativePath}/`)));
    else if (entry.isFile() && CANDIDATE.test(entry.name)) files.push(path);
  }
  return files.sort();
}

/**
 * The root SARIF paths are relative to: the git repository around `cwd` (GitHub code scanning
 * maps paths from the checkout's root, so a check run in `infra/` still lands on the right
 * file), else `cwd` itself.
 */
export function sourceRoot(cwd = process.cwd()): string {
  for (let directory = resolve(cwd); ; directory = dirname(directory)) {
    if (existsSync(join(directory, ".git"))) return directory;
    if (dirname(directory) === directory) return resolve(cwd);
  }
}

export interface CheckOptions {
  readonly format?: string;
  readonly config?: string;
  readonly failOn?: string;
  /** Globs of files and directories not to check (`--exclude`, repeatable). */
  readonly exclude?: readonly string[];
  /** Exit 1 also on a rule at or above `--fail-on` that a value filled in at deploy time keeps from deciding. */
  readonly failOnUnknown?: boolean;
}

/** An unexpected error as one line: its class and the first line of its message. */
const oneLine = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);

/**
 * `ecs-autopilot policy check <files|dirs…>`: exit 0 clean, 1 findings at or above `--fail-on`,
 * 2 bad input or usage. Named files must hold ECS resources (task definitions, services, clusters,
 * task sets, capacity providers); in directories, JSON/YAML/Terraform files that hold none are
 * passed over, but files that do not parse are errors. A file that cannot be checked, for any
 * reason, is one line naming it and exit 2; the other files are still checked and reported.
 *
 * A rule that could not decide is reported as unknown, never passed silently. At or above
 * `--fail-on`:
 * - because of a value of the wrong type for its field (`"privileged": "TRUE"`, a `null` container
 *   definition): exit 1, as a finding — nothing will fill that value in, the file is wrong;
 * - because of a value filled in at deploy time (a variable, parameter, reference or function, a CI
 *   placeholder such as `${IMAGE}`): a note saying how many and which, and no change to the exit
 *   code — the template cannot say more, and the account-side policy checks the registered
 *   revision — unless `--fail-on-unknown`, which makes them exit 1 too.
 * A Terraform file in a directory that only calls modules is a note (its modules are not looked
 * into); a run that checked nothing at all says so and exits 2, never passes.
 */
export async function policyCheck(
  paths: readonly string[],
  options: CheckOptions,
): Promise<{ output: string; errors: string[]; notes: string[]; exitCode: number }> {
  const format = options.format ?? "text";
  if (!["text", "json", "sarif"].includes(format))
    throw new CliError(`--format must be text, json or sarif, not '${format}'`);
  const failOn = (options.failOn ?? "low") as Severity;
  if (!["high", "medium", "low"].includes(failOn))
    throw new CliError(`--fail-on must be high, medium or low, not '${options.failOn}'`);
  if (paths.length === 0) throw new CliError("name at least one file or directory");
  const config = await loadCliConfig(options.config);
  const excluded = excluder(options.exclude ?? []);
  const errors: string[] = [];
  const notes: string[] = [];
  const evaluations: Evaluation[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      errors.push(`${path}: no such file or directory`);
      continue;
    }
    const fromDirectory = info.isDirectory();
    const files = fromDirectory
      ? await walk(path, excluded).catch((error: unknown) => {
          errors.push(`${path}: cannot be listed (${oneLine(error)})`);
          return [];
        })
      : [path];
    // One file's failure, whatever it is, is that file's: the others are still checked and reported.
    for (const file of files) {
      try {
        const resources: LoadedResource[] = await loadPolicyFile(file);
        evaluations.push(...resources.map((resource) => evaluateResource(resource, config.policy)));
      } catch (error) {
        if (error instanceof ModulesNotExpandedError && fromDirectory) notes.push(error.message);
        else if (error instanceof PolicyInputError) {
          if (fromDirectory && NOT_AN_ECS_INPUT.test(error.problem)) continue;
          errors.push(error.message);
        } else errors.push(`${file}: could not be checked (${oneLine(error)})`);
      }
    }
  }
  // Nothing checked is not clean: a CI job pointed at the wrong directory, or at modules only, must not pass.
  if (evaluations.length === 0 && errors.length === 0)
    errors.push(
      `nothing was checked: no ECS resource found in ${paths.join(", ")}${notes.length > 0 ? " (see the notes above)" : ""}`,
    );
  const output =
    format === "sarif"
      ? JSON.stringify(toSarif(evaluations, sourceRoot()), null, 2)
      : format === "json"
        ? formatJson(evaluations)
        : formatText(evaluations);
  const undecided = evaluations.flatMap((e) => atOrAbove(e.unknown, failOn));
  const invalid = undecided.filter((u) => u.invalid);
  const later = undecided.filter((u) => !u.invalid);
  const where = (u: UnknownResult) =>
    `${u.ruleId} ${u.file ?? u.subject}${u.location ? `:${u.location.line}` : ""}`;
  const listed = (list: readonly UnknownResult[]) =>
    `${list.slice(0, 10).map(where).join(", ")}${list.length > 10 ? ` and ${list.length - 10} more` : ""}`;
  if (invalid.length > 0)
    notes.push(
      `${invalid.length} rule(s) at or above ${failOn} could not decide because a value has the wrong type for its field, which fails the check (UNKNOWN in the report): ${listed(invalid)}`,
    );
  if (later.length > 0)
    notes.push(
      options.failOnUnknown
        ? `${later.length} rule(s) at or above ${failOn} could not decide because a value is filled in at deploy time, which fails the check with --fail-on-unknown (UNKNOWN in the report): ${listed(later)}`
        : `${later.length} rule(s) at or above ${failOn} could not decide because a value is filled in at deploy time (a variable, a reference, a CI placeholder); they do not fail the check (--fail-on-unknown makes them fail), and the policy in the account checks the registered revision (UNKNOWN in the report): ${listed(later)}`,
    );
  const failing =
    evaluations.some((e) => atOrAbove(e.findings, failOn).length > 0) ||
    invalid.length > 0 ||
    (options.failOnUnknown === true && later.length > 0);
  return {
    output,
    errors,
    notes,
    exitCode: errors.length > 0 ? EXIT.usage : failing ? EXIT.failed : EXIT.ok,
  };
}

/** `ecs-autopilot policy rules [--format json]`: the catalogue with its mappings. */
export function policyRules(format = "text"): string {
  const catalogue = ruleCatalogue();
  if (format === "json") return JSON.stringify(catalogue, null, 2);
  if (format !== "text") throw new CliError(`--format must be text or json, not '${format}'`);
  return catalogue
    .map(
      (r) =>
        `${r.id}  ${r.severity.padEnd(6)}  ${r.title}${r.resource === "taskDefinition" ? "" : ` (${RESOURCE_LABEL[r.resource]})`}${r.enabledByDefault ? "" : " [off by default]"}${[r.securityHub && `Security Hub ${r.securityHub}`, r.awsConfig && `Config ${r.awsConfig}`, r.checkov && `Checkov ${r.checkov}`].filter(Boolean).length ? `  [${[r.securityHub && `Security Hub ${r.securityHub}`, r.awsConfig && `Config ${r.awsConfig}`, r.checkov && `Checkov ${r.checkov}`].filter(Boolean).join(", ")}]` : ""}`,
    )
    .join("\n");
}

/**
 * `ecs-autopilot policy audit [--format json]`: the daily audit, on demand, against the current
 * account. In text, one line per revision in use (rules that could not decide as `unknown:`), one
 * per revision that could not be read (`not checked`, with the reason), one per other resource,
 * then the totals; revisions in use count the unread ones, which are never compliant.
 */
export async function policyAudit(
  options: { format?: string; config?: string },
  clients?: AwsClients,
): Promise<string> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new CliError(`--format must be text or json, not '${format}'`);
  const config = await loadCliConfig(options.config);
  const audit = await auditAccount(clients ?? createAwsClients(), config.policy);
  if (format === "json") return JSON.stringify(audit, null, 2);
  const lines = audit.revisions.map(
    (r) =>
      `${r.taskDefinition.padEnd(32)} ${String(r.bySeverity.high).padStart(3)} high ${String(r.bySeverity.medium).padStart(3)} medium ${String(r.bySeverity.low).padStart(3)} low  ${r.rules.join(" ")}${r.unknown.length ? `  unknown: ${r.unknown.join(" ")}` : ""}  (${r.usedBy.join(", ")})`,
  );
  // A revision in use that could not be read is named with the reason: never left out, never compliant.
  for (const u of audit.unchecked)
    lines.push(
      `${u.taskDefinition.padEnd(32)} not checked: could not be read (${u.reason})  (${u.usedBy.join(", ")})`,
    );
  for (const r of audit.resources)
    lines.push(
      `${`${RESOURCE_LABEL[r.resourceType]} ${r.name}`.padEnd(32)} ${String(r.bySeverity.high).padStart(3)} high ${String(r.bySeverity.medium).padStart(3)} medium ${String(r.bySeverity.low).padStart(3)} low  ${r.rules.join(" ")}${r.unknown.length ? `  unknown: ${r.unknown.join(" ")}` : ""}`,
    );
  lines.push(
    `${audit.resourceTotals.resources} services, task sets, clusters and capacity providers, ${audit.resourceTotals.compliant} compliant; ${audit.resourceTotals.high} high, ${audit.resourceTotals.medium} medium, ${audit.resourceTotals.low} low findings (reported, never changed)`,
  );
  const { totals } = audit;
  lines.push(
    `${totals.revisions + totals.unchecked} revisions in use, ${totals.compliant} compliant${totals.unchecked ? `, ${totals.unchecked} could not be read (not checked)` : ""}; ${totals.high} high, ${totals.medium} medium, ${totals.low} low findings${totals.unknown ? `, ${totals.unknown} unknown` : ""}`,
  );
  return lines.join("\n");
}
