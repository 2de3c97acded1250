import type { Capacity } from "./planScheduledActions.ts";
import { dayName, type ScheduleSpec } from "./ScheduleSpec.ts";
import { isUp, stateIntervals } from "./ScheduleState.ts";
import { addDays, fromZoned, toZoned, weekdayOf } from "./zonedTime.ts";

export interface TimelineDay {
  /** Local date. */
  readonly date: string;
  readonly weekday: string;
  /** 48 half-hour cells of the local day: `█` up, `·` down. */
  readonly cells: string;
  /** Local times the capacity changes that day, e.g. `07:00 → 2-6`. */
  readonly changes: readonly string[];
  /** Real hours in the local day (23 or 25 on daylight-saving switch days). */
  readonly hours: number;
}

const clock = (instant: Date, timeZone: string) => {
  const minutes = toZoned(instant, timeZone).minutes;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
};
const range = (c: Capacity) => (c.min === c.max ? String(c.min) : `${c.min}-${c.max}`);

/**
 * The capacity timeline of the coming days, computed in the schedule's own time zone: the day
 * boundaries, the hours of each day and the times of change follow its daylight-saving rules.
 */
export function timeline(
  spec: ScheduleSpec,
  capacity: { up: Capacity; off: Capacity },
  from: Date,
  days: number,
): TimelineDay[] {
  const first = toZoned(from, spec.timezone).date;
  const result: TimelineDay[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(first, i);
    const start = fromZoned(date, 0, spec.timezone);
    const end = fromZoned(addDays(date, 1), 0, spec.timezone);
    let cells = "";
    for (let cell = 0; cell < 48; cell++)
      cells += isUp(spec, fromZoned(date, cell * 30 + 15, spec.timezone)) ? "█" : "·";
    const intervals = stateIntervals(spec, start, end);
    const before = isUp(spec, new Date(start.getTime() - 1));
    // Merged intervals alternate, so each after the first is a change; the first only if midnight changed it.
    const changes = intervals
      .filter((interval, index) => index > 0 || interval.up !== before)
      .map(
        (interval) =>
          `${clock(interval.from, spec.timezone)} → ${range(interval.up ? capacity.up : capacity.off)}`,
      );
    result.push({
      date,
      weekday: dayName(weekdayOf(date)),
      cells,
      changes,
      hours: (end.getTime() - start.getTime()) / 3_600_000,
    });
  }
  return result;
}

export interface WeeklySavings {
  /** Real hours per week the service is down. */
  readonly offHours: number;
  /** (tasks when up − tasks when down) × hours down. */
  readonly taskHours: number;
  /** $ per week, when a price is known. */
  readonly dollars?: number;
  /**
   * $ per month (365 / 7 / 12 weeks), from the exact weekly figure: the rounded weekly dollars
   * times 4.35 would be off by cents ($2.67 × 4.345 = $11.60 where $2.666 × 4.345 = $11.58).
   */
  readonly monthlyDollars?: number;
}

/** Weeks in an average month. */
const WEEKS_PER_MONTH = 365 / 7 / 12;

/** What the schedule saves over the week from `from`, against running `upTasks` all the time. */
export function weeklySavings(
  spec: ScheduleSpec,
  capacity: { up: Capacity; off: Capacity },
  from: Date,
  upTasks: number,
  taskHourly?: number,
): WeeklySavings {
  const to = new Date(from.getTime() + 7 * 86_400_000);
  const offMs = stateIntervals(spec, from, to)
    .filter((interval) => !interval.up)
    .reduce((sum, interval) => sum + (interval.to.getTime() - interval.from.getTime()), 0);
  const offHours = offMs / 3_600_000;
  const taskHours = offHours * Math.max(0, upTasks - capacity.off.min);
  return {
    offHours: Math.round(offHours * 100) / 100,
    taskHours: Math.round(taskHours * 100) / 100,
    ...(taskHourly !== undefined
      ? {
          dollars: Math.round(taskHours * taskHourly * 100) / 100,
          monthlyDollars: Math.round(taskHours * taskHourly * WEEKS_PER_MONTH * 100) / 100,
        }
      : {}),
  };
}
