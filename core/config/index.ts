export {
  AutopilotConfig,
  DEFAULT_CONFIG,
  RedeployRule,
  SlackRoute,
  STOP_CLASS_NAMES,
} from "./AutopilotConfig.ts";
export { ConfigError } from "./errors.ts";
export { type ConfigSources, loadConfig, parseConfig } from "./loadConfig.ts";
export { compileNameGlob, matchesGlob, NAME_GLOB_SYNTAX } from "./nameGlob.ts";
