import type { AutopilotConfig } from "./AutopilotConfig.ts";

/**
 * Whether a stage acts on the account: the acting stage (`deploy.actingStage`, default
 * `production`) and the stages listed in `deploy.alsoActing`. Every other stage (a teammate's
 * `sst dev` stage, a staging stage in the production account) runs the same code in dry-run: it
 * receives the same events and schedules, plans and reports to its own Slack or log, but its
 * functions change nothing and its roles could not (README, "Stages").
 *
 * @example
 * stageActs(DEFAULT_CONFIG, "production"); // true
 * stageActs(DEFAULT_CONFIG, "alice"); // false
 */
export function stageActs(config: AutopilotConfig, stage: string): boolean {
  return stage === config.deploy.actingStage || config.deploy.alsoActing.includes(stage);
}
