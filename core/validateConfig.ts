/**
 * The central config checked against the languages of the flows, at load: every loader (the
 * functions' runtime, the CLI's `--config`, `sst deploy`, the sandbox) goes through
 * {@link loadValidConfig} or {@link parseValidConfig}, so a config that a flow could not use fails
 * where it is loaded, with its JSON path, instead of later, per service. Above the flows on
 * purpose: it reads the schedule language and the rule catalogue's ids and parameter shapes
 * (data only, never the rule implementations, to keep every function's bundle lean).
 */
import { type AutopilotConfig, type ConfigSources, loadConfig, parseConfig } from "./config/index.ts";
import { POLICY_RULE_IDS, RULE_PARAMS } from "./policy/ruleParams.ts";
import { MAX_ACTIONS_PER_TARGET, planScheduledActions, upBelowOff } from "./schedule/planScheduledActions.ts";
import {
  parseDate,
  parseScheduleObject,
  parseScheduleTag,
  ScheduleError,
  type ScheduleSpec,
} from "./schedule/ScheduleSpec.ts";
import type { SchemaIssue } from "./schemaIssues.ts";

const RULE_IDS: ReadonlySet<string> = new Set(POLICY_RULE_IDS);
const CATALOGUE = `${POLICY_RULE_IDS[0]}–${POLICY_RULE_IDS[POLICY_RULE_IDS.length - 1]}, listed by \`ecs-autopilot policy rules\``;

/**
 * What is wrong with a config that fits the schema, each problem with its JSON path: rule ids
 * outside the catalogue (`policy.rules`, `policy.exemptions[].rule`), rule parameters of the
 * wrong shape or name, schedules the schedule language does not read, holidays that are not
 * calendar dates, and what the schedule planner (core/schedule/planSchedules.ts) would refuse for
 * every service a schedule rule matches: an `upCapacity` whose max is below the rule's
 * `offCapacity`, and a schedule that needs more scheduled actions than Application Auto Scaling
 * allows per service (its windows split around every holiday still to come as of `now`, the
 * config's own included). Empty when the config is good. (Tag policies, their regular
 * expressions, every glob and `upCapacity` min ≤ max are already checked by the schema; a
 * service's tags are not config and are checked per service.)
 *
 * @example
 * validateConfig(parseConfig('{"policy":{"rules":{"ECS999":{"enabled":false}}}}', "x.json"));
 * // [{ path: ["policy", "rules", "ECS999"], message: "unknown rule id 'ECS999' (…)" }]
 */
export function validateConfig(config: AutopilotConfig, now: Date = new Date()): SchemaIssue[] {
  const problems: SchemaIssue[] = [];
  for (const [ruleId, settings] of Object.entries(config.policy.rules)) {
    const path = ["policy", "rules", ruleId];
    if (!RULE_IDS.has(ruleId)) {
      problems.push({ path, message: `unknown rule id '${ruleId}' (the catalogue: ${CATALOGUE})` });
      continue;
    }
    if (settings.params === undefined) continue;
    const shape = RULE_PARAMS[ruleId];
    if (!shape) {
      problems.push({ path: [...path, "params"], message: `${ruleId} takes no parameters` });
      continue;
    }
    const parsed = shape.safeParse(settings.params);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        problems.push({ path: [...path, "params", ...issue.path], message: issue.message });
  }
  config.policy.exemptions.forEach((exemption, i) => {
    if (!RULE_IDS.has(exemption.rule))
      problems.push({
        path: ["policy", "exemptions", i, "rule"],
        message: `unknown rule id '${exemption.rule}' (the catalogue: ${CATALOGUE})`,
      });
  });
  let holidaysValid = true;
  config.schedule.holidays.forEach((holiday, i) => {
    try {
      parseDate("schedule.holidays", holiday);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      holidaysValid = false;
      problems.push({
        path: ["schedule", "holidays", i],
        message: `'${holiday}' is not a calendar date (YYYY-MM-DD)`,
      });
    }
  });
  config.schedule.services.forEach((service, i) => {
    const { schedule, offCapacity, upCapacity } = service;
    const path = ["schedule", "services", i];
    // What planSchedules.ts would refuse for every service ("the up capacity … is below the off capacity").
    if (upCapacity && upBelowOff(upCapacity.max, offCapacity ?? 0))
      problems.push({
        path,
        message: `upCapacity ${upCapacity.min}-${upCapacity.max} is below offCapacity ${offCapacity}: the service would run more tasks off hours than up (upCapacity.max must be at least offCapacity)`,
      });
    let spec: ScheduleSpec;
    try {
      spec = typeof schedule === "string" ? parseScheduleTag(schedule) : parseScheduleObject(schedule);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.push({ path: [...path, "schedule"], message: scheduleProblem(error) });
      return;
    }
    if (!holidaysValid) return;
    let tooMany: string | undefined;
    try {
      const needed = actionsNeeded(spec, config.schedule.holidays, now);
      if (needed > MAX_ACTIONS_PER_TARGET)
        tooMany = `needs ${needed} scheduled actions; Application Auto Scaling allows ${MAX_ACTIONS_PER_TARGET} per service`;
    } catch (error) {
      // The planner's own refusal (more than the limit before the override's end is added).
      if (!(error instanceof ScheduleError)) throw error;
      tooMany = error.problem;
    }
    if (tooMany)
      problems.push({
        path: [...path, "schedule"],
        message: `${tooMany} (with the holidays still to come, schedule.holidays included)`,
      });
  });
  return problems;
}

/**
 * The most scheduled actions a schedule needs from `now` on, with the config's holidays added as
 * the planner adds them (core/schedule/scheduleSource.ts): an override (`until`) only removes
 * actions while it holds, and adds the one that ends it.
 */
function actionsNeeded(spec: ScheduleSpec, holidays: readonly string[], now: Date): number {
  const { upUntil, ...withoutOverride } = spec;
  const all = [...new Set([...spec.holidays, ...holidays])].sort();
  const none = { min: 0, max: 0 };
  return (
    planScheduledActions({ ...withoutOverride, holidays: all }, { up: none, off: none }, now).length +
    (upUntil ? 1 : 0)
  );
}

/** A schedule error without the schedule's text, which the JSON path already points at. */
const scheduleProblem = (error: ScheduleError): string =>
  error.part ? `'${error.part}': ${error.problem}` : error.problem;

/**
 * {@link parseConfig} and {@link validateConfig}: the config from text, or a `ConfigError`
 * naming the source and every JSON path that is wrong.
 *
 * @example
 * parseValidConfig(readFileSync("autopilot.config.json", "utf8"), "autopilot.config.json");
 */
export function parseValidConfig(text: string, source: string): AutopilotConfig {
  return parseConfig(text, source, validateConfig);
}

/**
 * {@link loadConfig} and {@link validateConfig}: the config from a file, `AUTOPILOT_CONFIG` or
 * SSM (the defaults when none is set), or a `ConfigError` naming the source and the JSON paths.
 *
 * @example
 * const config = await loadValidConfig({ file: "autopilot.config.json" });
 */
export function loadValidConfig(sources: Omit<ConfigSources, "check"> = {}): Promise<AutopilotConfig> {
  return loadConfig({ ...sources, check: validateConfig });
}
