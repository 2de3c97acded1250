export { applyScheduleWrites } from "./applyScheduleWrites.ts";
export { describeWrite, formatScheduleReport, type PricedService } from "./formatSchedule.ts";
export { loadScheduleInputs } from "./loadScheduleInputs.ts";
export { scheduleMessages } from "./messages.ts";
export {
  ACTION_PREFIX,
  type Capacity,
  capacityAt,
  MAX_ACTIONS_PER_TARGET,
  type PlannedScheduledAction,
  planScheduledActions,
} from "./planScheduledActions.ts";
export { planSchedules } from "./planSchedules.ts";
export {
  type ReconcileOptions,
  reconcileSchedules,
  type ScheduleReport,
  type ScheduleWrite,
  type ServiceSchedulePlan,
} from "./reconcileSchedules.ts";
export { runSchedule } from "./runSchedule.ts";
export {
  parseCapacity,
  parseScheduleObject,
  parseScheduleTag,
  ScheduleError,
  type ScheduleSpec,
  type ScheduleWindow,
  TAG_GRAMMAR,
} from "./ScheduleSpec.ts";
export { isUp, stateIntervals } from "./ScheduleState.ts";
export { serviceFromTagCall } from "./serviceFromTagCall.ts";
export { type TimelineDay, timeline, type WeeklySavings, weeklySavings } from "./timeline.ts";
export type { RememberedCapacity, ScheduledServiceRef, ScheduleInputs } from "./types.ts";
