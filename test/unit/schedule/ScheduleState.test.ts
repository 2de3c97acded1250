import { describe, expect, it } from "vitest";
import { parseScheduleTag } from "../../../core/schedule/ScheduleSpec.ts";
import { isUp, stateIntervals, upUntilInstant } from "../../../core/schedule/ScheduleState.ts";

const at = (iso: string) => new Date(iso);
const upAt = (tag: string, iso: string) => isUp(parseScheduleTag(tag), at(iso));
const brief = (tag: string, from: string, to: string) =>
  stateIntervals(parseScheduleTag(tag), at(from), at(to)).map((i) => [
    i.from.toISOString(),
    i.to.toISOString(),
    i.up ? "up" : "off",
  ]);

describe("isUp", () => {
  it("is up from the window's first minute, and off from its last", () => {
    const tag = "Mon-Fri 07:00-19:00 Europe/Berlin"; // 2026-11-25 is a Wednesday; Berlin is UTC+1
    expect(upAt(tag, "2026-11-25T05:59:59.999Z")).toBe(false);
    expect(upAt(tag, "2026-11-25T06:00:00.000Z")).toBe(true);
    expect(upAt(tag, "2026-11-25T17:59:59.999Z")).toBe(true);
    expect(upAt(tag, "2026-11-25T18:00:00.000Z")).toBe(false);
  });

  it("keeps a window past midnight up the next morning, until its end", () => {
    const tag = "Fri 22:00-06:00 UTC"; // Friday 2026-11-27
    expect(upAt(tag, "2026-11-27T21:59:00Z")).toBe(false);
    expect(upAt(tag, "2026-11-27T23:00:00Z")).toBe(true);
    expect(upAt(tag, "2026-11-28T03:00:00Z")).toBe(true);
    expect(upAt(tag, "2026-11-28T06:00:00Z")).toBe(false);
    // The window belongs to Friday: Thursday night stays off.
    expect(upAt(tag, "2026-11-27T03:00:00Z")).toBe(false);
  });

  it("is off all through a holiday, even inside a window that began the evening before", () => {
    const tag = "Daily 22:00-06:00 UTC except 2026-12-25";
    expect(upAt(tag, "2026-12-24T23:00:00Z")).toBe(true);
    expect(upAt(tag, "2026-12-25T03:00:00Z")).toBe(false); // the holiday, in Dec 24's window
    expect(upAt(tag, "2026-12-25T23:00:00Z")).toBe(false); // the holiday's own window
    expect(upAt(tag, "2026-12-26T03:00:00Z")).toBe(false); // a window that started on the holiday
    expect(upAt(tag, "2026-12-26T23:00:00Z")).toBe(true);
  });

  it("is up before the override's end whatever the windows say, and follows the windows from that minute on", () => {
    // Tuesday 2026-12-01 20:30 UTC: after the window's 19:00 end.
    const tag = "Mon-Fri 07:00-19:00 UTC until 2026-12-01T20:30";
    expect(upUntilInstant(parseScheduleTag(tag))).toEqual(at("2026-12-01T20:30:00Z"));
    expect(upAt(tag, "2026-11-28T12:00:00Z")).toBe(true); // Saturday, overridden
    expect(upAt(tag, "2026-12-01T20:29:00Z")).toBe(true);
    expect(upAt(tag, "2026-12-01T20:30:00Z")).toBe(false);
    expect(upAt(tag, "2026-12-05T12:00:00Z")).toBe(false); // the Saturday after
    expect(
      upUntilInstant(parseScheduleTag("Mon-Fri 07:00-19:00 Europe/Berlin until 2026-12-01T18:45")),
    ).toEqual(at("2026-12-01T17:45:00Z"));
    expect(upUntilInstant(parseScheduleTag("Mon-Fri 07:00-19:00 UTC"))).toBeUndefined();
  });
});

describe("stateIntervals", () => {
  it("merges touching windows into one up interval", () => {
    expect(brief("Mon 07:00-12:00 12:00-19:00 UTC", "2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z")).toEqual([
      ["2026-11-30T00:00:00.000Z", "2026-11-30T07:00:00.000Z", "off"],
      ["2026-11-30T07:00:00.000Z", "2026-11-30T19:00:00.000Z", "up"],
      ["2026-11-30T19:00:00.000Z", "2026-12-01T00:00:00.000Z", "off"],
    ]);
  });

  it("ends a window that runs into a holiday at the holiday's midnight", () => {
    expect(
      brief("Daily 22:00-06:00 UTC except 2026-12-25", "2026-12-24T12:00:00Z", "2026-12-26T12:00:00Z"),
    ).toEqual([
      ["2026-12-24T12:00:00.000Z", "2026-12-24T22:00:00.000Z", "off"],
      ["2026-12-24T22:00:00.000Z", "2026-12-25T00:00:00.000Z", "up"],
      ["2026-12-25T00:00:00.000Z", "2026-12-26T12:00:00.000Z", "off"],
    ]);
  });
});
