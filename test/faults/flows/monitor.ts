/**
 * Monitor under faults: `prod/api` has three tasks killed for memory (one of them reported
 * twice, as ECS does), then its deployment fails. Expected: each stop counted once, one
 * out-of-memory alert, one crash-loop alert (3 stops within 10 min), one deployment alert.
 */
import { readStopStats, stateKeys } from "../../../core/state/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent, stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  pushImage,
} from "../../../sandbox/seed.ts";
import { ACCOUNT, REGION } from "../Harness.ts";
import type { FlowSpec, Invariant, RunRecord } from "../scenario.ts";
import { deadLettered, told } from "./readBack.ts";

const TASKS = [
  "0a1b2c3d4e5f60718293a4b5c6d7e8f1",
  "0a1b2c3d4e5f60718293a4b5c6d7e8f2",
  "0a1b2c3d4e5f60718293a4b5c6d7e8f3",
];
const STOP_STEPS = ["stop 1 (OOM)", "stop 1 again (ECS repeats it)", "stop 2 (OOM)", "stop 3 (OOM)"] as const;
const DEPLOYMENT_STEP = "deployment FAILED";

interface MonitorWorld {
  readonly serviceArn: string;
  readonly taskDefinitionArn: string;
}

type Alert = "out-of-memory" | "crash-loop" | "deployment-failed";

interface MonitorObservation {
  /** Stops in today's statistics (what right-sizing reads). */
  readonly statsStops: number;
  readonly statsOom: number;
  /** Stops in the crash-loop window's minute counters. */
  readonly windowStops: number;
  readonly alerts: Readonly<Record<Alert, number>>;
  /** The cause the crash-loop alert names, if one was shown. */
  readonly crashLoopCause: string | undefined;
  /** The stop events of each task, and whether each was dead-lettered. */
  readonly stopsDeadLettered: readonly boolean[];
  readonly anyStopDeadLettered: boolean;
  readonly deploymentDeadLettered: boolean;
}

const DISTINCT_STOPS = TASKS.length;

/** Tasks none of whose events reached the DLQ: each must be counted. */
function stopsThatMustCount(o: MonitorObservation): number {
  // Steps 0 and 1 are task 1 (its stop reported twice); 2 and 3 are tasks 2 and 3.
  const [first, again, second, third] = o.stopsDeadLettered;
  return [first && again, second, third].filter((dead) => !dead).length;
}

const invariants: Invariant<MonitorObservation>[] = [
  {
    id: "M1",
    says: "no stop is counted twice (daily statistics and crash-loop window)",
    breaks: "inconsistent",
    check: (o) => [
      ...(o.statsStops > DISTINCT_STOPS
        ? [`daily statistics count ${o.statsStops} stops for ${DISTINCT_STOPS} tasks`]
        : []),
      ...(o.statsOom > DISTINCT_STOPS
        ? [`daily statistics count ${o.statsOom} OOM kills for ${DISTINCT_STOPS} tasks`]
        : []),
      ...(o.windowStops > DISTINCT_STOPS
        ? [`the crash-loop window counts ${o.windowStops} stops for ${DISTINCT_STOPS} tasks`]
        : []),
    ],
  },
  {
    id: "M2",
    says: "every stop is counted, unless all its events were dead-lettered",
    breaks: "lost",
    check: (o) => {
      const due = stopsThatMustCount(o);
      return [
        ...(o.statsStops < due ? [`daily statistics count ${o.statsStops} of ${due} stops`] : []),
        ...(o.windowStops < due ? [`the crash-loop window counts ${o.windowStops} of ${due} stops`] : []),
      ];
    },
  },
  {
    id: "M3",
    says: "each alert is shown at most once",
    breaks: "inconsistent",
    check: (o) =>
      Object.entries(o.alerts)
        .filter(([, count]) => count > 1)
        .map(([alert, count]) => `the ${alert} alert was shown ${count} times`),
  },
  {
    id: "M4",
    // A retried first stop (Lambda's retry, a DLQ redrive) sees the stops counted after it: when
    // they make a crash loop, it opens the incident, whose one message names the cause instead of
    // a first-stop alert followed by an incident (monitorEvent.ts). The cause is told either way.
    says: "each alert is shown at least once, unless an event it depends on was dead-lettered (the out-of-memory cause: its own alert, or the crash-loop alert naming it)",
    breaks: "lost",
    check: (o) => [
      ...(!o.anyStopDeadLettered && o.alerts["out-of-memory"] === 0 && o.crashLoopCause !== "out-of-memory"
        ? ["the out-of-memory cause was never shown (no first-stop alert, no crash-loop alert naming it)"]
        : []),
      ...(!o.anyStopDeadLettered && o.alerts["crash-loop"] === 0
        ? ["the crash-loop alert was never shown"]
        : []),
      ...(!o.deploymentDeadLettered && o.alerts["deployment-failed"] === 0
        ? ["the failed-deployment alert was never shown"]
        : []),
    ],
  },
];

export const monitorFlow: FlowSpec<MonitorWorld, MonitorObservation> = {
  name: "monitor",
  functionName: "monitor",
  story:
    "`prod/api`: 3 tasks OOM-killed (the first reported twice, as ECS does), then its deployment FAILED: 5 events",
  config: {},
  async seed(h) {
    await createCluster(h.direct, "prod");
    await createRepository(h.direct, "shop/api");
    await pushImage(h.direct, "shop/api", "1.0.0");
    const service = await createService(h.direct, {
      cluster: "prod",
      name: "api",
      desiredCount: 1,
      containers: [
        {
          name: "api",
          image: ecrImage(REGION, "shop/api", "1.0.0"),
          essential: true,
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "/ecs/api",
              "awslogs-region": REGION,
              "awslogs-stream-prefix": "ecs",
            },
          },
        },
      ],
    });
    return { serviceArn: service.serviceArn ?? "", taskDefinitionArn: service.taskDefinition ?? "" };
  },
  steps(_h, world) {
    const stop = (id: string, task: string) =>
      stoppedTaskEvent({
        id,
        taskId: task,
        account: ACCOUNT,
        region: REGION,
        cluster: "prod",
        service: "api",
        taskDefinitionArn: world.taskDefinitionArn,
        container: "api",
        exitCode: 137,
        containerReason: "OutOfMemoryError: Container killed due to memory usage",
      });
    const [t1 = "", t2 = "", t3 = ""] = TASKS;
    return [
      { label: STOP_STEPS[0], event: stop("4d3c2b1a-0000-4000-8000-000000000001", t1) },
      { label: STOP_STEPS[1], event: stop("4d3c2b1a-0000-4000-8000-000000000002", t1) },
      { label: STOP_STEPS[2], event: stop("4d3c2b1a-0000-4000-8000-000000000003", t2) },
      { label: STOP_STEPS[3], event: stop("4d3c2b1a-0000-4000-8000-000000000004", t3) },
      {
        label: DEPLOYMENT_STEP,
        event: deploymentEvent({
          id: "4d3c2b1a-0000-4000-8000-000000000005",
          sample: "ecs-deployment-state-change-failed.json",
          account: ACCOUNT,
          region: REGION,
          serviceArn: world.serviceArn,
          deploymentId: "ecs-svc/9876543210987654321",
        }),
      },
    ];
  },
  handler: (_h, clients) => createMonitorHandler(createRuntime("monitor", { clients: clients.aws })),
  async observe(h, world, run: RunRecord) {
    const [stats] = await readStopStats(h.state, world.serviceArn, 1);
    const minute = Math.floor(Date.now() / 60_000);
    const window = await h.state.queryRange(
      stateKeys.stopMinutes(world.serviceArn, minute - 120, minute + 1),
    );
    const count = (pattern: RegExp) => told(run).filter((m) => pattern.test(m.text)).length;
    const stopsDeadLettered = STOP_STEPS.map((step) => deadLettered(run, step));
    return {
      statsStops: stats?.stops ?? 0,
      statsOom: stats?.outOfMemory ?? 0,
      windowStops: window.reduce((sum, item) => sum + Number(item.stops ?? 0), 0),
      alerts: {
        "out-of-memory": count(/^prod\/api: task stopped \(out-of-memory\)/),
        "crash-loop": count(/^Crash loop: prod\/api:/),
        "deployment-failed": count(/^Deployment failed: prod\/api/),
      },
      crashLoopCause: told(run)
        .map((m) => /^Crash loop: prod\/api: .* \(([a-z-]+)\)$/.exec(m.text)?.[1])
        .find((cause) => cause !== undefined),
      stopsDeadLettered,
      anyStopDeadLettered: stopsDeadLettered.some(Boolean),
      deploymentDeadLettered: deadLettered(run, DEPLOYMENT_STEP),
    };
  },
  invariants,
};
