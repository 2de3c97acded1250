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
import { parseDate, parseScheduleObject, parseScheduleTag, ScheduleError } from "./schedule/ScheduleSpec.ts";
import type { SchemaIssue } from "./schemaIssues.ts";

const RULE_IDS: ReadonlySet<string> = new Set(POLICY_RULE_IDS);
const CATALOGUE = `${POLICY_RULE_IDS[0]}–${POLICY_RULE_IDS[POLICY_RULE_IDS.length - 1]}, listed by \`ecs-autopilot policy rules\``;

/**
 * What is wrong with a config that fits the schema, each problem with its JSON path: rule ids
 * outside the catalogue (`policy.rules`, `policy.exemptions[].rule`), rule parameters of the
 * wrong shape or name, schedules the schedule language does not read, holidays that are not
 * calendar dates. Empty when the config is good. (Tag policies, their regular expressions and
 * every glob are already checked by the schema.)
 *
 * @example
 * validateConfig(parseConfig('{"policy":{"rules":{"ECS999":{"enabled":false}}}}', "x.json"));
 * // [{ path: ["policy", "rules", "ECS999"], message: "unknown rule id 'ECS999' (…)" }]
 */
export function validateConfig(config: AutopilotConfig): SchemaIssue[] {
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
  config.schedule.services.forEach((service, i) => {
    const { schedule } = service;
    try {
      if (typeof schedule === "string") parseScheduleTag(schedule);
      else parseScheduleObject(schedule);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.push({ path: ["schedule", "services", i, "schedule"], message: scheduleProblem(error) });
    }
  });
  config.schedule.holidays.forEach((holiday, i) => {
    try {
      parseDate("schedule.holidays", holiday);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.push({
        path: ["schedule", "holidays", i],
        message: `'${holiday}' is not a calendar date (YYYY-MM-DD)`,
      });
    }
  });
  return problems;
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
