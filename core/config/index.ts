export { AutopilotConfig, DEFAULT_CONFIG, RedeployRule } from "./AutopilotConfig.ts";
export { ConfigError } from "./errors.ts";
export { type ConfigSources, loadConfig, parseConfig } from "./loadConfig.ts";
export { matchesGlob } from "./nameGlob.ts";
