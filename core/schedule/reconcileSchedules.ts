import {
  DeleteScheduledActionCommand,
  DescribeScalableTargetsCommand,
  PutScheduledActionCommand,
  paginateDescribeScheduledActions,
  RegisterScalableTargetCommand,
  type ScalableTarget,
  type ScheduledAction,
} from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import { BatchGetCommand, DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { AwsClients } from "../aws/clients.ts";
import { chunk } from "../aws/concurrency.ts";
import { type AutopilotConfig, matchesGlob } from "../config/index.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { describeServices, listAllServices, tagMap } from "../ecs/describe.ts";
import { SERVICE_TAGS } from "../tags.ts";
import {
  ACTION_PREFIX,
  type Capacity,
  capacityAt,
  type PlannedScheduledAction,
  planScheduledActions,
} from "./planScheduledActions.ts";
import {
  parseCapacity,
  parseScheduleObject,
  parseScheduleTag,
  ScheduleError,
  type ScheduleSpec,
} from "./ScheduleSpec.ts";
import { stateIntervals } from "./ScheduleState.ts";

const SCHEDULE_TAG = SERVICE_TAGS.schedule;
const OFF_CAPACITY_TAG = SERVICE_TAGS.offCapacity;
const UP_CAPACITY_TAG = SERVICE_TAGS.upCapacity;
const NAMESPACE = "ecs";
const DIMENSION = "ecs:service:DesiredCount";
/** The reconciler leaves the target's capacity alone this close to a scheduled change (the action does it). */
const TRANSITION_GUARD_MS = 2 * 60_000;

export interface ScheduledServiceRef {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly serviceArn: string;
  /** `service/<cluster>/<service>`, the scalable target's ResourceId. */
  readonly resourceId: string;
}

/** One write the reconciler makes (or would make, on a dry run). */
export type ScheduleWrite =
  | {
      readonly kind: "put-action";
      readonly action: PlannedScheduledAction;
      readonly reason: "create" | "update";
    }
  | { readonly kind: "delete-action"; readonly name: string; readonly reason: "obsolete" | "recreate" }
  | {
      readonly kind: "set-capacity";
      readonly capacity: Capacity;
      readonly reason: "register" | "schedule-now" | "restore";
    }
  | { readonly kind: "remember-capacity"; readonly capacity: Capacity; readonly source: string }
  | { readonly kind: "forget-capacity" };

export interface ServiceSchedulePlan {
  readonly service: ScheduledServiceRef;
  readonly status: "scheduled" | "invalid" | "unscheduled";
  readonly spec?: ScheduleSpec;
  readonly capacity?: { readonly up: Capacity; readonly off: Capacity };
  readonly actions?: readonly PlannedScheduledAction[];
  readonly writes: readonly ScheduleWrite[];
  readonly error?: string;
  /** Running tasks when up (for savings) and the task's size. */
  readonly upTasks?: number;
  readonly taskDefinition?: string;
}

export interface ScheduleReport {
  readonly now: Date;
  readonly dryRun: boolean;
  readonly services: readonly ServiceSchedulePlan[];
}

interface Remembered {
  readonly upMin: number;
  readonly upMax: number;
  readonly source: string;
}

const resourceIdOf = (service: Service) =>
  `service/${nameFromArn(service.clusterArn ?? "")}/${service.serviceName}`;
const sameTime = (a?: Date, b?: Date) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** The schedule a service asks for: its tag wins over the config; undefined when none. */
function scheduleSource(
  service: Service,
  tags: Record<string, string>,
  config: AutopilotConfig["schedule"],
): { spec: () => ScheduleSpec; off?: string | number; up?: string | Capacity } | undefined {
  const clusterName = nameFromArn(service.clusterArn ?? "");
  const rule = config.services.find(
    (r) => matchesGlob(clusterName, r.cluster) && matchesGlob(service.serviceName ?? "", r.service),
  );
  const tagged = tags[SCHEDULE_TAG];
  const withHolidays = (spec: ScheduleSpec): ScheduleSpec =>
    config.holidays.length === 0
      ? spec
      : { ...spec, holidays: [...new Set([...spec.holidays, ...config.holidays])].sort() };
  const off = tags[OFF_CAPACITY_TAG] ?? rule?.offCapacity;
  const up = tags[UP_CAPACITY_TAG] ?? rule?.upCapacity;
  const extras = { ...(off !== undefined ? { off } : {}), ...(up !== undefined ? { up } : {}) };
  if (tagged !== undefined) return { spec: () => withHolidays(parseScheduleTag(tagged)), ...extras };
  if (!rule) return undefined;
  const schedule = rule.schedule;
  return {
    spec: () =>
      withHolidays(typeof schedule === "string" ? parseScheduleTag(schedule) : parseScheduleObject(schedule)),
    ...extras,
  };
}

function actionDiffers(existing: ScheduledAction, planned: PlannedScheduledAction): boolean {
  return (
    existing.Schedule !== planned.schedule ||
    (existing.Timezone ?? "UTC") !== planned.timezone ||
    !sameTime(existing.StartTime, planned.startTime) ||
    !sameTime(existing.EndTime, planned.endTime) ||
    existing.ScalableTargetAction?.MinCapacity !== planned.capacity.min ||
    existing.ScalableTargetAction?.MaxCapacity !== planned.capacity.max
  );
}

/** Writes that turn the existing actions of ours into the planned ones; others' are not looked at. */
function diffActions(
  existing: readonly ScheduledAction[],
  planned: readonly PlannedScheduledAction[],
): ScheduleWrite[] {
  const writes: ScheduleWrite[] = [];
  const byName = new Map(existing.map((a) => [a.ScheduledActionName ?? "", a]));
  const plannedNames = new Set(planned.map((a) => a.name));
  for (const action of existing) {
    if (!plannedNames.has(action.ScheduledActionName ?? ""))
      writes.push({ kind: "delete-action", name: action.ScheduledActionName ?? "", reason: "obsolete" });
  }
  for (const action of planned) {
    const current = byName.get(action.name);
    if (!current) {
      writes.push({ kind: "put-action", action, reason: "create" });
    } else if (actionDiffers(current, action)) {
      // PutScheduledAction keeps a StartTime/EndTime it is not given: dropping one needs a new action.
      if ((current.StartTime && !action.startTime) || (current.EndTime && !action.endTime))
        writes.push({ kind: "delete-action", name: action.name, reason: "recreate" });
      writes.push({ kind: "put-action", action, reason: "update" });
    }
  }
  return writes;
}

/** Whether a scheduled change is due within the guard time (its action will set the capacity). */
function nearTransition(spec: ScheduleSpec, now: Date): boolean {
  const intervals = stateIntervals(
    spec,
    new Date(now.getTime() - TRANSITION_GUARD_MS),
    new Date(now.getTime() + TRANSITION_GUARD_MS),
  );
  return intervals.length > 1;
}

export interface ReconcileOptions {
  readonly dryRun?: boolean;
  readonly now?: Date;
  /** Reconcile one service (a tag change); the default is every service of every cluster. */
  readonly only?: { readonly cluster: string; readonly service: string };
}

/**
 * Reconciles every service's schedule into Application Auto Scaling, owning only actions named
 * `autopilot-…`: plans per service, diffs against what exists, and (unless `dryRun`) writes the
 * difference. A second run writes nothing; hand-edited drift is repaired; a service whose tag
 * was removed gets its own actions deleted and its remembered capacity restored; an invalid
 * schedule leaves its service untouched.
 *
 * Reads are per cluster and per 10 services (DescribeServices), per 50 targets
 * (DescribeScalableTargets), per 100 services (BatchGetItem) and one paginated
 * DescribeScheduledActions for the namespace — never one call per service.
 */
export async function reconcileSchedules(
  clients: AwsClients,
  tableName: string,
  config: AutopilotConfig,
  options: ReconcileOptions = {},
): Promise<ScheduleReport> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;

  const services: Service[] = [];
  if (options.only) {
    services.push(
      ...(await describeServices(clients.ecs, options.only.cluster, [options.only.service])).services,
    );
  } else {
    for (const [cluster, arns] of await listAllServices(clients.ecs))
      services.push(...(await describeServices(clients.ecs, cluster, arns)).services);
  }
  const active = services.filter((s) => s.status === "ACTIVE");

  const ours = new Map<string, ScheduledAction[]>();
  for await (const page of paginateDescribeScheduledActions(
    { client: clients.autoscaling },
    { ServiceNamespace: NAMESPACE },
  )) {
    for (const action of page.ScheduledActions ?? []) {
      if (!action.ScheduledActionName?.startsWith(ACTION_PREFIX) || action.ScalableDimension !== DIMENSION)
        continue;
      const list = ours.get(action.ResourceId ?? "") ?? [];
      list.push(action);
      ours.set(action.ResourceId ?? "", list);
    }
  }

  const relevant = active.filter(
    (s) => scheduleSource(s, tagMap(s.tags), config.schedule) || ours.has(resourceIdOf(s)),
  );
  const targets = new Map<string, ScalableTarget>();
  for (const batch of chunk(relevant.map(resourceIdOf), 50)) {
    const response = await clients.autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: NAMESPACE,
        ResourceIds: batch,
        ScalableDimension: DIMENSION,
      }),
    );
    for (const target of response.ScalableTargets ?? []) targets.set(target.ResourceId ?? "", target);
  }
  const remembered = new Map<string, Remembered>();
  for (const batch of chunk(
    relevant.map((s) => s.serviceArn ?? ""),
    100,
  )) {
    const response = await clients.documents.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: {
            Keys: batch.map((arn) => ({ pk: `svc#${arn}`, sk: "schedule" })),
            ConsistentRead: true,
          },
        },
      }),
    );
    for (const item of response.Responses?.[tableName] ?? [])
      remembered.set(String(item.pk).slice(4), item as unknown as Remembered);
  }

  const plans: ServiceSchedulePlan[] = [];
  for (const service of relevant) {
    const ref: ScheduledServiceRef = {
      clusterName: nameFromArn(service.clusterArn ?? ""),
      serviceName: service.serviceName ?? "",
      serviceArn: service.serviceArn ?? "",
      resourceId: resourceIdOf(service),
    };
    const existing = ours.get(ref.resourceId) ?? [];
    const target = targets.get(ref.resourceId);
    const memory = remembered.get(ref.serviceArn);
    const source = scheduleSource(service, tagMap(service.tags), config.schedule);
    if (!source) {
      // The schedule was removed: delete our actions, restore the capacity we remembered.
      const writes: ScheduleWrite[] = existing.map((a) => ({
        kind: "delete-action",
        name: a.ScheduledActionName ?? "",
        reason: "obsolete",
      }));
      if (memory && target && (target.MinCapacity !== memory.upMin || target.MaxCapacity !== memory.upMax))
        writes.push({
          kind: "set-capacity",
          capacity: { min: memory.upMin, max: memory.upMax },
          reason: "restore",
        });
      if (memory) writes.push({ kind: "forget-capacity" });
      plans.push({ service: ref, status: "unscheduled", writes });
      continue;
    }
    try {
      const spec = source.spec();
      const off =
        source.off === undefined
          ? { min: 0, max: 0 }
          : typeof source.off === "number"
            ? { min: source.off, max: source.off }
            : parseCapacity(spec.source, source.off);
      const explicitUp =
        source.up === undefined
          ? undefined
          : typeof source.up === "string"
            ? parseCapacity(spec.source, source.up)
            : source.up;
      const writes: ScheduleWrite[] = [];
      let up: Capacity;
      if (explicitUp) {
        up = explicitUp;
        if (memory?.upMin !== up.min || memory?.upMax !== up.max)
          writes.push({ kind: "remember-capacity", capacity: up, source: "tag or config" });
      } else if (memory) {
        up = { min: memory.upMin, max: memory.upMax };
      } else if (target && !(target.MinCapacity === off.min && target.MaxCapacity === off.max)) {
        up = { min: target.MinCapacity ?? 0, max: target.MaxCapacity ?? 0 };
        writes.push({ kind: "remember-capacity", capacity: up, source: "scalable target" });
      } else if ((service.desiredCount ?? 0) > off.max) {
        up = { min: service.desiredCount ?? 0, max: service.desiredCount ?? 0 };
        writes.push({ kind: "remember-capacity", capacity: up, source: "desired count" });
      } else {
        throw new ScheduleError(
          spec.source,
          "",
          `cannot tell which capacity to restore (desired count ${service.desiredCount ?? 0}): set ${UP_CAPACITY_TAG}, e.g. '2-6'`,
        );
      }
      if (up.max < off.max)
        throw new ScheduleError(
          spec.source,
          "",
          `the up capacity ${up.min}-${up.max} is below the off capacity ${off.min}-${off.max}`,
        );
      const capacity = { up, off };
      const actions = planScheduledActions(spec, capacity, now);
      writes.push(...diffActions(existing, actions));
      const wanted = capacityAt(spec, capacity, now);
      if (!target) writes.push({ kind: "set-capacity", capacity: wanted, reason: "register" });
      else if (
        (target.MinCapacity !== wanted.min || target.MaxCapacity !== wanted.max) &&
        !nearTransition(spec, now)
      )
        writes.push({ kind: "set-capacity", capacity: wanted, reason: "schedule-now" });
      plans.push({
        service: ref,
        status: "scheduled",
        spec,
        capacity,
        actions,
        writes,
        upTasks: Math.max(up.min, Math.min(up.max, service.desiredCount ?? up.min)),
        ...(service.taskDefinition ? { taskDefinition: service.taskDefinition } : {}),
      });
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      plans.push({ service: ref, status: "invalid", writes: [], error: error.message });
    }
  }

  if (!dryRun) for (const plan of plans) await applyWrites(clients, tableName, plan);
  return { now, dryRun, services: plans };
}

async function applyWrites(clients: AwsClients, tableName: string, plan: ServiceSchedulePlan): Promise<void> {
  const target = {
    ServiceNamespace: NAMESPACE,
    ResourceId: plan.service.resourceId,
    ScalableDimension: DIMENSION,
  } as const;
  // The target first: scheduled actions need a registered scalable target.
  for (const write of plan.writes) {
    if (write.kind === "set-capacity" && write.reason === "register")
      await clients.autoscaling.send(
        new RegisterScalableTargetCommand({
          ...target,
          MinCapacity: write.capacity.min,
          MaxCapacity: write.capacity.max,
        }),
      );
  }
  for (const write of plan.writes) {
    switch (write.kind) {
      case "delete-action":
        await clients.autoscaling.send(
          new DeleteScheduledActionCommand({ ...target, ScheduledActionName: write.name }),
        );
        break;
      case "put-action":
        await clients.autoscaling.send(
          new PutScheduledActionCommand({
            ...target,
            ScheduledActionName: write.action.name,
            Schedule: write.action.schedule,
            Timezone: write.action.timezone,
            ...(write.action.startTime ? { StartTime: write.action.startTime } : {}),
            ...(write.action.endTime ? { EndTime: write.action.endTime } : {}),
            ScalableTargetAction: {
              MinCapacity: write.action.capacity.min,
              MaxCapacity: write.action.capacity.max,
            },
          }),
        );
        break;
      case "set-capacity":
        if (write.reason !== "register")
          await clients.autoscaling.send(
            new RegisterScalableTargetCommand({
              ...target,
              MinCapacity: write.capacity.min,
              MaxCapacity: write.capacity.max,
            }),
          );
        break;
      case "remember-capacity":
        await clients.documents.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: `svc#${plan.service.serviceArn}`,
              sk: "schedule",
              upMin: write.capacity.min,
              upMax: write.capacity.max,
              source: write.source,
              recordedAt: new Date().toISOString(),
            },
          }),
        );
        break;
      case "forget-capacity":
        await clients.documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk: `svc#${plan.service.serviceArn}`, sk: "schedule" },
          }),
        );
        break;
    }
  }
}
