export {
  AutopilotConfig,
  DEFAULT_CONFIG,
  RedeployRule,
  SlackRoute,
  STOP_CLASS_NAMES,
} from "./AutopilotConfig.ts";
export { ConfigError } from "./errors.ts";
export { type ConfigSources, loadConfig, parseConfig } from "./loadConfig.ts";
export { matchesGlob } from "./nameGlob.ts";
export { stageActs } from "./stages.ts";
export {
  COMPRESSED_PREFIX,
  configFromStored,
  PARAMETER_LIMITS,
  type StoredConfig,
  storedConfig,
} from "./storedConfig.ts";
