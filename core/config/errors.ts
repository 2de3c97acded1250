/** The central configuration is not valid JSON or does not fit the schema. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** Where the configuration came from: a file path, an SSM parameter or an environment variable. */
    readonly source: string,
    readonly problems: string,
  ) {
    super(`invalid configuration in ${source}: ${problems}`);
  }
}
