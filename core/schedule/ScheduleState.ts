import type { ScheduleSpec } from "./ScheduleSpec.ts";
import { addDays, fromZoned, toZoned, weekdayOf } from "./zonedTime.ts";

/** An interval with the schedule's state over it. */
export interface StateInterval {
  readonly from: Date;
  readonly to: Date;
  readonly up: boolean;
}

const windowEnd = (start: number, end: number) =>
  end <= start
    ? { dayOffset: 1, minutes: end }
    : end === 1440
      ? { dayOffset: 1, minutes: 0 }
      : { dayOffset: 0, minutes: end };

/** The instants a window that starts on local `date` starts and ends. */
function windowInstance(spec: ScheduleSpec, date: string, window: ScheduleSpec["windows"][number]) {
  const end = windowEnd(window.start, window.end);
  return {
    start: fromZoned(date, window.start, spec.timezone),
    end: fromZoned(addDays(date, end.dayOffset), end.minutes, spec.timezone),
  };
}

/** The override's end as an instant, when the schedule has one. */
export function upUntilInstant(spec: ScheduleSpec): Date | undefined {
  if (!spec.upUntil) return undefined;
  // The parser only lets `YYYY-MM-DDTHH:MM` through.
  const [date, time] = spec.upUntil.split("T") as [string, string];
  const [h, m] = time.split(":").map(Number) as [number, number];
  return fromZoned(date, h * 60 + m, spec.timezone);
}

/**
 * Whether the schedule wants the service up at an instant: inside a window that did not start
 * on a holiday, not on a holiday, or before the override's end.
 */
export function isUp(spec: ScheduleSpec, instant: Date): boolean {
  const override = upUntilInstant(spec);
  if (override && instant < override) return true;
  const local = toZoned(instant, spec.timezone);
  if (spec.holidays.includes(local.date)) return false;
  for (const date of [local.date, addDays(local.date, -1)]) {
    if (spec.holidays.includes(date)) continue;
    const weekday = weekdayOf(date);
    for (const window of spec.windows) {
      if (!window.days.includes(weekday)) continue;
      const { start, end } = windowInstance(spec, date, window);
      if (start <= instant && instant < end) return true;
    }
  }
  return false;
}

/** The schedule's up/off intervals between two instants, merged. */
export function stateIntervals(spec: ScheduleSpec, from: Date, to: Date): StateInterval[] {
  const boundaries = new Set<number>([from.getTime(), to.getTime()]);
  const first = addDays(toZoned(from, spec.timezone).date, -1);
  const last = addDays(toZoned(to, spec.timezone).date, 1);
  for (let date = first; date <= last; date = addDays(date, 1)) {
    for (const window of spec.windows) {
      if (!window.days.includes(weekdayOf(date))) continue;
      const { start, end } = windowInstance(spec, date, window);
      boundaries.add(start.getTime()).add(end.getTime());
    }
    if (spec.holidays.includes(date)) {
      boundaries
        .add(fromZoned(date, 0, spec.timezone).getTime())
        .add(fromZoned(addDays(date, 1), 0, spec.timezone).getTime());
    }
  }
  const override = upUntilInstant(spec);
  if (override) boundaries.add(override.getTime());
  const points = [...boundaries]
    .filter((t) => t >= from.getTime() && t <= to.getTime())
    .sort((a, b) => a - b);
  const intervals: StateInterval[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] ?? 0;
    const end = points[i + 1] ?? 0;
    const up = isUp(spec, new Date((start + end) / 2));
    const previous = intervals[intervals.length - 1];
    if (previous && previous.up === up) intervals[intervals.length - 1] = { ...previous, to: new Date(end) };
    else intervals.push({ from: new Date(start), to: new Date(end), up });
  }
  return intervals;
}
