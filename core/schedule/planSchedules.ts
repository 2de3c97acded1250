import type { ScalableTarget, ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import type { AutopilotConfig } from "../config/index.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { tagMap } from "../ecs/describe.ts";
import { SERVICE_TAGS } from "../tags.ts";
import {
  type Capacity,
  capacityAt,
  type PlannedScheduledAction,
  planScheduledActions,
  upBelowOff,
} from "./planScheduledActions.ts";
import { parseCapacity, ScheduleError, type ScheduleSpec } from "./ScheduleSpec.ts";
import { stateIntervals } from "./ScheduleState.ts";
import { resourceIdOf, type ScheduleSource, scheduleSource } from "./scheduleSource.ts";
import type {
  RememberedCapacity,
  ScheduledServiceRef,
  ScheduleInputs,
  ScheduleWrite,
  ServiceSchedulePlan,
} from "./types.ts";

/** The reconciler leaves the target's capacity alone this close to a scheduled change (the action does it). */
const TRANSITION_GUARD_MS = 2 * 60_000;

const sameTime = (a?: Date, b?: Date) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

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
export function diffActions(
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

/**
 * A service whose schedule was removed: restore the capacity we remembered, mark it released,
 * delete our actions, restore it again, then forget it. Our actions are what makes a later
 * reconcile look at the service again (`servicesToReconcile`), so they go only once the capacity
 * is back and the memory marked released: a restore that fails (or a run that dies before it)
 * leaves them, and the next run restores; a forget that fails leaves a released memory that a
 * schedule set again later does not take for its up capacity. The second restore, after the
 * deletes, undoes an off-hours action that ran between the first one and the deletes (nothing
 * would look at the service after).
 */
function planUnscheduled(
  ref: ScheduledServiceRef,
  existing: readonly ScheduledAction[],
  target: ScalableTarget | undefined,
  memory: RememberedCapacity | undefined,
): ServiceSchedulePlan {
  const writes: ScheduleWrite[] = [];
  const restore: ScheduleWrite | undefined = memory && {
    kind: "set-capacity",
    capacity: { min: memory.upMin, max: memory.upMax },
    reason: "restore",
  };
  if (restore && target && (target.MinCapacity !== memory?.upMin || target.MaxCapacity !== memory?.upMax))
    writes.push(restore);
  if (memory && !memory.released && existing.length > 0) writes.push({ kind: "release-capacity" });
  writes.push(
    ...existing.map(
      (a): ScheduleWrite => ({
        kind: "delete-action",
        name: a.ScheduledActionName ?? "",
        reason: "obsolete",
      }),
    ),
  );
  if (restore && target && existing.length > 0) writes.push(restore);
  if (memory) writes.push({ kind: "forget-capacity" });
  return { service: ref, status: "unscheduled", writes };
}

/** A scheduled service: its actions, the capacity it should have now, what to remember. Throws ScheduleError. */
function planScheduled(
  ref: ScheduledServiceRef,
  service: Service,
  source: ScheduleSource,
  existing: readonly ScheduledAction[],
  target: ScalableTarget | undefined,
  memory: RememberedCapacity | undefined,
  now: Date,
): ServiceSchedulePlan {
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
    if (memory?.upMin !== up.min || memory?.upMax !== up.max || memory?.released)
      writes.push({ kind: "remember-capacity", capacity: up, source: "tag or config" });
  } else if (memory && !memory.released) {
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
      `cannot tell which capacity to restore (desired count ${service.desiredCount ?? 0}): set ${SERVICE_TAGS.upCapacity}, e.g. '2-6'`,
    );
  }
  if (upBelowOff(up.max, off.max))
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
  return {
    service: ref,
    status: "scheduled",
    spec,
    capacity,
    actions,
    writes,
    upTasks: Math.max(up.min, Math.min(up.max, service.desiredCount ?? up.min)),
    ...(service.taskDefinition ? { taskDefinition: service.taskDefinition } : {}),
  };
}

/**
 * Plans every service's schedule from what {@link loadScheduleInputs} read: per service, the
 * writes that make Application Auto Scaling match its schedule (only our `autopilot-…` actions),
 * or why it is invalid (that service is left untouched). Pure: no AWS calls, same input → same plan.
 *
 * @example
 * const plans = planSchedules(await loadScheduleInputs(clients, table, config), config, new Date());
 */
export function planSchedules(
  inputs: ScheduleInputs,
  config: AutopilotConfig,
  now: Date,
): ServiceSchedulePlan[] {
  return inputs.services.map((service) => {
    const ref: ScheduledServiceRef = {
      clusterName: nameFromArn(service.clusterArn ?? ""),
      serviceName: service.serviceName ?? "",
      serviceArn: service.serviceArn ?? "",
      resourceId: resourceIdOf(service),
    };
    const existing = inputs.actions.get(ref.resourceId) ?? [];
    const target = inputs.targets.get(ref.resourceId);
    const memory = inputs.remembered.get(ref.serviceArn);
    const source = scheduleSource(service, tagMap(service.tags), config.schedule);
    if (!source) return planUnscheduled(ref, existing, target, memory);
    try {
      return planScheduled(ref, service, source, existing, target, memory, now);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      return { service: ref, status: "invalid", writes: [], error: error.message };
    }
  });
}
