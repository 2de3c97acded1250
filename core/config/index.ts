export {
  AutopilotConfig,
  DEFAULT_CONFIG,
  Glob,
  RedeployRule,
  SlackRoute,
  STOP_CLASS_NAMES,
} from "./AutopilotConfig.ts";
export { ConfigError, ConfigUnavailableError } from "./errors.ts";
export { type ConfigCheck, type ConfigSources, loadConfig, parseConfig } from "./loadConfig.ts";
export { compileNameGlob, matchesGlob, NAME_GLOB_SYNTAX } from "./nameGlob.ts";
export { stageActs } from "./stages.ts";
export {
  COMPRESSED_PREFIX,
  configFromStored,
  PARAMETER_LIMITS,
  type StoredConfig,
  storedConfig,
} from "./storedConfig.ts";
