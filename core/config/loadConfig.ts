import { readFile } from "node:fs/promises";
import { GetParameterCommand, ParameterNotFound, type SSMClient } from "@aws-sdk/client-ssm";
import { describeIssues, type SchemaIssue } from "../schemaIssues.ts";
import { AutopilotConfig, DEFAULT_CONFIG } from "./AutopilotConfig.ts";
import { ConfigError, ConfigUnavailableError } from "./errors.ts";
import { configFromStored } from "./storedConfig.ts";

/**
 * Checks of a config that fits the schema against the languages of the flows (schedules, rule
 * ids, rule parameters), each problem with its JSON path. The config sits below the flows, so the
 * check is passed in from above: `validateConfig` in core/validateConfig.ts, which every loader
 * uses (`loadValidConfig`, `parseValidConfig`).
 */
export type ConfigCheck = (config: AutopilotConfig) => readonly SchemaIssue[];

/**
 * Parses and validates configuration text. Errors name the source and the JSON path.
 *
 * @example
 * parseConfig('{"redeploy":{"rules":[{"cluster":"prod-*","policy":"minor"}]}}', "config.json");
 */
export function parseConfig(text: string, source: string, check?: ConfigCheck): AutopilotConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, `not valid JSON (${(error as Error).message})`);
  }
  const result = AutopilotConfig.safeParse(json);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error.issues, "(root)"));
  const problems = check?.(result.data) ?? [];
  if (problems.length > 0) throw new ConfigError(source, describeIssues(problems, "(root)"));
  return result.data;
}

export interface ConfigSources {
  /** A file path (CLI `--config`). */
  readonly file?: string;
  /** Environment: `AUTOPILOT_CONFIG` (inline JSON) or `AUTOPILOT_CONFIG_PARAMETER` (SSM parameter name). */
  readonly env?: NodeJS.ProcessEnv;
  readonly ssm?: SSMClient;
  /** The checks beyond the schema ({@link ConfigCheck}). */
  readonly check?: ConfigCheck;
}

/**
 * Loads the central configuration from, in order: a file, `AUTOPILOT_CONFIG`, the SSM parameter
 * named by `AUTOPILOT_CONFIG_PARAMETER`; the defaults when none is set.
 */
export async function loadConfig(sources: ConfigSources = {}): Promise<AutopilotConfig> {
  const env = sources.env ?? process.env;
  const { check } = sources;
  if (sources.file) {
    let text: string;
    try {
      text = await readFile(sources.file, "utf8");
    } catch (error) {
      throw new ConfigUnavailableError(sources.file, `${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    return parseConfig(text, sources.file, check);
  }
  if (env.AUTOPILOT_CONFIG) return parseConfig(env.AUTOPILOT_CONFIG, "AUTOPILOT_CONFIG", check);
  const parameter = env.AUTOPILOT_CONFIG_PARAMETER;
  if (parameter && !sources.ssm)
    // Never the defaults in place of a named config: a redrive or a plan would run without its rules.
    throw new ConfigUnavailableError(
      `SSM parameter ${parameter}`,
      "it is named by AUTOPILOT_CONFIG_PARAMETER but this caller has no SSM client to read it",
    );
  if (parameter && sources.ssm) {
    const source = `SSM parameter ${parameter}`;
    const response = await sources.ssm
      .send(new GetParameterCommand({ Name: parameter, WithDecryption: true }))
      .catch((error: unknown) => {
        // Not there: a setting to fix, not a fault to retry. Anything else (throttling, a
        // network error) stays as it is, and the invocation is retried.
        if (error instanceof ParameterNotFound)
          throw new ConfigUnavailableError(
            source,
            "no such parameter in this account and region (ParameterNotFound; AUTOPILOT_CONFIG_PARAMETER names it)",
          );
        throw error;
      });
    return parseConfig(configFromStored(response.Parameter?.Value ?? "{}", source), source, check);
  }
  return DEFAULT_CONFIG;
}
