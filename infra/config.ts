/**
 * The central config as `sst deploy` reads it, and what it says about stages. Uses no SST global,
 * so `app()` in sst.config.ts can import it too (to protect the acting stage).
 */
import { readFileSync } from "node:fs";
import { type AutopilotConfig, stageActs as actsOn, storedConfig } from "../core/config/index.ts";
import { parseValidConfig } from "../core/validateConfig.ts";

/** `autopilot.config.json` next to sst.config.ts when present, else `{}` (the defaults). */
function readConfigFile(): string {
  try {
    return readFileSync("autopilot.config.json", "utf8");
  } catch {
    return "{}";
  }
}

const configText = readConfigFile();

/**
 * Validated here (schema and the flows' languages: tag policies, globs, schedules, holidays, rule
 * ids and parameters), so that a bad config fails `sst deploy` with its JSON path instead of the
 * first event.
 */
export const config: AutopilotConfig = parseValidConfig(configText, "autopilot.config.json");

/** What goes into the SSM parameter: its value and tier (compressed when over the Standard tier's 4,096 characters). */
export const stored = storedConfig(configText);

/** Whether `stage` acts on the account (core/config/stages.ts). */
export const stageActs = (stage: string): boolean => actsOn(config, stage);
