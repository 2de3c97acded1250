import { ScheduleError, type ScheduleSpec } from "./ScheduleSpec.ts";
import { isUp, upUntilInstant } from "./ScheduleState.ts";
import { addDays, fromZoned, toZoned } from "./zonedTime.ts";

export interface Capacity {
  readonly min: number;
  readonly max: number;
}

/** One Application Auto Scaling scheduled action, as PutScheduledAction takes it. */
export interface PlannedScheduledAction {
  readonly name: string;
  /** `cron(M H ? * DAYS *)` or `at(YYYY-MM-DDTHH:MM:SS)`, in `timezone`. */
  readonly schedule: string;
  readonly timezone: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly capacity: Capacity;
}

/** Every action ecs-autopilot creates starts with this; actions without it are never touched. */
export const ACTION_PREFIX = "autopilot-";
/** Application Auto Scaling allows 200 scheduled actions per scalable target. */
export const MAX_ACTIONS_PER_TARGET = 200;
/**
 * Whether an up capacity ends below the off capacity (more tasks off hours than up): refused when
 * the central config is loaded (core/validateConfig.ts) and when a service's tags are planned.
 */
export const upBelowOff = (upMax: number, offMax: number): boolean => upMax < offMax;

const WEEK = 7 * 1440;
const CRON_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const pad = (n: number) => String(n).padStart(2, "0");
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}${pad(minutes % 60)}`;

/** Day-of-week field: ranges where days run on (`MON-FRI`), else a list (`MON,WED,FRI`). */
function cronDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const day of sorted) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === day - 1) run.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) =>
      run.length >= 3
        ? `${CRON_DAYS[run[0] ?? 0]}-${CRON_DAYS[run[run.length - 1] ?? 0]}`
        : run.map((d) => CRON_DAYS[d]).join(","),
    )
    .join(",");
}

/**
 * The windows as up-intervals of the week (minutes since Sunday 00:00), overlapping and touching
 * ones merged, so that no "down" of one window fires at the same minute as the "up" of the next.
 */
function weekIntervals(spec: ScheduleSpec): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  for (const window of spec.windows) {
    for (const day of window.days) {
      const start = day * 1440 + window.start;
      const end = day * 1440 + (window.end <= window.start ? window.end + 1440 : window.end);
      raw.push([start, end]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of raw) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  // A window running past Saturday midnight may reach into the first one of the week.
  const first = merged[0];
  const last = merged[merged.length - 1];
  if (first && last && merged.length > 1 && last[1] - WEEK >= first[0]) {
    last[1] = Math.max(last[1], first[1] + WEEK);
    merged.shift();
  }
  return merged;
}

/** Transitions of the week grouped by kind and time of day: one cron action per group. */
function recurringTransitions(
  spec: ScheduleSpec,
): Array<{ kind: "up" | "down"; minute: number; days: number[] }> {
  const groups = new Map<string, { kind: "up" | "down"; minute: number; days: number[] }>();
  const add = (kind: "up" | "down", weekMinute: number) => {
    const at = ((weekMinute % WEEK) + WEEK) % WEEK;
    const minute = at % 1440;
    const key = `${kind}-${minute}`;
    const group = groups.get(key) ?? { kind, minute, days: [] };
    group.days.push(Math.floor(at / 1440));
    groups.set(key, group);
  };
  for (const [start, end] of weekIntervals(spec)) {
    if (end - start >= WEEK) continue; // up all week: no transition at all
    add("up", start);
    add("down", end);
  }
  return [...groups.values()].sort((a, b) =>
    a.kind === b.kind ? a.minute - b.minute : a.kind === "up" ? -1 : 1,
  );
}

/**
 * The exact set of scheduled actions that realise a schedule from `now` on: per transition of
 * the week one cron action (`Timezone` = the schedule's zone, so daylight saving is AWS's to
 * handle); around each coming holiday the recurring actions are split into segments with
 * StartTime/EndTime and an `at()` action takes the service down at the holiday's midnight; an
 * override (`until`) starts every recurring action at its end and restores the scheduled state
 * then. Pure.
 *
 * @example
 * planScheduledActions(parseScheduleTag("Mon-Fri 07:00-19:00 Europe/Berlin"), { up: { min: 2, max: 6 }, off: { min: 0, max: 0 } }, new Date());
 * // autopilot-up-0700-MON-FRI  cron(0 7 ? * MON-FRI *)  → 2-6
 * // autopilot-down-1900-MON-FRI  cron(0 19 ? * MON-FRI *)  → 0-0
 */
export function planScheduledActions(
  spec: ScheduleSpec,
  capacity: { up: Capacity; off: Capacity },
  now: Date,
): PlannedScheduledAction[] {
  const today = toZoned(now, spec.timezone).date;
  const holidays = spec.holidays.filter((d) => d >= today);
  const override = upUntilInstant(spec);
  const activeOverride = override && override > now ? override : undefined;

  // Segments between coming holidays: [start, end) instants; the first has no start.
  const segments: Array<{ label: string; start?: Date; end?: Date }> = [];
  let previousEnd: { label: string; at: Date } | undefined;
  for (const holiday of holidays) {
    const start = fromZoned(holiday, 0, spec.timezone);
    if (!previousEnd || previousEnd.at < start)
      segments.push({
        label: previousEnd?.label ?? "base",
        ...(previousEnd ? { start: previousEnd.at } : {}),
        end: start,
      });
    const next = addDays(holiday, 1);
    previousEnd = { label: `from-${next.replaceAll("-", "")}`, at: fromZoned(next, 0, spec.timezone) };
  }
  segments.push({ label: previousEnd?.label ?? "base", ...(previousEnd ? { start: previousEnd.at } : {}) });

  const actions: PlannedScheduledAction[] = [];
  const transitions = recurringTransitions(spec);
  for (const segment of segments) {
    if (segment.end && activeOverride && segment.end <= activeOverride) continue;
    const start =
      activeOverride && (!segment.start || segment.start < activeOverride) ? activeOverride : segment.start;
    const suffix = segments.length > 1 ? `-${segment.label}` : "";
    for (const t of transitions) {
      const days = cronDays(t.days);
      actions.push({
        name: `${ACTION_PREFIX}${t.kind}-${hhmm(t.minute)}-${days.replaceAll(",", ".")}${suffix}`,
        schedule: `cron(${t.minute % 60} ${Math.floor(t.minute / 60)} ? * ${days} *)`,
        timezone: spec.timezone,
        ...(start ? { startTime: start } : {}),
        ...(segment.end ? { endTime: segment.end } : {}),
        capacity: t.kind === "up" ? capacity.up : capacity.off,
      });
    }
  }
  for (const holiday of holidays) {
    // The override keeps the service up through holidays (isUp agrees): no holiday action fires
    // before its end; one starting at its end is the override-end action's down already.
    if (activeOverride && fromZoned(holiday, 0, spec.timezone) <= activeOverride) continue;
    actions.push({
      name: `${ACTION_PREFIX}holiday-${holiday.replaceAll("-", "")}`,
      schedule: `at(${holiday}T00:00:00)`,
      timezone: spec.timezone,
      capacity: capacity.off,
    });
  }
  if (activeOverride && spec.upUntil) {
    actions.push({
      name: `${ACTION_PREFIX}override-end`,
      schedule: `at(${spec.upUntil}:00)`,
      timezone: spec.timezone,
      // At the override's end instant itself the override no longer holds: this is the schedule's state.
      capacity: isUp(spec, activeOverride) ? capacity.up : capacity.off,
    });
  }
  if (actions.length > MAX_ACTIONS_PER_TARGET)
    throw new ScheduleError(
      spec.source,
      "",
      `needs ${actions.length} scheduled actions; Application Auto Scaling allows ${MAX_ACTIONS_PER_TARGET} per service`,
    );
  return actions;
}

/** The capacity the schedule wants at an instant. */
export function capacityAt(
  spec: ScheduleSpec,
  capacity: { up: Capacity; off: Capacity },
  instant: Date,
): Capacity {
  return isUp(spec, instant) ? capacity.up : capacity.off;
}
