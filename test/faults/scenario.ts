/**
 * One fault scenario: a flow's seeded account, its events delivered with Lambda's asynchronous
 * semantics while one fault is armed, then the final state read from moto and the Slack posts,
 * judged against the flow's invariants.
 *
 * Classification (docs/reliability.md says the same):
 * - `inconsistent`: an invariant about what holds is broken — a service on a deregistered
 *   revision, a duplicate or orphan revision, Slack contradicting AWS, a stop counted twice, an
 *   alert shown twice, a capacity lowered without the one to restore remembered.
 * - `lost`: an effect of an event (a change, or the message that reports it) neither happened,
 *   nor was reported as failed, nor reached the DLQ — nobody will ever know.
 * - `consistent`: everything else (including "failed loudly and dead-lettered").
 */
import { ApiCallCounter } from "../../core/aws/ApiCallCounter.ts";
import type { SlackMessage } from "../../core/notify/SlackMessage.ts";
import { createNotifyHandler } from "../../functions/notify.ts";
import type { LambdaHandler } from "../../runtime/rejectInvalidEvents.ts";
import { createRuntime } from "../../runtime/runtime.ts";
import { type AsyncDelivery, type DeliveryOptions, deliverAsync, environments } from "./asyncInvoke.ts";
import type { FaultRule, ProxiedCall } from "./FaultProxy.ts";
import type { EnvironmentClients, Harness } from "./Harness.ts";
import { OutboxEmulator } from "./outbox.ts";
import type { SlackFault, SlackPost } from "./SlackStandIn.ts";

/** One event a flow receives, with what happens in the account just before it (e.g. CreateService). */
export interface Step {
  readonly label: string;
  readonly event: Record<string, unknown>;
  readonly before?: () => Promise<void>;
}

/** Everything that happened while the events were delivered. */
export interface RunRecord {
  readonly deliveries: ReadonlyArray<{ readonly step: string; readonly delivery: AsyncDelivery }>;
  /** What Slack showed (a person saw it), in order. */
  readonly shown: readonly SlackMessage[];
  /** Messages that used up their receives in the outbox: in its DLQ, redrivable, not lost. */
  readonly parked: readonly SlackMessage[];
  /** Messages still in the outbox once the fault is gone and it was received a few more times. */
  readonly queued: readonly SlackMessage[];
  /** Messages the outbox deleted although Slack never took them (partial responses off): lost. */
  readonly dropped: readonly SlackMessage[];
  readonly slackPosts: readonly SlackPost[];
  /** Every request the proxy saw (every SDK attempt). */
  readonly calls: readonly ProxiedCall[];
}

export type Breaks = "inconsistent" | "lost";

/** A rule a flow's final state must satisfy, as a readable statement and a predicate. */
export interface Invariant<Observation> {
  readonly id: string;
  readonly says: string;
  /** What the scenario is when the invariant does not hold. */
  readonly breaks: Breaks;
  /** The violations, each described ("prod/api runs api:3, which is INACTIVE"); empty when it holds. */
  readonly check: (observation: Observation, run: RunRecord) => string[];
}

/** What the harness needs to know about a flow to run it under faults. */
export interface FlowSpec<World = unknown, Observation = unknown> {
  /** The matrix's name for the flow. */
  readonly name: string;
  /** `functions/<functionName>.ts`: its deployed timeout comes from infra/. */
  readonly functionName: string;
  /** The account and the events, in one sentence (docs/reliability.md). */
  readonly story: string;
  /** The central config, stored in SSM as deployed. */
  readonly config: object;
  seed(harness: Harness): Promise<World>;
  steps(harness: Harness, world: World): Step[];
  /** The real Lambda entry, `createXHandler(createRuntime(flow, { clients }))`, in one environment. */
  handler(harness: Harness, clients: EnvironmentClients): LambdaHandler;
  /** Reads the final state from moto (and may rerun the flow fault-free, e.g. to test convergence). */
  observe(harness: Harness, world: World, run: RunRecord, tools: ObserveTools): Promise<Observation>;
  readonly invariants: ReadonlyArray<Invariant<Observation>>;
}

export interface ObserveTools {
  /** The scenario has no fault: its observation is the flow's reference. */
  readonly clean: boolean;
  /** Invokes the flow's handler once more, fault-free; returns the writes it made. */
  rerun(event: Record<string, unknown>): Promise<{ writes: string[]; delivery: AsyncDelivery }>;
}

/** The fault of a scenario: on one AWS action, or on Slack, or none (the clean run). */
export type ScenarioFault =
  | { readonly target: "none" }
  | {
      readonly target: "aws";
      readonly className: string;
      /** The per-class table's row, when several classes share one. */
      readonly group?: string;
      readonly rule: FaultRule;
    }
  | {
      readonly target: "slack";
      readonly className: string;
      readonly fault: SlackFault | readonly SlackFault[];
      /** How Notify reaches Slack: the secret holds a webhook URL, or a bot token (default webhook). */
      readonly mode?: "webhook" | "api";
    };

export interface Scenario {
  readonly flow: FlowSpec;
  readonly fault: ScenarioFault;
}

export type Status = "consistent" | "inconsistent" | "lost";

export interface Violation {
  readonly invariant: string;
  readonly breaks: Breaks;
  readonly detail: string;
}

export interface ScenarioResult {
  readonly flow: string;
  /** `ECS.UpdateService` or `Slack`, or `-` for the clean run. */
  readonly target: string;
  readonly faultClass: string;
  /** The per-class table's row (`faultClass` unless several classes share one). */
  readonly group: string;
  readonly status: Status;
  readonly violations: readonly Violation[];
  readonly events: number;
  readonly invocations: number;
  /** Invocations of the Notify function (the outbox's Slack posts). */
  readonly notifyInvocations: number;
  readonly deadLettered: number;
  /** Slack messages left in the outbox's DLQ. */
  readonly parked: number;
  /** Slack messages still waiting in the outbox at the end (posted on a later receive). */
  readonly leftQueued: number;
  /** Slack messages the outbox deleted unposted (partial responses off in infra/). */
  readonly droppedByOutbox: number;
  readonly timedOut: number;
  /** Writes that reached AWS outside the state table and the queues (ECS, Application Auto Scaling, …). */
  readonly actionsDone: number;
  /** How many times the fault fired. */
  readonly injected: number;
  readonly shown: number;
  readonly ms: number;
  /** The handler's SDK commands during the events (the ApiCallCounter), by `Service.Action`. */
  readonly commands: Readonly<Record<string, number>>;
  /** Every attempt the proxy saw during the events, by `Service.Action`. */
  readonly attempts: Readonly<Record<string, number>>;
  /**
   * Operations moto answered with a server error on every unfaulted attempt: moto 5.2.1 does not
   * implement them (Compute Optimizer), so the flow's own fallback runs every time.
   */
  readonly unimplemented: readonly string[];
  /** When some event was dead-lettered: the status after redriving them once, fault-free. */
  readonly afterRedrive?: Status;
  readonly afterRedriveViolations?: readonly Violation[];
}

const READ = /^(Describe|List|Get|Query|Scan|BatchGet)/;

/** Whether a proxied call changed something (as opposed to reading). */
export const isWrite = (call: ProxiedCall): boolean => !READ.test(call.action) && call.service !== "?";

/** Writes that reached AWS and were accepted. */
export const appliedWrites = (calls: readonly ProxiedCall[]): ProxiedCall[] =>
  calls.filter((c) => isWrite(c) && c.reachedAws && (c.status ?? 500) < 400);

/** Invariants of every flow: about the way its messages travel. */
export const COMMON_INVARIANTS: ReadonlyArray<Invariant<unknown>> = [
  {
    id: "W1",
    says: "nothing is sent after the invocation ended (Lambda freezes the environment: it would never, or much later, go out)",
    breaks: "inconsistent",
    check: (_o, run) => {
      const late = run.calls.filter((c) => c.outside === "ended");
      if (late.length === 0) return [];
      const operations = [...new Set(late.map((c) => `${c.service}.${c.action}`))].join(", ");
      return [`${late.length} call(s) after the invocation had returned or thrown: ${operations}`];
    },
  },
  {
    id: "O1",
    says: "the outbox never deletes a message Slack did not take",
    breaks: "lost",
    check: (_o, run) =>
      run.dropped.map(
        (m) => `"${m.text}" was deleted from the outbox unposted (partial batch responses are off)`,
      ),
  },
];

function judge<O>(spec: FlowSpec<unknown, O>, observation: O, run: RunRecord): Violation[] {
  return [...spec.invariants, ...(COMMON_INVARIANTS as ReadonlyArray<Invariant<O>>)].flatMap((invariant) =>
    invariant.check(observation, run).map((detail) => ({
      invariant: `${invariant.id} ${invariant.says}`,
      breaks: invariant.breaks,
      detail,
    })),
  );
}

const statusOf = (violations: readonly Violation[]): Status =>
  violations.some((v) => v.breaks === "inconsistent")
    ? "inconsistent"
    : violations.length > 0
      ? "lost"
      : "consistent";

/**
 * Runs one scenario from a fresh account to its verdict.
 *
 * @example
 * const result = await runScenario(harness, { flow: redeployFlow, fault: { target: "aws", className: "drop-after ×1", rule } });
 */
export async function runScenario(harness: Harness, scenario: Scenario): Promise<ScenarioResult> {
  const started = Date.now();
  const spec = scenario.flow;
  await harness.reset(spec.config);
  // The secret's kind, for every function of the scenario (the flows check it, Notify posts with it).
  harness.useSlack(scenario.fault.target === "slack" ? (scenario.fault.mode ?? "webhook") : "webhook");
  const world = await spec.seed(harness);
  const steps = spec.steps(harness, world);
  const counter = new ApiCallCounter();
  const env = environments((id) => spec.handler(harness, harness.clientsFor(id, counter)));
  const options: DeliveryOptions = {
    functionName: spec.functionName,
    timeoutMs: harness.timeoutOf(spec.functionName),
    retries: harness.retriesOf(spec.functionName),
    ...harness.lifecycle({ postsToSlack: false }),
  };
  const outbox = new OutboxEmulator(
    harness,
    environments((id) =>
      createNotifyHandler(createRuntime("notify", { clients: harness.clientsFor(id, counter).aws })),
    ),
    {
      functionName: "notify",
      timeoutMs: harness.timeoutOf("notify"),
      retries: 0,
      ...harness.lifecycle({ postsToSlack: true }),
    },
  );
  /** One event, as deployed: Lambda's async invocation, then the outbox's messages to Slack. */
  const deliver = async (event: Record<string, unknown>): Promise<AsyncDelivery> => {
    const delivery = await deliverAsync(event, env, options);
    await outbox.drain();
    return delivery;
  };
  harness.proxy.resetLog();
  const { fault } = scenario;
  if (fault.target === "aws") harness.proxy.arm([fault.rule]);
  if (fault.target === "slack") harness.slack.arm(fault.fault);
  const deliveries: Array<{ step: string; delivery: AsyncDelivery }> = [];
  for (const step of steps) {
    // Seeds between events go to moto directly: never faulted.
    if (step.before) await step.before();
    deliveries.push({ step: step.label, delivery: await deliver(step.event) });
  }
  const injected =
    fault.target === "aws"
      ? (harness.proxy.injections()[0] ?? 0)
      : fault.target === "slack"
        ? harness.slack.injected
        : 0;
  harness.proxy.disarm();
  harness.slack.arm(undefined);
  // Slack and AWS are back: the outbox's waiting messages are received again, as SQS would.
  await outbox.settle();
  const calls = [...harness.proxy.log];
  const commands = counter.byOperation();
  const attempts = harness.proxy.attemptsByOperation();
  const unimplemented = Object.keys(attempts).filter((operation) => {
    const unfaulted = calls.filter((c) => `${c.service}.${c.action}` === operation && c.fault === undefined);
    return unfaulted.length > 0 && unfaulted.every((c) => (c.status ?? 0) >= 500);
  });
  const notifyInvocations = outbox.invocations.length;
  const record = (current: typeof deliveries): RunRecord => ({
    deliveries: current,
    shown: harness.slack.shown(),
    parked: OutboxEmulator.messagesOf(outbox.parked),
    queued: OutboxEmulator.messagesOf(outbox.queued),
    dropped: OutboxEmulator.messagesOf(outbox.dropped),
    slackPosts: [...harness.slack.posts],
    calls: [...harness.proxy.log],
  });
  const tools: ObserveTools = {
    clean: fault.target === "none",
    rerun: async (event) => {
      const before = harness.proxy.log.length;
      const delivery = await deliver(event);
      const writes = appliedWrites(harness.proxy.log.slice(before)).map((c) => `${c.service}.${c.action}`);
      return { writes, delivery };
    },
  };
  const run = record(deliveries);
  const observation = await spec.observe(harness, world, run, tools);
  const violations = judge(spec, observation, run);

  const deadLettered = deliveries.filter((d) => d.delivery.deadLettered);
  const parked = run.parked.length;
  const leftQueued = run.queued.length;
  let redrive: Pick<ScenarioResult, "afterRedrive" | "afterRedriveViolations"> = {};
  if (deadLettered.length > 0 || parked > 0) {
    // What `dlq redrive` would do: the same events through the same handler, the outbox's parked
    // messages through Notify again, the fault gone.
    const redriven: Array<{ step: string; delivery: AsyncDelivery }> = [];
    for (const { step } of deadLettered) {
      const event = steps.find((s) => s.label === step)?.event ?? {};
      redriven.push({ step, delivery: await deliverAsync(event, env, options) });
    }
    await outbox.redrive();
    const after = record(deliveries.map((d) => redriven.find((r) => r.step === d.step) ?? d));
    const again = judge(spec, await spec.observe(harness, world, after, tools), after);
    redrive = { afterRedrive: statusOf(again), afterRedriveViolations: again };
  }

  const all = deliveries.flatMap((d) => d.delivery.invocations);
  return {
    flow: spec.name,
    target:
      fault.target === "aws"
        ? `${fault.rule.service}.${String(fault.rule.action)}`
        : fault.target === "slack"
          ? "Slack"
          : "-",
    faultClass: fault.target === "none" ? "none" : fault.className,
    group:
      fault.target === "none"
        ? "none"
        : fault.target === "aws"
          ? (fault.group ?? fault.className)
          : fault.className,
    status: statusOf(violations),
    violations,
    events: steps.length,
    invocations: all.length,
    notifyInvocations,
    deadLettered: deadLettered.length,
    parked,
    leftQueued,
    droppedByOutbox: run.dropped.length,
    timedOut: all.filter((i) => i.outcome === "timed-out").length,
    actionsDone: appliedWrites(calls).filter((c) => c.service !== "DynamoDB" && c.service !== "SQS").length,
    injected,
    shown: run.shown.length,
    ms: Date.now() - started,
    commands,
    attempts,
    unimplemented,
    ...redrive,
  };
}
