import { AutopilotError } from "../errors.ts";
/** The central configuration is not valid JSON or does not fit the schema. */
export class ConfigError extends AutopilotError {
  override readonly name = "ConfigError";
  readonly code = "config-invalid";
  constructor(
    /** Where the configuration came from: a file path, an SSM parameter or an environment variable. */
    readonly source: string,
    readonly problems: string,
  ) {
    super(`invalid configuration in ${source}: ${problems}`);
  }
}
