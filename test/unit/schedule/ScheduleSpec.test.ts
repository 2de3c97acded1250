import { describe, expect, it } from "vitest";
import {
  parseCapacity,
  parseScheduleObject,
  parseScheduleTag,
  ScheduleError,
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
    expect(parseScheduleTag("Daily 06:00-22:00 Asia/Tokyo").windows[0]?.days).toHaveLength(7);
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
