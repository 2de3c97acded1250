import { AutopilotError } from "../errors.ts";
import { TZ_NAMES } from "./tzNames.generated.ts";
import { isTimeZone } from "./zonedTime.ts";

/** When a service is up, in its own time zone. */
export interface ScheduleWindow {
  /** Local weekdays the window starts on: 0 = Sunday … 6 = Saturday. */
  readonly days: readonly number[];
  /** Minutes since local midnight. */
  readonly start: number;
  /** Minutes since local midnight; 1440 is midnight at the end of the day. Below `start`: the window ends the next day. */
  readonly end: number;
}

export interface ScheduleSpec {
  readonly windows: readonly ScheduleWindow[];
  readonly timezone: string;
  /** Local dates (`YYYY-MM-DD`) on which the service stays down all day. */
  readonly holidays: readonly string[];
  /** Keep the service up until this local time (`YYYY-MM-DDTHH:MM`), whatever the windows say. */
  readonly upUntil?: string;
  /** The text the schedule came from, for messages. */
  readonly source: string;
}

/** A schedule that cannot be understood; `part` is the piece that is wrong. */
export class ScheduleError extends AutopilotError {
  override readonly name = "ScheduleError";
  readonly code = "schedule-invalid";
  constructor(
    readonly source: string,
    readonly part: string,
    readonly problem: string,
  ) {
    super(
      part
        ? `invalid schedule '${source}': '${part}': ${problem}`
        : `invalid schedule '${source}': ${problem}`,
    );
  }
}

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const DAY_INDEX = new Map(DAY_NAMES.map((name, i) => [name.toLowerCase(), i]));
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];

export const TAG_GRAMMAR =
  "DAYS HH:MM-HH:MM [HH:MM-HH:MM…] [DAYS HH:MM-HH:MM…] TIMEZONE [except YYYY-MM-DD…] [until YYYY-MM-DDTHH:MM], e.g. 'Mon-Fri 07:00-19:00 Europe/Berlin'";

function parseDay(source: string, part: string, text: string): number {
  const day = DAY_INDEX.get(text.toLowerCase());
  if (day === undefined)
    throw new ScheduleError(source, part, `unknown day '${text}' (use ${DAY_NAMES.join(", ")})`);
  return day;
}

/** `Mon-Fri`, `Sat`, `Mon-Wed+Fri`, `Daily`; ranges may wrap (`Fri-Mon`). */
export function parseDays(source: string, text: string): number[] {
  if (/^(daily|every-day)$/i.test(text)) return [...ALL_DAYS];
  const days = new Set<number>();
  for (const piece of text.split("+")) {
    const [from, to, extra] = piece.split("-");
    if (!from || extra !== undefined)
      throw new ScheduleError(source, text, "days are 'Mon', 'Mon-Fri' or 'Mon-Wed+Fri'");
    const first = parseDay(source, text, from);
    const last = to === undefined ? first : parseDay(source, text, to);
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function parseClock(source: string, part: string, text: string, allow24: boolean): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || minutes > 59 || hours > 24 || (hours === 24 && (minutes > 0 || !allow24)))
    throw new ScheduleError(
      source,
      part,
      `'${text}' is not a time of day (HH:MM, 00:00 to ${allow24 ? "24:00" : "23:59"})`,
    );
  return hours * 60 + minutes;
}

/** `07:00-19:00`; an end before the start runs past midnight (`22:00-06:00`). */
export function parseWindowTimes(source: string, text: string): { start: number; end: number } {
  const [from, to, extra] = text.split("-");
  if (!from || !to || extra !== undefined) throw new ScheduleError(source, text, "a window is HH:MM-HH:MM");
  const start = parseClock(source, text, from, false);
  const end = parseClock(source, text, to, true);
  if (start === end || (end === 1440 && start === 0))
    throw new ScheduleError(
      source,
      text,
      "the window is empty or the whole day; leave the service unscheduled instead",
    );
  return { start, end };
}

/** A real calendar date `YYYY-MM-DD` (`2026-13-45` is not one); `source` names the schedule in the error. */
export function parseDate(source: string, text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text)
    throw new ScheduleError(source, text, "not a date (YYYY-MM-DD)");
  return text;
}

function parseLocalDateTime(source: string, text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new ScheduleError(source, text, "not a local date and time (YYYY-MM-DDTHH:MM)");
  parseDate(source, match[1]);
  parseClock(source, text, match[2], false);
  return text;
}

/**
 * A time zone is a name of the tz database spelled as it spells it (`Europe/Berlin`, `UTC`), which
 * `Intl` can also compute with. `Intl` alone takes other spellings (`europe/berlin`) that go to
 * Application Auto Scaling as written, which documents only the tz database's names.
 */
function checkTimeZone(source: string, text: string): string {
  if (TZ_NAMES.has(text) && isTimeZone(text)) return text;
  const spelled = [...TZ_NAMES].find((name) => name.toLowerCase() === text.toLowerCase());
  throw new ScheduleError(
    source,
    text,
    spelled
      ? `not a time zone as the tz database spells it: write ${spelled}`
      : "not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)",
  );
}

/** Looks like days (`Mon-Fri`, `Mon-Fry`), not like a time zone such as `UTC` or `EST`. */
const isDays = (token: string) =>
  /^(daily|every-day)$/i.test(token) ||
  (/^[A-Za-z]{3}([-+][A-Za-z]{3})*$/.test(token) &&
    token.split(/[-+]/).some((d) => DAY_INDEX.has(d.toLowerCase())));
const isWindow = (token: string) => /^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/.test(token);

/**
 * Parses the `autopilot:schedule` tag. Tag values allow only letters, digits, space and
 * `+ - = . _ : / @`, which is all this language uses.
 *
 * @example
 * parseScheduleTag("Mon-Fri 07:00-19:00 Europe/Berlin");
 * parseScheduleTag("Mon-Fri 07:00-12:00 13:00-19:00 Sat 09:00-13:00 Europe/Berlin except 2026-12-24 until 2026-12-01T18:00");
 */
export function parseScheduleTag(source: string): ScheduleSpec {
  const tokens = source.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw new ScheduleError(source, "", `empty schedule; expected ${TAG_GRAMMAR}`);
  const windows: ScheduleWindow[] = [];
  let i = 0;
  // Past the last token, tokens[i] is undefined and "" is not days: no separate bound needed.
  while (isDays(tokens[i] ?? "")) {
    const days = parseDays(source, tokens[i] ?? "");
    i++;
    if (!isWindow(tokens[i] ?? "")) {
      throw new ScheduleError(
        source,
        tokens[i] ?? tokens[i - 1] ?? "",
        `expected a window HH:MM-HH:MM after '${tokens[i - 1]}'`,
      );
    }
    while (isWindow(tokens[i] ?? "")) {
      windows.push({ days, ...parseWindowTimes(source, tokens[i] ?? "") });
      i++;
    }
  }
  if (windows.length === 0)
    throw new ScheduleError(
      source,
      tokens[0] ?? "",
      `expected days first, e.g. Mon-Fri; the form is ${TAG_GRAMMAR}`,
    );
  // The loop above ends on a token that is neither days nor a window: that is the zone's place.
  const zone = tokens[i];
  if (!zone || zone === "except" || zone === "until")
    throw new ScheduleError(
      source,
      zone ?? "",
      "the time zone is missing (e.g. Europe/Berlin); it follows the windows",
    );
  const timezone = checkTimeZone(source, zone);
  i++;
  const holidays: string[] = [];
  let upUntil: string | undefined;
  while (i < tokens.length) {
    const keyword = tokens[i];
    i++;
    if (keyword === "except") {
      if (i >= tokens.length) throw new ScheduleError(source, "except", "expected dates after 'except'");
      while (i < tokens.length && tokens[i] !== "until") {
        holidays.push(parseDate(source, tokens[i] ?? ""));
        i++;
      }
    } else if (keyword === "until") {
      upUntil = parseLocalDateTime(source, tokens[i] ?? "");
      i++;
    } else {
      throw new ScheduleError(
        source,
        keyword ?? "",
        "unexpected; after the time zone come only 'except DATES' and 'until DATETIME'",
      );
    }
  }
  return {
    windows,
    timezone,
    holidays: [...new Set(holidays)].sort(),
    ...(upUntil ? { upUntil } : {}),
    source,
  };
}

/** The richer form from the central config. */
export interface ScheduleObject {
  readonly windows: ReadonlyArray<{ readonly days: string; readonly start: string; readonly end: string }>;
  readonly timezone: string;
  readonly holidays?: readonly string[];
  readonly upUntil?: string;
}

/** Parses the config form; errors name the window or field that is wrong. */
export function parseScheduleObject(value: ScheduleObject, source = JSON.stringify(value)): ScheduleSpec {
  if (value.windows.length === 0) throw new ScheduleError(source, "windows", "at least one window is needed");
  const windows = value.windows.map((window, index) => {
    try {
      return {
        days: parseDays(source, window.days),
        ...parseWindowTimes(source, `${window.start}-${window.end}`),
      };
    } catch (error) {
      if (error instanceof ScheduleError)
        throw new ScheduleError(source, `windows[${index}]`, `${error.part}: ${error.problem}`);
      throw error;
    }
  });
  return {
    windows,
    timezone: checkTimeZone(source, value.timezone),
    holidays: [...new Set((value.holidays ?? []).map((d) => parseDate(source, d)))].sort(),
    ...(value.upUntil ? { upUntil: parseLocalDateTime(source, value.upUntil) } : {}),
    source,
  };
}

/** `2-6` or `3` (min = max), from `autopilot:up-capacity`, `autopilot:off-capacity` or the config. */
export function parseCapacity(source: string, text: string): { min: number; max: number } {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (!match || max < min)
    throw new ScheduleError(source, text, "a capacity is a task count 'N' or a range 'MIN-MAX'");
  return { min, max };
}

export const dayName = (day: number): string => DAY_NAMES[day] ?? "?";
