import { type Explanation, explainPushes, formatExplanation } from "../core/redeploy/explainPushes.ts";
import { parseVersion, TagPolicyError } from "../core/tagPolicy/index.ts";
import { CliError } from "./errors.ts";
import { loadCliConfig } from "./loadCliConfig.ts";

export interface ExplainOptions {
  readonly policy: string;
  readonly running?: string;
  /** The service's `autopilot:last-version:<container>` revision tag, when it runs a non-version tag. */
  readonly lastVersion?: string;
  readonly pushed?: readonly string[];
  readonly config?: string;
  readonly format?: string;
}

/** A Docker tag: what ECR accepts and what ECS task definitions reference. */
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * `ecs-autopilot redeploy explain --policy P --running TAG --pushed TAG [--pushed TAG …]`:
 * replays pushes in order against a service running TAG and says, per push, deploy or skip and
 * why. Reads nothing from AWS; `--config` only supplies `redeploy.allowPrerelease`; `--last-version`
 * is the service's `autopilot:last-version:<container>` revision tag (what `any` compares a version
 * with while a non-version tag runs).
 */
export async function redeployExplain(
  options: ExplainOptions,
): Promise<{ output: string; explanation: Explanation }> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new CliError(`--format must be text or json, not '${format}'`);
  const pushed = options.pushed ?? [];
  if (pushed.length === 0) throw new CliError("give at least one --pushed TAG");
  for (const [flag, tag] of [
    ...(options.running !== undefined ? [["--running", options.running] as const] : []),
    ...(options.lastVersion !== undefined ? [["--last-version", options.lastVersion] as const] : []),
    ...pushed.map((tag) => ["--pushed", tag] as const),
  ])
    if (!TAG.test(tag)) throw new CliError(`${flag} '${tag}' is not a valid image tag`);
  if (options.lastVersion !== undefined && !parseVersion(options.lastVersion))
    throw new CliError(
      `--last-version '${options.lastVersion}' is not a version (X.Y or X.Y.Z, optionally v-prefixed)`,
    );
  const config = await loadCliConfig(options.config);
  let explanation: Explanation;
  try {
    explanation = explainPushes(options.policy, {
      ...(options.running !== undefined ? { running: options.running } : {}),
      ...(options.lastVersion !== undefined ? { lastVersion: options.lastVersion } : {}),
      pushed,
      allowPrerelease: config.redeploy.allowPrerelease,
    });
  } catch (error) {
    if (error instanceof TagPolicyError) throw new CliError(`--policy: ${error.message}`);
    throw error;
  }
  return {
    output: format === "json" ? JSON.stringify(explanation, null, 2) : formatExplanation(explanation),
    explanation,
  };
}
