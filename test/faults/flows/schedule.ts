/**
 * Schedule under faults: three services of cluster `ops` carry an `autopilot:schedule` tag —
 * `web` and `batch` are outside their window now (their capacity goes down to 0), `api` is
 * inside it with an explicit up capacity — and one scheduled reconcile runs. Afterwards the flow
 * is run twice more without faults: the first run must converge to what a fault-free run makes,
 * the second must write nothing.
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
} from "@aws-sdk/client-application-auto-scaling";
import type { RememberedCapacity } from "../../../core/schedule/types.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { createScheduleHandler } from "../../../functions/schedule.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import type { Harness } from "../Harness.ts";
import { REGION } from "../Harness.ts";
import type { FlowSpec, Invariant } from "../scenario.ts";
import { scheduledEvent } from "./events.ts";
import { deadLettered, messageText, told } from "./readBack.ts";

const CLUSTER = "ops";
const RECONCILE = "scheduled reconcile";

/** `HH:MM` in UTC, `hours` from `from`, on a 5-minute boundary. */
function utcClock(from: Date, hours: number): string {
  const at = new Date(Math.floor((from.getTime() + hours * 3_600_000) / 300_000) * 300_000);
  return at.toISOString().slice(11, 16);
}

/**
 * Windows placed hours away from the moment the harness loads, so that "up now" and "off now"
 * hold for the whole matrix (the plan depends on the wall clock).
 */
const LOADED = new Date();
const OFF_NOW = `Mon-Sun ${utcClock(LOADED, 6)}-${utcClock(LOADED, 8)} UTC`;
const UP_NOW = `Mon-Sun ${utcClock(LOADED, -6)}-${utcClock(LOADED, 6)} UTC`;

const SERVICES: ReadonlyArray<{ name: string; desiredCount: number; tags: Record<string, string> }> = [
  { name: "web", desiredCount: 2, tags: { [SERVICE_TAGS.schedule]: OFF_NOW } },
  {
    name: "api",
    desiredCount: 2,
    tags: { [SERVICE_TAGS.schedule]: UP_NOW, [SERVICE_TAGS.upCapacity]: "2-4" },
  },
  { name: "batch", desiredCount: 3, tags: { [SERVICE_TAGS.schedule]: OFF_NOW } },
];

/** One service's scheduling state in Application Auto Scaling and the state table. */
interface ServiceSchedule {
  readonly target?: { readonly min: number; readonly max: number };
  /** Our actions (`autopilot-…`), each as `name schedule timezone min-max`, sorted. */
  readonly actions: readonly string[];
  readonly memory?: { readonly min: number; readonly max: number };
}

type Snapshot = Readonly<Record<string, ServiceSchedule>>;

interface ScheduleObservation {
  /** Right after the faulted event (and its retries). */
  readonly afterFault: Snapshot;
  /** After one more fault-free run. */
  readonly converged: Snapshot;
  /** What the run after that wrote (must be nothing). */
  readonly secondRerunWrites: readonly string[];
  /** What a fault-free run on a fresh account makes (the clean scenario). */
  readonly reference: Snapshot;
  /** "Schedule applied" messages shown, per service. */
  readonly applied: Readonly<Record<string, readonly string[]>>;
  /** Services a Slack message reports as failed. */
  readonly reportedFailed: readonly string[];
  readonly deadLettered: boolean;
}

let reference: Snapshot | undefined;

const same = (a: ServiceSchedule | undefined, b: ServiceSchedule | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

const describeState = (s: ServiceSchedule | undefined) =>
  s
    ? `target ${s.target ? `${s.target.min}-${s.target.max}` : "none"}, ${s.actions.length} action(s), remembered ${s.memory ? `${s.memory.min}-${s.memory.max}` : "nothing"}`
    : "nothing";

async function snapshot(h: Harness): Promise<Snapshot> {
  const resourceIds = SERVICES.map((s) => `service/${CLUSTER}/${s.name}`);
  const targets = await h.direct.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: resourceIds }),
  );
  const actions = await h.direct.autoscaling.send(
    new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs" }),
  );
  const result: Record<string, ServiceSchedule> = {};
  for (const service of SERVICES) {
    const resourceId = `service/${CLUSTER}/${service.name}`;
    const target = targets.ScalableTargets?.find((t) => t.ResourceId === resourceId);
    const serviceArn = `arn:aws:ecs:${REGION}:123456789012:service/${CLUSTER}/${service.name}`;
    const memory = await h.state.get<RememberedCapacity>(stateKeys.scheduleMemory(serviceArn));
    result[service.name] = {
      ...(target ? { target: { min: target.MinCapacity ?? -1, max: target.MaxCapacity ?? -1 } } : {}),
      actions: (actions.ScheduledActions ?? [])
        .filter((a) => a.ResourceId === resourceId && a.ScheduledActionName?.startsWith("autopilot-"))
        .map(
          (a) =>
            `${a.ScheduledActionName} ${a.Schedule} ${a.Timezone ?? "UTC"} ${a.ScalableTargetAction?.MinCapacity}-${a.ScalableTargetAction?.MaxCapacity}`,
        )
        .sort(),
      ...(memory ? { memory: { min: memory.upMin, max: memory.upMax } } : {}),
    };
  }
  return result;
}

const invariants: Invariant<ScheduleObservation>[] = [
  {
    id: "S1",
    says: "a capacity is never lowered below the up capacity without that up capacity remembered",
    breaks: "inconsistent",
    check: (o) =>
      SERVICES.flatMap(({ name }) => {
        const up = o.reference[name]?.memory;
        const now = o.afterFault[name];
        if (!up || !now?.target || now.target.max >= up.max) return [];
        return JSON.stringify(now.memory) === JSON.stringify(up)
          ? []
          : [
              `${name} is down to ${now.target.min}-${now.target.max} with ${now.memory ? `${now.memory.min}-${now.memory.max}` : "no up capacity"} remembered (should be ${up.min}-${up.max}): the next run cannot tell what to restore`,
            ];
      }),
  },
  {
    id: "S2",
    says: "a fault-free rerun converges to what a fault-free run makes, and the run after it writes nothing",
    breaks: "inconsistent",
    check: (o) => [
      ...SERVICES.filter(({ name }) => !same(o.converged[name], o.reference[name])).map(
        ({ name }) =>
          `after a clean rerun ${name} has ${describeState(o.converged[name])}; a clean run makes ${describeState(o.reference[name])}`,
      ),
      ...(o.secondRerunWrites.length > 0
        ? [`the second rerun still wrote: ${o.secondRerunWrites.join(", ")}`]
        : []),
    ],
  },
  {
    id: "S3",
    says: "every scheduled service is reconciled by the event, or Slack reports it failed, or the event is dead-lettered",
    breaks: "lost",
    check: (o) =>
      o.deadLettered
        ? []
        : SERVICES.filter(
            ({ name }) => !same(o.afterFault[name], o.reference[name]) && !o.reportedFailed.includes(name),
          ).map(
            ({ name }) =>
              `${name} was left with ${describeState(o.afterFault[name])}, no Slack message says so and the invocation returned success`,
          ),
  },
  {
    id: "S4",
    says: "a service Slack reports as applied holds its schedule",
    breaks: "inconsistent",
    check: (o) =>
      SERVICES.filter(
        ({ name }) => (o.applied[name]?.length ?? 0) > 0 && !same(o.afterFault[name], o.reference[name]),
      ).map(
        ({ name }) =>
          `Slack says the schedule of ${name} was applied, but it has ${describeState(o.afterFault[name])}`,
      ),
  },
  {
    id: "S6",
    says: "each service the event schedules is told as applied, or as failed, or the event is dead-lettered",
    breaks: "lost",
    // The run is the services' first reconcile: a fault-free one tells each of them "Schedule applied".
    check: (o) =>
      o.deadLettered
        ? []
        : SERVICES.filter(
            ({ name }) => (o.applied[name]?.length ?? 0) === 0 && !o.reportedFailed.includes(name),
          ).map(({ name }) => `${name}'s schedule was applied and Slack was not told`),
  },
  {
    id: "S5",
    says: "each change is told once",
    breaks: "inconsistent",
    check: (o) =>
      SERVICES.flatMap(({ name }) => {
        const texts = o.applied[name] ?? [];
        return new Set(texts).size < texts.length
          ? [`the same "Schedule applied" message for ${name} was shown ${texts.length} times`]
          : [];
      }),
  },
];

export const scheduleFlow: FlowSpec<undefined, ScheduleObservation> = {
  name: "schedule",
  functionName: "schedule",
  story: `3 scheduled services in \`${CLUSTER}\` (2 outside their window now, 1 inside with \`up-capacity 2-4\`); one scheduled reconcile, then 2 fault-free reruns`,
  config: {},
  async seed(h) {
    await createCluster(h.direct, CLUSTER);
    for (const service of SERVICES)
      await createService(h.direct, {
        cluster: CLUSTER,
        name: service.name,
        desiredCount: service.desiredCount,
        tags: service.tags,
        containers: [
          { name: "app", image: ecrImage(REGION, `ops/${service.name}`, "1.0.0"), essential: true },
        ],
      });
    await createService(h.direct, {
      cluster: CLUSTER,
      name: "unscheduled",
      containers: [{ name: "app", image: ecrImage(REGION, "ops/unscheduled", "1.0.0"), essential: true }],
    });
    return undefined;
  },
  steps: () => [{ label: RECONCILE, event: scheduledEvent("5c4e3d2a-0000-4000-8000-000000000001") }],
  handler: (_h, clients) => createScheduleHandler(createRuntime("schedule", { clients: clients.aws })),
  async observe(h, _world, run, tools) {
    const afterFault = await snapshot(h);
    if (tools.clean) reference = afterFault;
    if (!reference) throw new Error("the schedule flow's clean scenario must run before its fault scenarios");
    await tools.rerun(scheduledEvent("5c4e3d2a-0000-4000-8000-000000000002"));
    const converged = await snapshot(h);
    const second = await tools.rerun(scheduledEvent("5c4e3d2a-0000-4000-8000-000000000003"));
    const texts = told(run).map(messageText);
    const applied: Record<string, string[]> = {};
    for (const { name } of SERVICES)
      applied[name] = told(run)
        .filter((m) => m.text.startsWith(`Schedule applied: ${CLUSTER}/${name} `))
        .map((m) => messageText(m));
    return {
      afterFault,
      converged,
      secondRerunWrites: second.writes,
      reference,
      applied,
      reportedFailed: SERVICES.map((s) => s.name).filter((name) =>
        texts.some((t) => t.includes(`${CLUSTER}/${name}`) && /fail|error|could not|not applied/i.test(t)),
      ),
      deadLettered: deadLettered(run, RECONCILE),
    };
  },
  invariants,
};
