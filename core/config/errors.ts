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

/**
 * The central configuration could not be read at all (a file that is not there, an SSM parameter
 * that does not exist or that this caller has no client for). Never replaced by the defaults: a
 * flow or a plan would run without its rules.
 */
export class ConfigUnavailableError extends AutopilotError {
  override readonly name = "ConfigUnavailableError";
  readonly code = "config-unavailable";
  constructor(
    /** Where the configuration was to come from: a file path or an SSM parameter. */
    readonly source: string,
    readonly reason: string,
  ) {
    super(`the configuration in ${source} cannot be read: ${reason}`);
  }
}
