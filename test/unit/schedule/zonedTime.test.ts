import { describe, expect, it } from "vitest";
import { addDays, fromZoned, offsetMinutes, toZoned, weekdayOf } from "../../../core/schedule/zonedTime.ts";

const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");

describe("zoned time across daylight-saving changes", () => {
  it("Europe/Berlin: clocks go forward at 02:00 on 2026-03-29 and back at 03:00 on 2026-10-25", () => {
    expect(iso(fromZoned("2026-03-29", 60, "Europe/Berlin"))).toBe("2026-03-29T00:00:00Z"); // 01:00 CET
    expect(iso(fromZoned("2026-03-29", 180, "Europe/Berlin"))).toBe("2026-03-29T01:00:00Z"); // 03:00 CEST
    expect(iso(fromZoned("2026-03-29", 150, "Europe/Berlin"))).toBe("2026-03-29T01:30:00Z"); // 02:30 does not exist → 03:30
    expect(iso(fromZoned("2026-10-25", 150, "Europe/Berlin"))).toBe("2026-10-25T00:30:00Z"); // 02:30 first (CEST)
    expect(iso(fromZoned("2026-10-25", 7 * 60, "Europe/Berlin"))).toBe("2026-10-25T06:00:00Z"); // 07:00 CET
    expect(offsetMinutes(new Date("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe(120);
  });

  it("America/New_York: clocks go forward on 2026-03-08 and back on 2026-11-01", () => {
    expect(iso(fromZoned("2026-03-07", 7 * 60, "America/New_York"))).toBe("2026-03-07T12:00:00Z"); // EST
    expect(iso(fromZoned("2026-03-08", 7 * 60, "America/New_York"))).toBe("2026-03-08T11:00:00Z"); // EDT
    expect(iso(fromZoned("2026-11-01", 90, "America/New_York"))).toBe("2026-11-01T05:30:00Z"); // 01:30 EDT, first
    expect(iso(fromZoned("2026-11-01", 7 * 60, "America/New_York"))).toBe("2026-11-01T12:00:00Z"); // EST
  });

  it("reads wall-clock time and weekday back", () => {
    expect(toZoned(new Date("2026-03-29T01:00:00Z"), "Europe/Berlin")).toEqual({
      date: "2026-03-29",
      weekday: 0,
      minutes: 180,
    });
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(weekdayOf("2026-11-25")).toBe(3);
  });

  it("on a switch day, the wall time read as UTC and its first guess fall on either side of the switch (decisions mutation testing found unheld)", () => {
    // New York, 2026-03-08, clocks 02:00 EST → 03:00 EDT at 07:00Z.
    expect(iso(fromZoned("2026-03-08", 180, "America/New_York"))).toBe("2026-03-08T07:00:00Z"); // 03:00 EDT, the first minute after the gap
    expect(iso(fromZoned("2026-03-08", 5 * 60 + 30, "America/New_York"))).toBe("2026-03-08T09:30:00Z"); // 05:30 EDT
    expect(iso(fromZoned("2026-03-08", 150, "America/New_York"))).toBe("2026-03-08T07:30:00Z"); // 02:30 does not exist → 03:30 EDT
    // Berlin, 2026-10-25, clocks 03:00 CEST → 02:00 CET at 01:00Z: 01:30 is before the switch, CEST.
    expect(iso(fromZoned("2026-10-25", 90, "Europe/Berlin"))).toBe("2026-10-24T23:30:00Z");
  });
});
