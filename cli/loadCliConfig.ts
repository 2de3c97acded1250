import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import type { AutopilotConfig } from "../core/config/index.ts";
import { loadValidConfig } from "../core/validateConfig.ts";
import { CliError } from "./errors.ts";

/**
 * The config a CLI command runs with, from the same sources as the deployed functions: `--config`
 * FILE, else `AUTOPILOT_CONFIG`, else the SSM parameter named by `AUTOPILOT_CONFIG_PARAMETER`
 * (which `npx sst shell` sets), else the defaults. A config that cannot be read or is invalid is a
 * CLI error (exit 2) naming the source and the JSON path.
 *
 * @example
 * const config = await loadCliConfig(options.config); // under `npx sst shell`: the deployed config
 */
export function loadCliConfig(file: string | undefined, clients?: AwsClients): Promise<AutopilotConfig> {
  const env = process.env;
  // The SSM client only when a parameter is named: `policy check` in CI needs no AWS at all.
  const ssm =
    !file && !env.AUTOPILOT_CONFIG && env.AUTOPILOT_CONFIG_PARAMETER
      ? { ssm: (clients ?? createAwsClients()).ssm }
      : {};
  return loadValidConfig({ ...(file ? { file } : {}), env, ...ssm }).catch((error: Error) => {
    throw new CliError(error.message);
  });
}
