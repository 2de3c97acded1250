/**
 * The monthly AWS bill of an installation, from the calls and durations measured per event in
 * this run, the event rates stated in {@link RATES}, and the prices of ./prices.ts.
 */
import type { EventCost } from "./eventCalls.ts";
import type { MetricsCallsRow } from "./metricsCalls.ts";
import { PRICES } from "./prices.ts";
import type { ScheduleCallsRow } from "./scheduleCalls.ts";

const DAYS = 30;
const WEEKDAYS = (DAYS * 5) / 7;

/** The assumed activity of an account, per service. Change them here; the bench prints them. */
export const RATES = {
  pushesPerServicePerDay: 0.2,
  servicesRedeployedPerPush: 1,
  tasksPerService: 2,
  /** ECS sends a Task State Change per lifecycle change; at most one per state, 8 from PROVISIONING to STOPPED. */
  taskEventsPerTaskStarted: 8,
  scheduledShare: 1 / 3,
  /** Tasks that stop on their own (crash, health check) per service per week. */
  unplannedStopsPerServicePerWeek: 1,
  /** Per deployment: IN_PROGRESS and COMPLETED, each to the Monitor and the Redeploy function. */
  deploymentEventsPerDeployment: 2,
  /** CloudTrail events per roll-out: RegisterTaskDefinition (Policy), UpdateService (Policy, Service index). */
  cloudTrailInvocationsPerDeployment: 3,
  scheduleReconcilesPerDay: 96,
  sweepsPerDay: 288,
  indexResyncsPerDay: 4,
  auditsPerDay: 1,
  rightsizeRunsPerMonth: 52 / 12,
} as const;

export interface LineItem {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface MonthlyBill {
  readonly services: number;
  readonly items: readonly LineItem[];
  readonly totalUsd: number;
  /** What the activity was: events a month. */
  readonly activity: Record<string, number>;
}

interface Usage {
  invocations: number;
  gbSeconds: number;
  readUnits: number;
  writeUnits: number;
  sqsRequests: number;
  schedulerInvocations: number;
  metricsRequested: number;
}

function find(events: readonly EventCost[], event: string, fn: string): EventCost {
  const found = events.find((e) => e.event === event && e.fn === fn);
  if (!found) throw new Error(`bench/cost.ts: no measurement of "${event}" (${fn})`);
  return found;
}

/** The measured row nearest to `services`, scaled per service (reconcile reads grow linearly). */
function nearest<T extends { services: number }>(rows: readonly T[], services: number): T {
  return rows.reduce((best, row) =>
    Math.abs(row.services - services) < Math.abs(best.services - services) ? row : best,
  );
}

export function monthlyBills(
  sizes: readonly number[],
  events: readonly EventCost[],
  schedule: readonly ScheduleCallsRow[],
  metrics: readonly MetricsCallsRow[],
): MonthlyBill[] {
  const push = find(events, "ECR push (1 service redeployed)", "redeploy");
  const post = find(events, "outbox message posted", "notify");
  const taskEvent = find(events, "task state change, not a stop", "monitor");
  const plannedStop = find(events, "task stop (deployment replaced it)", "monitor");
  const crash = find(events, "task stop (application error, first)", "monitor");
  const doneMonitor = find(events, "deployment completed", "monitor");
  const doneRedeploy = find(events, "deployment completed", "redeploy");
  const sweep = find(events, "queued-push sweep (every 5 minutes)", "redeploy");
  return sizes.map((services) => {
    const usage: Usage = {
      invocations: 0,
      gbSeconds: 0,
      readUnits: 0,
      writeUnits: 0,
      sqsRequests: 0,
      schedulerInvocations: 0,
      metricsRequested: 0,
    };
    const add = (
      count: number,
      e: Pick<EventCost, "ms" | "readUnits" | "writeUnits" | "outboxMessages">,
      gb = 0.5,
    ) => {
      usage.invocations += count;
      usage.gbSeconds += count * (e.ms / 1000) * gb;
      usage.readUnits += count * e.readUnits;
      usage.writeUnits += count * e.writeUnits;
      // A queued message: SendMessage, then Lambda's ReceiveMessage and DeleteMessage of it.
      usage.sqsRequests += count * e.outboxMessages * 3;
    };
    const pushes = services * RATES.pushesPerServicePerDay * DAYS;
    const deployments = pushes * RATES.servicesRedeployedPerPush;
    const scheduled = services * RATES.scheduledShare;
    // Deployments start a new set of tasks; scheduled services start theirs every weekday morning.
    const tasksStarted = deployments * RATES.tasksPerService + scheduled * RATES.tasksPerService * WEEKDAYS;
    const plannedStops = deployments * RATES.tasksPerService + scheduled * RATES.tasksPerService * WEEKDAYS;
    const unplannedStops = services * RATES.unplannedStopsPerServicePerWeek * (DAYS / 7);
    const taskEvents =
      (tasksStarted + unplannedStops) * RATES.taskEventsPerTaskStarted - plannedStops - unplannedStops;
    add(pushes, push);
    add(pushes * push.outboxMessages, post);
    add(taskEvents, taskEvent);
    add(plannedStops, plannedStop);
    add(unplannedStops, crash);
    add(deployments * RATES.deploymentEventsPerDeployment, doneMonitor);
    add(deployments * RATES.deploymentEventsPerDeployment, doneRedeploy);
    // CloudTrail-triggered Policy and Service-index invocations: not measured here; counted with
    // a push's duration and no DynamoDB use.
    add(deployments * RATES.cloudTrailInvocationsPerDeployment, {
      ...push,
      readUnits: 0,
      writeUnits: 0,
      outboxMessages: 0,
    });
    const sweeps = RATES.sweepsPerDay * DAYS;
    add(sweeps, sweep);
    const row = nearest(schedule, services);
    const scale = services / row.services;
    const reconciles = RATES.scheduleReconcilesPerDay * DAYS;
    add(reconciles, {
      ms: row.second.ms * scale,
      readUnits: row.second.readUnits * scale,
      writeUnits: row.second.writeUnits * scale,
      outboxMessages: 0,
    });
    const metricRow = nearest(metrics, services);
    const metricsPerService = metricRow.batched.metricsRequested / metricRow.services;
    const runs = RATES.rightsizeRunsPerMonth;
    usage.metricsRequested += runs * services * metricsPerService;
    add(
      runs,
      {
        ms: (metricRow.batched.ms * services) / metricRow.services,
        readUnits: 0,
        writeUnits: 0,
        outboxMessages: 0,
      },
      1,
    );
    // Audits and index resyncs: invocations only (their reads are ECS calls, which cost nothing).
    add(RATES.auditsPerDay * DAYS + RATES.indexResyncsPerDay * DAYS, {
      ms: push.ms,
      readUnits: 0,
      writeUnits: 0,
      outboxMessages: 0,
    });
    usage.schedulerInvocations =
      reconciles + sweeps + (RATES.auditsPerDay + RATES.indexResyncsPerDay) * DAYS + runs;

    const items: LineItem[] = [
      {
        item: "Lambda requests",
        quantity: usage.invocations,
        unit: "requests",
        usd: (usage.invocations / 1e6) * PRICES.lambdaRequests.usd,
      },
      {
        item: "Lambda compute (arm64)",
        quantity: usage.gbSeconds,
        unit: "GB-s",
        usd: usage.gbSeconds * PRICES.lambdaArmGbSecond.usd,
      },
      {
        item: "DynamoDB on-demand writes",
        quantity: usage.writeUnits,
        unit: "WRU",
        usd: (usage.writeUnits / 1e6) * PRICES.dynamoWriteUnits.usd,
      },
      {
        item: "DynamoDB on-demand reads",
        quantity: usage.readUnits,
        unit: "RRU",
        usd: (usage.readUnits / 1e6) * PRICES.dynamoReadUnits.usd,
      },
      {
        item: "EventBridge events from AWS services",
        quantity:
          pushes +
          taskEvents +
          plannedStops +
          unplannedStops +
          deployments * RATES.deploymentEventsPerDeployment +
          deployments * RATES.cloudTrailInvocationsPerDeployment,
        unit: "events",
        usd: 0,
      },
      {
        item: "EventBridge Scheduler",
        quantity: usage.schedulerInvocations,
        unit: "invocations",
        usd: (usage.schedulerInvocations / 1e6) * PRICES.eventBridgeScheduler.usd,
      },
      {
        item: "CloudWatch GetMetricData",
        quantity: usage.metricsRequested,
        unit: "metrics",
        usd: (usage.metricsRequested / 1000) * PRICES.cloudWatchGetMetricData.usd,
      },
      {
        item: "SQS (Slack outbox)",
        quantity: usage.sqsRequests,
        unit: "requests",
        usd: (usage.sqsRequests / 1e6) * PRICES.sqsRequests.usd,
      },
    ];
    return {
      services,
      items,
      totalUsd: items.reduce((sum, i) => sum + i.usd, 0),
      activity: {
        pushes,
        deployments,
        taskStateChanges: taskEvents + plannedStops + unplannedStops,
        stops: plannedStops + unplannedStops,
        scheduleReconciles: reconciles,
        rightsizeRuns: runs,
      },
    };
  });
}
