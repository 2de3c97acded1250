/**
 * The central config as `sst deploy` reads it, and what it says about stages. Uses no SST global,
 * so `app()` in sst.config.ts can import it too (to protect the acting stage).
 */
import { readFileSync } from "node:fs";
import {
  type AutopilotConfig,
  stageActs as actsOn,
  ConfigError,
  storedConfig,
} from "../core/config/index.ts";
import { parseValidConfig } from "../core/validateConfig.ts";

/**
 * `autopilot.config.json` next to sst.config.ts when present, else `{}` (the defaults). Only a
 * missing file means the defaults: one that is there but cannot be read fails the deploy, instead
 * of deploying without its acting stage, pass roles and rules.
 */
function readConfigFile(): string {
  try {
    return readFileSync("autopilot.config.json", "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "{}";
    throw new ConfigError("autopilot.config.json", `cannot be read (${(error as Error).message})`);
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
