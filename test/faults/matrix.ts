/**
 * The matrix: every flow × every AWS action it calls × every fault class, plus Slack outages.
 * A flow's actions are discovered from its clean run (the ApiCallCounter of its handler), so a
 * call the flow starts making tomorrow is faulted tomorrow without anyone listing it.
 */
import type { FaultRule } from "./FaultProxy.ts";
import { monitorFlow } from "./flows/monitor.ts";
import { policyFlow } from "./flows/policy.ts";
import { redeployFlow } from "./flows/redeploy.ts";
import { redeployQueueFlow } from "./flows/redeployQueue.ts";
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
  redeployQueueFlow,
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
  /** The row of the per-class table (classes applied to each later call share one). */
  readonly group: string;
}

const base = (name: string, rule: AwsFaultClass["rule"]): AwsFaultClass => ({ name, rule, group: name });

/** Applied to every action a flow calls. */
export const AWS_FAULT_CLASSES: readonly AwsFaultClass[] = [
  base("throttle ×1", { fault: "throttle", times: 1 }),
  base("throttle always", { fault: "throttle" }),
  base("5xx ×1", { fault: "5xx", times: 1 }),
  base("5xx always", { fault: "5xx" }),
  base("latency 300 ms", { fault: "latency", latencyMs: 300 }),
  base("drop ×1", { fault: "drop", times: 1 }),
  base("drop always", { fault: "drop" }),
  base("drop-after ×1", { fault: "drop-after", times: 1 }),
  base("drop-after always", { fault: "drop-after" }),
];

export const LATER_CALL_GROUPS = {
  failing: "5xx always from the 2nd call",
  lostReply: "drop-after ×1 on each later call",
} as const;

/** Later calls of a write whose lost reply is tried one by one (the clean run's order). */
const MAX_LATER_CALLS = 20;
const READ = /^(Describe|List|Get|Query|Scan|BatchGet)/;

/**
 * The fault classes for an action the clean run called `count` times: the base classes; for
 * repeated actions, a lasting failure from the 2nd call on (one service failing after another
 * succeeded) and a lost reply on a later call — on each later call of a write (a lost reply of
 * exactly that write: an ADD counted twice, a claim written but not seen), on the 2nd of a read.
 */
export function faultClassesFor(action: string, count: number): AwsFaultClass[] {
  if (count < 2) return [...AWS_FAULT_CLASSES];
  const later = READ.test(action)
    ? [2]
    : Array.from({ length: Math.min(count, MAX_LATER_CALLS) - 1 }, (_, i) => i + 2);
  return [
    ...AWS_FAULT_CLASSES,
    { name: LATER_CALL_GROUPS.failing, rule: { fault: "5xx", after: 1 }, group: LATER_CALL_GROUPS.failing },
    ...later.map((call) => ({
      name: `drop-after ×1 on call ${call} of ${count}`,
      rule: { fault: "drop-after" as const, times: 1, after: call - 1 },
      group: LATER_CALL_GROUPS.lostReply,
    })),
  ];
}

/** How Notify reaches Slack in a scenario: the secret holds a webhook URL, or a bot token and channel. */
export type SlackMode = "webhook" | "api";

export interface SlackFaultClass {
  readonly name: string;
  readonly mode: SlackMode;
  /** One fault, or several (the first that applies to a request fails it). */
  readonly fault: SlackFault | readonly SlackFault[];
}

/**
 * Slack's faults, for each way Notify can reach it. An incoming webhook cannot tell "not taken"
 * from "taken, reply lost" (`Slack drop-after ×1` shows a message twice: the known limit); with a
 * bot token the channel is read back before a post that may repeat one (core/notify/SlackApi.ts).
 */
export const SLACK_FAULT_CLASSES: readonly SlackFaultClass[] = [
  { name: "Slack 503 ×1", mode: "webhook", fault: { fault: "503", times: 1 } },
  { name: "Slack 503 always (outage)", mode: "webhook", fault: { fault: "503" } },
  {
    name: "Slack 429 Retry-After 30 s ×1",
    mode: "webhook",
    fault: { fault: "429", times: 1, retryAfterSeconds: 30 },
  },
  { name: "Slack no answer ×1", mode: "webhook", fault: { fault: "hang", times: 1 } },
  { name: "Slack drop-after ×1", mode: "webhook", fault: { fault: "drop-after", times: 1 } },
  { name: "Slack API 503 ×1", mode: "api", fault: { fault: "503", times: 1 } },
  { name: "Slack API 503 always (outage)", mode: "api", fault: { fault: "503" } },
  {
    name: "Slack API 429 Retry-After 30 s ×1",
    mode: "api",
    fault: { fault: "429", times: 1, retryAfterSeconds: 30 },
  },
  {
    name: "Slack API 429 Retry-After 1 s ×1",
    mode: "api",
    fault: { fault: "429", times: 1, retryAfterSeconds: 1 },
  },
  { name: "Slack API no answer ×1", mode: "api", fault: { fault: "hang", times: 1 } },
  { name: "Slack API drop-after ×1", mode: "api", fault: { fault: "drop-after", times: 1 } },
  {
    name: "Slack API drop-after always on chat.postMessage",
    mode: "api",
    fault: { fault: "drop-after", method: "chat.postMessage" },
  },
  {
    name: "Slack API internal_error after taking it ×1",
    mode: "api",
    fault: { fault: "internal_error", times: 1, method: "chat.postMessage" },
  },
  {
    name: "Slack API drop-after ×1, then the read-back 503 ×1",
    mode: "api",
    fault: [
      { fault: "drop-after", times: 1, method: "chat.postMessage" },
      { fault: "503", times: 1, method: "conversations.history" },
    ],
  },
  {
    name: "Slack API not_in_channel always (configuration)",
    mode: "api",
    fault: { fault: "ok-false", error: "not_in_channel", method: "chat.postMessage" },
  },
];

/** The fault scenarios of a flow, from the calls its clean run made. */
export function scenariosFor(flow: FlowSpec, clean: ScenarioResult): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const [operation, count] of Object.entries(clean.commands)) {
    // moto answers it with an error every time: faulting it adds nothing (the doc lists it).
    if (clean.unimplemented.includes(operation)) continue;
    const [service = "", action = ""] = operation.split(".");
    for (const faultClass of faultClassesFor(action, count)) {
      const fault: ScenarioFault = {
        target: "aws",
        className: faultClass.name,
        group: faultClass.group,
        rule: { ...faultClass.rule, service, action },
      };
      scenarios.push({ flow, fault });
    }
  }
  if (clean.shown > 0)
    for (const slack of SLACK_FAULT_CLASSES)
      scenarios.push({
        flow,
        fault: { target: "slack", className: slack.name, fault: slack.fault, mode: slack.mode },
      });
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
    /** After each flow: the run so far (a long run that is stopped still leaves what it measured). */
    checkpoint?: (run: MatrixRun) => void;
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
    options.checkpoint?.({
      startedAt: new Date(started).toISOString(),
      revision,
      ms: Date.now() - started,
      clean,
      results,
    });
  }
  return { startedAt: new Date(started).toISOString(), revision, ms: Date.now() - started, clean, results };
}
