/**
 * Wall-clock time in an IANA time zone, with the offsets (and so the daylight-saving changes)
 * taken from the ICU data in Node's Intl. No library: the conversions are small and tested on
 * the switch days of Europe/Berlin and America/New_York.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** True when the runtime knows the IANA zone. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

export interface ZonedTime {
  /** Local date, `YYYY-MM-DD`. */
  readonly date: string;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minutes: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock time in `timeZone` at an instant. */
export function toZoned(instant: Date, timeZone: string): ZonedTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? "Sun"] ?? 0,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The zone's offset from UTC at an instant, in minutes (Berlin in winter: +60). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a wall-clock time in `timeZone`. A time that does not exist (the hour skipped
 * when clocks go forward) maps to the same clock time after the switch, as cron schedulers do;
 * a time that exists twice (clocks going back) maps to its first occurrence.
 */
export function fromZoned(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  const first = offsetMinutes(new Date(wall), timeZone);
  const candidate = wall - first * 60_000;
  const second = offsetMinutes(new Date(candidate), timeZone);
  if (second === first) {
    // Clocks going back: an earlier instant may show the same wall time with the summer offset.
    const earlier = wall - (first + 60) * 60_000;
    const zoned = toZoned(new Date(earlier), timeZone);
    return zoned.date === date && zoned.minutes === minutes ? new Date(earlier) : new Date(candidate);
  }
  const adjusted = wall - second * 60_000;
  if (offsetMinutes(new Date(adjusted), timeZone) === second) return new Date(adjusted);
  // In the gap: the wall time is moved forward by the switch, with the offset from before it.
  return new Date(wall - Math.min(first, second) * 60_000);
}

/** `YYYY-MM-DD` plus n days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, for a calendar date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}
