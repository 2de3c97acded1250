export { describeWrite, formatScheduleReport, type PricedService } from "./formatSchedule.ts";
export { scheduleMessages } from "./notifySchedules.ts";
export {
  ACTION_PREFIX,
  type Capacity,
  capacityAt,
  MAX_ACTIONS_PER_TARGET,
  type PlannedScheduledAction,
  planScheduledActions,
} from "./planScheduledActions.ts";
export {
  type ReconcileOptions,
  reconcileSchedules,
  type ScheduleReport,
  type ScheduleWrite,
  type ServiceSchedulePlan,
} from "./reconcileSchedules.ts";
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
