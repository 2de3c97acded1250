/**
 * The matrix: every flow × every AWS action it calls × every fault class, plus Slack outages.
 * A flow's actions are discovered from its clean run (the ApiCallCounter of its handler), so a
 * call the flow starts making tomorrow is faulted tomorrow without anyone listing it.
 */
import type { FaultRule } from "./FaultProxy.ts";
import { monitorFlow } from "./flows/monitor.ts";
import { policyFlow } from "./flows/policy.ts";
import { redeployFlow } from "./flows/redeploy.ts";
import { rightsizeFlow } from "./flows/rightsize.ts";
import { scheduleFlow } from "./flows/schedule.ts";
import { serviceIndexFlow } from "./flows/serviceIndex.ts";
import { gitRevision } from "./gitRevision.ts";
import type { Harness } from "./Harness.ts";
import type { SlackFault } from "./SlackStandIn.ts";
import {
  type FlowSpec,
  runScenario,
  type Scenario,
  type ScenarioFault,
  type ScenarioResult,
} from "./scenario.ts";

export const FLOWS: readonly FlowSpec[] = [
  redeployFlow,
  monitorFlow,
  scheduleFlow,
  policyFlow,
  rightsizeFlow,
  serviceIndexFlow,
] as unknown as FlowSpec[];

/** A fault class on one AWS action: `times` absent = every matching call. */
export interface AwsFaultClass {
  readonly name: string;
  readonly rule: Omit<FaultRule, "service" | "action">;
  /** Only for actions the clean run calls at least twice (it spares the first call). */
  readonly repeatedOnly?: boolean;
}

export const AWS_FAULT_CLASSES: readonly AwsFaultClass[] = [
  { name: "throttle ×1", rule: { fault: "throttle", times: 1 } },
  { name: "throttle always", rule: { fault: "throttle" } },
  { name: "5xx ×1", rule: { fault: "5xx", times: 1 } },
  { name: "5xx always", rule: { fault: "5xx" } },
  { name: "latency 300 ms", rule: { fault: "latency", latencyMs: 300 } },
  { name: "drop ×1", rule: { fault: "drop", times: 1 } },
  { name: "drop always", rule: { fault: "drop" } },
  { name: "drop-after ×1", rule: { fault: "drop-after", times: 1 } },
  { name: "drop-after always", rule: { fault: "drop-after" } },
  {
    name: "drop-after ×1 on the 2nd call",
    rule: { fault: "drop-after", times: 1, after: 1 },
    repeatedOnly: true,
  },
  { name: "5xx always from the 2nd call", rule: { fault: "5xx", after: 1 }, repeatedOnly: true },
];

export const SLACK_FAULT_CLASSES: ReadonlyArray<{ readonly name: string; readonly fault: SlackFault }> = [
  { name: "Slack 503 ×1", fault: { fault: "503", times: 1 } },
  { name: "Slack 503 always (outage)", fault: { fault: "503" } },
  { name: "Slack 429 Retry-After 30 s ×1", fault: { fault: "429", times: 1, retryAfterSeconds: 30 } },
  { name: "Slack no answer ×1", fault: { fault: "hang", times: 1 } },
  { name: "Slack drop-after ×1", fault: { fault: "drop-after", times: 1 } },
];

/** The fault scenarios of a flow, from the calls its clean run made. */
export function scenariosFor(flow: FlowSpec, clean: ScenarioResult): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const [operation, count] of Object.entries(clean.commands)) {
    const [service = "", action = ""] = operation.split(".");
    for (const faultClass of AWS_FAULT_CLASSES) {
      if (faultClass.repeatedOnly && count < 2) continue;
      const fault: ScenarioFault = {
        target: "aws",
        className: faultClass.name,
        rule: { ...faultClass.rule, service, action },
      };
      scenarios.push({ flow, fault });
    }
  }
  if (clean.shown > 0)
    for (const slack of SLACK_FAULT_CLASSES)
      scenarios.push({ flow, fault: { target: "slack", className: slack.name, fault: slack.fault } });
  return scenarios;
}

export interface MatrixRun {
  readonly startedAt: string;
  /** The commit measured (absent in runs written before it was recorded). */
  readonly revision?: string;
  readonly ms: number;
  readonly clean: readonly ScenarioResult[];
  readonly results: readonly ScenarioResult[];
}

/**
 * Runs the clean scenario of each flow, then all its fault scenarios.
 *
 * @example
 * const run = await runMatrix(harness, { log: console.log });
 */
export async function runMatrix(
  harness: Harness,
  options: {
    flows?: readonly FlowSpec[];
    log?: (line: string) => void;
    filter?: (s: Scenario) => boolean;
  } = {},
): Promise<MatrixRun> {
  const started = Date.now();
  const revision = gitRevision();
  const log = options.log ?? (() => {});
  const clean: ScenarioResult[] = [];
  const results: ScenarioResult[] = [];
  for (const flow of options.flows ?? FLOWS) {
    const reference = await runScenario(harness, { flow, fault: { target: "none" } });
    clean.push(reference);
    log(
      `${flow.name}: clean run ${reference.status}, ${Object.keys(reference.commands).length} actions called, ${reference.ms} ms`,
    );
    if (reference.status !== "consistent")
      log(
        `  ! the clean run itself is ${reference.status}: ${reference.violations.map((v) => v.detail).join("; ")}`,
      );
    const scenarios = scenariosFor(flow, reference).filter(options.filter ?? (() => true));
    for (const [i, scenario] of scenarios.entries()) {
      const result = await runScenario(harness, scenario);
      results.push(result);
      log(
        `  [${i + 1}/${scenarios.length}] ${result.target} ${result.faultClass}: ${result.status}${result.deadLettered ? ` (dead-lettered${result.afterRedrive ? `, after redrive ${result.afterRedrive}` : ""})` : ""} ${result.ms} ms`,
      );
    }
  }
  return { startedAt: new Date(started).toISOString(), revision, ms: Date.now() - started, clean, results };
}
