import { describe, expect, it } from "vitest";
import { isoWeek } from "../../../core/rightsize/isoWeek.ts";

/**
 * Expected weeks are ISO 8601 as Python's `datetime.date.isocalendar()` gives them (checked
 * 2026-11-27), e.g. `date(2021, 1, 3).isocalendar()` is `(2020, 53, 7)`.
 */
describe("isoWeek: the ISO 8601 week that keys the weekly right-sizing step", () => {
  it("is the week of an ordinary date, two digits", () => {
    expect(isoWeek(new Date("2026-07-15T12:00:00Z"))).toBe("2026-W29");
    expect(isoWeek(new Date("2024-02-29T12:00:00Z"))).toBe("2024-W09");
    expect(isoWeek(new Date("2026-11-30T07:00:00Z"))).toBe("2026-W49");
  });

  it("starts a week on Monday: Sunday is the last day of the week before", () => {
    expect(isoWeek(new Date("2026-11-29T23:59:59Z"))).toBe("2026-W48");
    expect(isoWeek(new Date("2026-11-30T00:00:00Z"))).toBe("2026-W49");
    expect(isoWeek(new Date("2026-01-04T12:00:00Z"))).toBe("2026-W01");
    expect(isoWeek(new Date("2026-01-05T12:00:00Z"))).toBe("2026-W02");
  });

  it("counts week 1 from the week holding the year's first Thursday (1 January 2026 is one)", () => {
    expect(isoWeek(new Date("2026-01-01T00:00:00Z"))).toBe("2026-W01");
    expect(isoWeek(new Date("2020-01-01T12:00:00Z"))).toBe("2020-W01");
  });

  it("has a week 53 in a long year, not week 1 of the next", () => {
    expect(isoWeek(new Date("2020-12-28T12:00:00Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2020-12-31T12:00:00Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2026-12-28T12:00:00Z"))).toBe("2026-W53");
    expect(isoWeek(new Date("2026-12-31T12:00:00Z"))).toBe("2026-W53");
  });

  it("puts 1–3 January in week 53 or 52 of the year before", () => {
    expect(isoWeek(new Date("2021-01-01T12:00:00Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2021-01-03T23:59:59Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2021-01-04T00:00:00Z"))).toBe("2021-W01");
    expect(isoWeek(new Date("2016-01-01T12:00:00Z"))).toBe("2015-W53");
    expect(isoWeek(new Date("2027-01-03T12:00:00Z"))).toBe("2026-W53");
    expect(isoWeek(new Date("2022-01-01T12:00:00Z"))).toBe("2021-W52");
    expect(isoWeek(new Date("2022-01-02T12:00:00Z"))).toBe("2021-W52");
    expect(isoWeek(new Date("2023-01-01T12:00:00Z"))).toBe("2022-W52");
    expect(isoWeek(new Date("2022-01-03T12:00:00Z"))).toBe("2022-W01");
  });

  it("puts 29–31 December in week 1 of the year after when their Thursday is", () => {
    expect(isoWeek(new Date("2024-12-29T23:59:59Z"))).toBe("2024-W52");
    expect(isoWeek(new Date("2024-12-30T00:00:00Z"))).toBe("2025-W01");
    expect(isoWeek(new Date("2024-12-31T12:00:00Z"))).toBe("2025-W01");
    expect(isoWeek(new Date("2025-12-29T12:00:00Z"))).toBe("2026-W01");
    expect(isoWeek(new Date("2019-12-30T12:00:00Z"))).toBe("2020-W01");
    expect(isoWeek(new Date("2008-12-29T12:00:00Z"))).toBe("2009-W01");
  });

  it("goes by the UTC date, not the local one", () => {
    // 00:30 on Monday 30 November in UTC+1 is still Sunday 29 November in UTC.
    expect(isoWeek(new Date("2026-11-30T00:30:00+01:00"))).toBe("2026-W48");
    // 23:30 on Sunday 29 November in UTC-1 is already Monday in UTC.
    expect(isoWeek(new Date("2026-11-29T23:30:00-01:00"))).toBe("2026-W49");
  });

  it("leaves the instant it is given unchanged", () => {
    const at = new Date("2021-01-03T12:00:00Z");
    isoWeek(at);
    expect(at.toISOString()).toBe("2021-01-03T12:00:00.000Z");
  });
});
