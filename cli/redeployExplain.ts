import { type Explanation, explainPushes, formatExplanation } from "../core/redeploy/explainPushes.ts";
import { TagPolicyError } from "../core/tagPolicy/index.ts";
import { loadValidConfig } from "../core/validateConfig.ts";
import { CliError } from "./errors.ts";

export interface ExplainOptions {
  readonly policy: string;
  readonly running?: string;
  readonly pushed?: readonly string[];
  readonly config?: string;
  readonly format?: string;
}

/** A Docker tag: what ECR accepts and what ECS task definitions reference. */
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * `ecs-autopilot redeploy explain --policy P --running TAG --pushed TAG [--pushed TAG …]`:
 * replays pushes in order against a service running TAG and says, per push, deploy or skip and
 * why. Reads nothing from AWS; `--config` only supplies `redeploy.allowPrerelease`.
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
    ...pushed.map((tag) => ["--pushed", tag] as const),
  ])
    if (!TAG.test(tag)) throw new CliError(`${flag} '${tag}' is not a valid image tag`);
  const config = await loadValidConfig({ ...(options.config ? { file: options.config } : {}) }).catch(
    (error: Error) => {
      throw new CliError(error.message);
    },
  );
  let explanation: Explanation;
  try {
    explanation = explainPushes(options.policy, {
      ...(options.running !== undefined ? { running: options.running } : {}),
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
