import { describe, expect, it } from "vitest";
import { describeError } from "../../../core/errors.ts";
import {
  dayName,
  parseCapacity,
  parseScheduleObject,
  parseScheduleTag,
  ScheduleError,
  TAG_GRAMMAR,
} from "../../../core/schedule/ScheduleSpec.ts";

describe("the autopilot:schedule tag", () => {
  it("reads days, windows, time zone, holidays and an override", () => {
    const spec = parseScheduleTag(
      "Mon-Fri 07:00-12:00 13:00-19:00 Sat 09:00-13:00 Europe/Berlin except 2026-12-25 2026-12-24 until 2026-12-01T18:00",
    );
    expect(spec.windows).toEqual([
      { days: [1, 2, 3, 4, 5], start: 420, end: 720 },
      { days: [1, 2, 3, 4, 5], start: 780, end: 1140 },
      { days: [6], start: 540, end: 780 },
    ]);
    expect(spec.timezone).toBe("Europe/Berlin");
    expect(spec.holidays).toEqual(["2026-12-24", "2026-12-25"]);
    expect(spec.upUntil).toBe("2026-12-01T18:00");
  });

  it("accepts day lists, wrapping ranges, daily, windows past midnight and 24:00", () => {
    expect(parseScheduleTag("Mon-Wed+Fri 08:00-24:00 UTC").windows[0]).toEqual({
      days: [1, 2, 3, 5],
      start: 480,
      end: 1440,
    });
    expect(parseScheduleTag("Fri-Mon 22:00-06:00 America/New_York").windows[0]?.days).toEqual([0, 1, 5, 6]);
    expect(parseScheduleTag("Daily 06:00-22:00 Asia/Tokyo").windows[0]?.days).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("only uses characters an ECS tag value may hold", () => {
    const tag =
      "Mon-Wed+Fri 07:00-19:00 America/Argentina/Buenos_Aires except 2026-12-24 until 2026-12-01T18:00";
    expect(tag).toMatch(/^[A-Za-z0-9 +\-=._:/@]+$/);
    expect(() => parseScheduleTag(tag)).not.toThrow();
  });

  it.each([
    [
      "Mon-Fry 07:00-19:00 Europe/Berlin",
      "'Mon-Fry': unknown day 'Fry' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
    ],
    ["Mon-Fri 7:00-19:00 Europe/Berlin", "'7:00-19:00': '7:00' is not a time of day (HH:MM, 00:00 to 23:59)"],
    [
      "Mon-Fri 07:00-25:00 Europe/Berlin",
      "'07:00-25:00': '25:00' is not a time of day (HH:MM, 00:00 to 24:00)",
    ],
    [
      "Mon-Fri 07:60-19:00 Europe/Berlin",
      "'07:60-19:00': '07:60' is not a time of day (HH:MM, 00:00 to 23:59)",
    ],
    [
      "Mon-Fri 07:00-18:60 Europe/Berlin",
      "'07:00-18:60': '18:60' is not a time of day (HH:MM, 00:00 to 24:00)",
    ],
    [
      "Mon-Fri 07:00-24:01 Europe/Berlin",
      "'07:00-24:01': '24:01' is not a time of day (HH:MM, 00:00 to 24:00)",
    ],
    [
      "Mon-Fri 24:00-06:00 Europe/Berlin",
      "'24:00-06:00': '24:00' is not a time of day (HH:MM, 00:00 to 23:59)",
    ],
    ["Mon-Fri 07:00-19:00 Europe/Berlinn", "'Europe/Berlinn': not an IANA time zone"],
    // Intl computes with these; Application Auto Scaling is sent the text as written.
    [
      "Mon-Fri 07:00-19:00 europe/berlin",
      "'europe/berlin': not a time zone as the tz database spells it: write Europe/Berlin",
    ],
    ["Mon-Fri 07:00-19:00 utc", "'utc': not a time zone as the tz database spells it: write UTC"],
    ["Mon-Fri 07:00-19:00", "the time zone is missing"],
    ["Mon-Fri Europe/Berlin", "'Europe/Berlin': expected a window HH:MM-HH:MM after 'Mon-Fri'"],
    ["07:00-19:00 Europe/Berlin", "'07:00-19:00': expected days first"],
    ["Mon-Fri 07:00-19:00 Europe/Berlin except 2026-02-30", "'2026-02-30': not a date (YYYY-MM-DD)"],
    ["Mon-Fri 07:00-19:00 Europe/Berlin until tomorrow", "'tomorrow': not a local date and time"],
    ["Mon-Fri 07:00-07:00 Europe/Berlin", "'07:00-07:00': the window is empty or the whole day"],
    ["Mon-Fri 07:00-19:00 Europe/Berlin weekends", "'weekends': unexpected"],
  ])("rejects %j pointing at the wrong part", (tag, message) => {
    expect(() => parseScheduleTag(tag)).toThrow(ScheduleError);
    expect(() => parseScheduleTag(tag)).toThrow(message);
  });
});

describe("time zones: the tz database's names, as it spells them", () => {
  it.each(["Europe/Berlin", "UTC", "Etc/UTC", "Asia/Kolkata", "Asia/Calcutta", "US/Pacific", "EST"])(
    "takes %s (a zone or a link of tz 2025b)",
    (zone) => {
      expect(parseScheduleTag(`Mon-Fri 07:00-19:00 ${zone}`).timezone).toBe(zone);
    },
  );
});

describe("the config form", () => {
  it("reads windows, holidays and override, and names the window that is wrong", () => {
    const spec = parseScheduleObject({
      windows: [{ days: "Mon-Fri", start: "07:00", end: "19:00" }],
      timezone: "America/New_York",
      holidays: ["2026-11-26"],
    });
    expect(spec.windows).toEqual([{ days: [1, 2, 3, 4, 5], start: 420, end: 1140 }]);
    expect(() =>
      parseScheduleObject({
        windows: [
          { days: "Mon", start: "07:00", end: "19:00" },
          { days: "Sun", start: "9:00", end: "12:00" },
        ],
        timezone: "UTC",
      }),
    ).toThrow("'windows[1]': 9:00-12:00: '9:00' is not a time of day");
  });

  it("reads capacities", () => {
    expect(parseCapacity("t", "2-6")).toEqual({ min: 2, max: 6 });
    expect(parseCapacity("t", "0")).toEqual({ min: 0, max: 0 });
    expect(() => parseCapacity("t", "6-2")).toThrow("a capacity is a task count");
  });
});

/** The ScheduleError a call throws (fails the test when it throws nothing or something else). */
function scheduleErrorOf(parse: () => unknown): ScheduleError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error("expected a ScheduleError, nothing was thrown");
}

/** The problem for a first word that is not days (the grammar's text itself is held by the empty-tag test). */
const DAYS_FIRST = `expected days first, e.g. Mon-Fri; the form is ${TAG_GRAMMAR}`;

describe("decisions mutation testing found unheld (docs/testing.md)", () => {
  it("an error carries the code of the errors table and reads 'ScheduleError: …' where the CLI prints it", () => {
    const error = scheduleErrorOf(() => parseScheduleTag("Mon-Fry 07:00-19:00 UTC"));
    expect(error.code).toBe("schedule-invalid");
    expect(describeError(error)).toBe(
      "ScheduleError: invalid schedule 'Mon-Fry 07:00-19:00 UTC': 'Mon-Fry': unknown day 'Fry' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
    );
  });

  it("an empty or blank tag is told the whole form", () => {
    for (const tag of ["", "   "]) {
      const error = scheduleErrorOf(() => parseScheduleTag(tag));
      expect(error.part).toBe("");
      expect(error.message).toBe(
        `invalid schedule '${tag}': empty schedule; expected DAYS HH:MM-HH:MM [HH:MM-HH:MM…] [DAYS HH:MM-HH:MM…] TIMEZONE [except YYYY-MM-DD…] [until YYYY-MM-DDTHH:MM], e.g. 'Mon-Fri 07:00-19:00 Europe/Berlin'`,
      );
    }
  });

  it("spaces around and between the parts do not matter", () => {
    expect(parseScheduleTag("  Mon-Fri   07:00-19:00  UTC  ")).toMatchObject({
      windows: [{ days: [1, 2, 3, 4, 5], start: 420, end: 1140 }],
      timezone: "UTC",
      holidays: [],
    });
  });

  it.each([
    // Days as a user might misspell them are not taken for days; the form is named instead.
    ["Monday-Fri 07:00-19:00 UTC", "Monday-Fri", DAYS_FIRST],
    ["Mon-Friday 07:00-19:00 UTC", "Mon-Friday", DAYS_FIRST],
    ["Daily+Sat 07:00-19:00 UTC", "Daily+Sat", DAYS_FIRST],
    ["Bi-daily 07:00-19:00 UTC", "Bi-daily", DAYS_FIRST],
    // A window of the whole day is no schedule.
    [
      "Daily 00:00-24:00 UTC",
      "00:00-24:00",
      "the window is empty or the whole day; leave the service unscheduled instead",
    ],
    // A window with a three-digit hour or minute is not a window.
    ["Mon-Fri 007:00-19:00 UTC", "007:00-19:00", "expected a window HH:MM-HH:MM after 'Mon-Fri'"],
    ["Mon-Fri 07:00-19:000 UTC", "07:00-19:000", "expected a window HH:MM-HH:MM after 'Mon-Fri'"],
    // Days at the end: the part named is the days themselves.
    ["Mon-Fri", "Mon-Fri", "expected a window HH:MM-HH:MM after 'Mon-Fri'"],
    // 'except' or 'until' where the time zone belongs: the zone is missing, not an unknown zone.
    [
      "Mon-Fri 07:00-19:00 except 2026-12-24",
      "except",
      "the time zone is missing (e.g. Europe/Berlin); it follows the windows",
    ],
    [
      "Mon-Fri 07:00-19:00 until 2026-12-01T18:00",
      "until",
      "the time zone is missing (e.g. Europe/Berlin); it follows the windows",
    ],
    ["Mon-Fri 07:00-19:00", "", "the time zone is missing (e.g. Europe/Berlin); it follows the windows"],
    // 'except' needs dates; 'until' needs a real local date and time before midnight.
    ["Mon-Fri 07:00-19:00 UTC except", "except", "expected dates after 'except'"],
    ["Mon-Fri 07:00-19:00 UTC until", "", "not a local date and time (YYYY-MM-DDTHH:MM)"],
    ["Mon-Fri 07:00-19:00 UTC until 2026-02-30T18:00", "2026-02-30", "not a date (YYYY-MM-DD)"],
    [
      "Mon-Fri 07:00-19:00 UTC until 2026-12-01T24:00",
      "2026-12-01T24:00",
      "'24:00' is not a time of day (HH:MM, 00:00 to 23:59)",
    ],
    [
      "Mon-Fri 07:00-19:00 UTC until 12026-12-01T18:00",
      "12026-12-01T18:00",
      "not a local date and time (YYYY-MM-DDTHH:MM)",
    ],
    [
      "Mon-Fri 07:00-19:00 UTC until 2026-12-01T18:000",
      "2026-12-01T18:000",
      "not a local date and time (YYYY-MM-DDTHH:MM)",
    ],
  ])("%j is refused, naming %j: %s", (tag, part, problem) => {
    const error = scheduleErrorOf(() => parseScheduleTag(tag));
    expect(error.part).toBe(part);
    expect(error.message).toBe(
      part ? `invalid schedule '${tag}': '${part}': ${problem}` : `invalid schedule '${tag}': ${problem}`,
    );
    expect(error.problem).toBe(problem);
  });

  it("the config form: holidays sorted and deduplicated, none by default, the override kept", () => {
    const window = { days: "Mon", start: "07:00", end: "19:00" };
    expect(parseScheduleObject({ windows: [window], timezone: "UTC" })).toMatchObject({ holidays: [] });
    expect(parseScheduleObject({ windows: [window], timezone: "UTC" }).upUntil).toBeUndefined();
    const spec = parseScheduleObject({
      windows: [window],
      timezone: "UTC",
      holidays: ["2026-12-31", "2026-12-24", "2026-12-31"],
      upUntil: "2026-12-01T18:00",
    });
    expect(spec.holidays).toEqual(["2026-12-24", "2026-12-31"]);
    expect(spec.upUntil).toBe("2026-12-01T18:00");
  });

  it.each([
    [[], "windows", "at least one window is needed"],
    [
      [{ days: "Bi-daily", start: "07:00", end: "19:00" }],
      "windows[0]",
      "Bi-daily: unknown day 'Bi' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
    ],
    [
      [{ days: "Daily+Sat", start: "07:00", end: "19:00" }],
      "windows[0]",
      "Daily+Sat: unknown day 'Daily' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
    ],
    [
      [{ days: "Mon-Wed-Fri", start: "07:00", end: "19:00" }],
      "windows[0]",
      "Mon-Wed-Fri: days are 'Mon', 'Mon-Fri' or 'Mon-Wed+Fri'",
    ],
    [
      [{ days: "Mon", start: "107:00", end: "19:00" }],
      "windows[0]",
      "107:00-19:00: '107:00' is not a time of day (HH:MM, 00:00 to 23:59)",
    ],
    [
      [{ days: "Mon", start: "07:00", end: "19:000" }],
      "windows[0]",
      "07:00-19:000: '19:000' is not a time of day (HH:MM, 00:00 to 24:00)",
    ],
    [
      [{ days: "Mon", start: "07:00-12:00", end: "19:00" }],
      "windows[0]",
      "07:00-12:00-19:00: a window is HH:MM-HH:MM",
    ],
  ])("the config form refuses windows %j, naming %j: %s", (windows, part, problem) => {
    const error = scheduleErrorOf(() => parseScheduleObject({ windows, timezone: "UTC" }));
    expect(error.code).toBe("schedule-invalid");
    expect(error.part).toBe(part);
    expect(error.problem).toBe(problem);
  });

  it("capacities: surrounding spaces are ignored, several digits are read, a sign or a third number is refused", () => {
    expect(parseCapacity("autopilot:up-capacity", " 2-6 ")).toEqual({ min: 2, max: 6 });
    expect(parseCapacity("autopilot:up-capacity", "10-20")).toEqual({ min: 10, max: 20 });
    expect(parseCapacity("autopilot:up-capacity", "12")).toEqual({ min: 12, max: 12 });
    for (const text of ["-1", "2-6-8", "3 tasks"]) {
      const error = scheduleErrorOf(() => parseCapacity("autopilot:up-capacity", text));
      expect(error.message).toBe(
        `invalid schedule 'autopilot:up-capacity': '${text}': a capacity is a task count 'N' or a range 'MIN-MAX'`,
      );
    }
  });

  it("day names for messages, '?' for a number that is no weekday", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(dayName)).toEqual(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]);
    expect(dayName(7)).toBe("?");
  });
});
