import { describe, expect, it } from "vitest";
import { formatScheduleReport } from "../../../core/schedule/formatSchedule.ts";
import { capacityAt, planScheduledActions } from "../../../core/schedule/planScheduledActions.ts";
import { parseScheduleTag } from "../../../core/schedule/ScheduleSpec.ts";
import { timeline, weeklySavings } from "../../../core/schedule/timeline.ts";

const capacity = { up: { min: 2, max: 6 }, off: { min: 0, max: 0 } };
const plan = (tag: string, now = "2026-11-25T12:00:00Z") =>
  planScheduledActions(parseScheduleTag(tag), capacity, new Date(now));
const brief = (actions: ReturnType<typeof plan>) =>
  actions.map((a) => [
    a.name,
    a.schedule,
    `${a.capacity.min}-${a.capacity.max}`,
    a.startTime?.toISOString(),
    a.endTime?.toISOString(),
  ]);

describe("planScheduledActions", () => {
  it("scales in at the window's end and restores at its start, in the schedule's time zone", () => {
    const actions = plan("Mon-Fri 07:00-19:00 Europe/Berlin");
    expect(brief(actions)).toEqual([
      ["autopilot-up-0700-MON-FRI", "cron(0 7 ? * MON-FRI *)", "2-6", undefined, undefined],
      ["autopilot-down-1900-MON-FRI", "cron(0 19 ? * MON-FRI *)", "0-0", undefined, undefined],
    ]);
    expect(actions.every((a) => a.timezone === "Europe/Berlin")).toBe(true);
  });

  it("merges touching windows so that no down and up fire at the same minute, and shifts overnight ends", () => {
    expect(brief(plan("Mon-Fri 07:00-12:00 12:00-19:00 UTC")).map((a) => a[0])).toEqual([
      "autopilot-up-0700-MON-FRI",
      "autopilot-down-1900-MON-FRI",
    ]);
    expect(brief(plan("Fri 22:00-06:00 UTC")).map((a) => a[1])).toEqual([
      "cron(0 22 ? * FRI *)",
      "cron(0 6 ? * SAT *)",
    ]);
    expect(brief(plan("Mon+Wed+Fri 09:30-17:45 UTC")).map((a) => a[1])).toEqual([
      "cron(30 9 ? * MON,WED,FRI *)",
      "cron(45 17 ? * MON,WED,FRI *)",
    ]);
  });

  it("splits the recurring actions around holidays and takes the service down at the holiday's midnight", () => {
    const actions = plan(
      "Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24 2026-12-25 2026-01-01",
      "2026-11-25T12:00:00Z",
    );
    expect(brief(actions)).toEqual([
      [
        "autopilot-up-0700-MON-FRI-base",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        undefined,
        "2026-12-23T23:00:00.000Z",
      ],
      [
        "autopilot-down-1900-MON-FRI-base",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        undefined,
        "2026-12-23T23:00:00.000Z",
      ],
      [
        "autopilot-up-0700-MON-FRI-from-20261226",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2026-12-25T23:00:00.000Z",
        undefined,
      ],
      [
        "autopilot-down-1900-MON-FRI-from-20261226",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        "2026-12-25T23:00:00.000Z",
        undefined,
      ],
      ["autopilot-holiday-20261224", "at(2026-12-24T00:00:00)", "0-0", undefined, undefined],
      ["autopilot-holiday-20261225", "at(2026-12-25T00:00:00)", "0-0", undefined, undefined],
    ]);
  });

  it("keeps the service up until an override ends, then returns to the schedule", () => {
    const actions = plan(
      "Mon-Fri 07:00-19:00 America/New_York until 2026-12-01T18:00",
      "2026-11-25T12:00:00Z",
    );
    expect(brief(actions)).toEqual([
      ["autopilot-up-0700-MON-FRI", "cron(0 7 ? * MON-FRI *)", "2-6", "2026-12-01T23:00:00.000Z", undefined],
      [
        "autopilot-down-1900-MON-FRI",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        "2026-12-01T23:00:00.000Z",
        undefined,
      ],
      ["autopilot-override-end", "at(2026-12-01T18:00:00)", "2-6", undefined, undefined],
    ]);
    const spec = parseScheduleTag("Mon-Fri 07:00-19:00 America/New_York until 2026-12-01T18:00");
    expect(capacityAt(spec, capacity, new Date("2026-11-28T12:00:00Z"))).toEqual(capacity.up); // Saturday, overridden
  });
});

describe("planScheduledActions at the edges", () => {
  it("merges windows touching at Saturday→Sunday midnight: no up and down both at Sunday 00:00", () => {
    expect(brief(plan("Sat 20:00-24:00 Sun 00:00-06:00 UTC"))).toEqual([
      ["autopilot-up-2000-SAT", "cron(0 20 ? * SAT *)", "2-6", undefined, undefined],
      ["autopilot-down-0600-SUN", "cron(0 6 ? * SUN *)", "0-0", undefined, undefined],
    ]);
    // The same week written the other way round, and a window that overlaps Sunday's first one.
    expect(brief(plan("Sun 00:00-06:00 Sat 20:00-24:00 UTC")).map((a) => a[0])).toEqual([
      "autopilot-up-2000-SAT",
      "autopilot-down-0600-SUN",
    ]);
    expect(brief(plan("Sat 20:00-02:00 Sun 01:00-06:00 UTC")).map((a) => a[1])).toEqual([
      "cron(0 20 ? * SAT *)",
      "cron(0 6 ? * SUN *)",
    ]);
    // A minute apart they stay two windows.
    expect(brief(plan("Sat 20:00-23:59 Sun 00:00-06:00 UTC")).map((a) => a[0])).toEqual([
      "autopilot-up-0000-SUN",
      "autopilot-up-2000-SAT",
      "autopilot-down-0600-SUN",
      "autopilot-down-2359-SAT",
    ]);
  });

  it("keeps a service that is up all week without any action", () => {
    expect(plan("Daily 00:00-12:00 12:00-24:00 UTC")).toEqual([]);
  });

  it("takes the service down on a holiday that is today, and keeps the recurring actions off it", () => {
    // 2026-12-24 05:00 in Berlin: the 07:00 scale-up must not fire today.
    const actions = plan("Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24", "2026-12-24T04:00:00Z");
    expect(brief(actions)).toEqual([
      [
        "autopilot-up-0700-MON-FRI-base",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        undefined,
        "2026-12-23T23:00:00.000Z",
      ],
      [
        "autopilot-down-1900-MON-FRI-base",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        undefined,
        "2026-12-23T23:00:00.000Z",
      ],
      [
        "autopilot-up-0700-MON-FRI-from-20261225",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2026-12-24T23:00:00.000Z",
        undefined,
      ],
      [
        "autopilot-down-1900-MON-FRI-from-20261225",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        "2026-12-24T23:00:00.000Z",
        undefined,
      ],
      ["autopilot-holiday-20261224", "at(2026-12-24T00:00:00)", "0-0", undefined, undefined],
    ]);
    const spec = parseScheduleTag("Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24");
    expect(capacityAt(spec, capacity, new Date("2026-12-24T09:00:00Z"))).toEqual(capacity.off);
    expect(capacityAt(spec, capacity, new Date("2026-12-23T09:00:00Z"))).toEqual(capacity.up);
    // The day after, the holiday is past: nothing is split any more.
    expect(
      plan("Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24", "2026-12-25T04:00:00Z").map((a) => a.name),
    ).toEqual(["autopilot-up-0700-MON-FRI", "autopilot-down-1900-MON-FRI"]);
  });
});

describe("timeline and savings across daylight-saving changes", () => {
  it("Europe/Berlin on the spring-forward Sunday 2026-03-29: a 23-hour day, changes at local times", () => {
    const spec = parseScheduleTag("Daily 01:00-05:00 Europe/Berlin");
    const [day] = timeline(spec, capacity, new Date("2026-03-28T23:30:00Z"), 1);
    expect(day).toMatchObject({
      date: "2026-03-29",
      weekday: "Sun",
      hours: 23,
      changes: ["01:00 → 2-6", "05:00 → 0"],
    });
    // 168 real hours from Sunday 00:00 CET; up: Sunday 01:00 CET to 05:00 CEST is 3 real hours,
    // then 4 hours on each of the 6 following days.
    const week = weeklySavings(spec, capacity, new Date("2026-03-28T23:00:00Z"), 2);
    expect(week.offHours).toBe(7 * 24 - (3 + 6 * 4));
  });

  it("Europe/Berlin on the fall-back Sunday 2026-10-25: a 25-hour day", () => {
    const spec = parseScheduleTag("Mon-Fri 07:00-19:00 Europe/Berlin");
    const [sunday, monday] = timeline(spec, capacity, new Date("2026-10-25T10:00:00Z"), 2);
    expect(sunday).toMatchObject({ date: "2026-10-25", hours: 25, changes: [] });
    expect(sunday?.cells).toBe("·".repeat(48));
    expect(monday).toMatchObject({ date: "2026-10-26", hours: 24, changes: ["07:00 → 2-6", "19:00 → 0"] });
    expect(monday?.cells).toBe(`${"·".repeat(14)}${"█".repeat(24)}${"·".repeat(10)}`);
  });

  it("America/New_York across 2026-03-08 and 2026-11-01: windows stay at 07:00-19:00 local", () => {
    const spec = parseScheduleTag("Daily 07:00-19:00 America/New_York");
    const march = timeline(spec, capacity, new Date("2026-03-07T12:00:00Z"), 3);
    expect(march.map((d) => [d.date, d.hours, d.changes.join(" ")])).toEqual([
      ["2026-03-07", 24, "07:00 → 2-6 19:00 → 0"],
      ["2026-03-08", 23, "07:00 → 2-6 19:00 → 0"],
      ["2026-03-09", 24, "07:00 → 2-6 19:00 → 0"],
    ]);
    const november = timeline(spec, capacity, new Date("2026-11-01T12:00:00Z"), 1);
    expect(november[0]).toMatchObject({
      date: "2026-11-01",
      hours: 25,
      changes: ["07:00 → 2-6", "19:00 → 0"],
    });
  });

  it("states task-hours saved and their price for a week", () => {
    const spec = parseScheduleTag("Mon-Fri 07:00-19:00 UTC");
    // 168 h − 5 × 12 h up = 108 h down; 2 tasks that would run → 216 task-hours; at $0.0123425 per task-hour.
    expect(weeklySavings(spec, capacity, new Date("2026-11-23T00:00:00Z"), 2, 0.0123425)).toEqual({
      offHours: 108,
      taskHours: 216,
      dollars: Math.round(216 * 0.0123425 * 100) / 100,
      // 216 × $0.0123425 = $2.66598 a week; × 365 / 7 / 12 = $11.584 a month (not $2.67 × 4.345 = $11.60).
      monthlyDollars: 11.58,
    });
  });

  it("prints the monthly figure from the exact weekly one, not the rounded one", () => {
    const spec = parseScheduleTag("Mon-Fri 07:00-19:00 UTC");
    const text = formatScheduleReport(
      {
        now: new Date("2026-11-23T00:00:00Z"),
        dryRun: true,
        services: [
          {
            service: {
              serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
              clusterName: "prod",
              serviceName: "web",
              resourceId: "service/prod/web",
            },
            status: "scheduled",
            spec,
            capacity,
            writes: [],
            upTasks: 2,
          },
        ],
      },
      {
        days: 1,
        prices: new Map([["arn:aws:ecs:eu-west-1:123456789012:service/prod/web", { taskHourly: 0.0123425 }]]),
      },
    );
    expect(text).toContain("saves 216 task-hours/week (108 h down × 2 tasks) ≈ $2.67/week, $11.58/month");
  });
});

describe("planScheduledActions: decisions mutation testing found unheld", () => {
  it("writes runs of three or more days as a range, shorter runs as a list, sorted from Sunday", () => {
    expect(brief(plan("Mon-Wed 09:00-17:00 UTC")).map((a) => [a[0], a[1]])).toEqual([
      ["autopilot-up-0900-MON-WED", "cron(0 9 ? * MON-WED *)"],
      ["autopilot-down-1700-MON-WED", "cron(0 17 ? * MON-WED *)"],
    ]);
    expect(brief(plan("Mon+Tue 09:00-17:00 UTC")).map((a) => [a[0], a[1]])).toEqual([
      ["autopilot-up-0900-MON.TUE", "cron(0 9 ? * MON,TUE *)"],
      ["autopilot-down-1700-MON.TUE", "cron(0 17 ? * MON,TUE *)"],
    ]);
    // Saturday's window ends on Sunday: the down days are Sunday to Saturday, one range.
    expect(brief(plan("Daily 22:00-06:00 UTC")).map((a) => [a[0], a[1]])).toEqual([
      ["autopilot-up-2200-SUN-SAT", "cron(0 22 ? * SUN-SAT *)"],
      ["autopilot-down-0600-SUN-SAT", "cron(0 6 ? * SUN-SAT *)"],
    ]);
  });

  it("orders the actions ups first, then by time of day, whatever the order of the windows", () => {
    expect(brief(plan("Mon 09:00-10:00 Tue 07:00-08:00 UTC")).map((a) => a[0])).toEqual([
      "autopilot-up-0700-TUE",
      "autopilot-up-0900-MON",
      "autopilot-down-0800-TUE",
      "autopilot-down-1000-MON",
    ]);
  });

  it("gives the segment between two holidays both a start and an end", () => {
    const actions = plan("Mon-Fri 07:00-19:00 UTC except 2026-12-24 2026-12-31");
    expect(brief(actions).filter((a) => a[0]?.startsWith("autopilot-up"))).toEqual([
      [
        "autopilot-up-0700-MON-FRI-base",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        undefined,
        "2026-12-24T00:00:00.000Z",
      ],
      [
        "autopilot-up-0700-MON-FRI-from-20261225",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2026-12-25T00:00:00.000Z",
        "2026-12-31T00:00:00.000Z",
      ],
      [
        "autopilot-up-0700-MON-FRI-from-20270101",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2027-01-01T00:00:00.000Z",
        undefined,
      ],
    ]);
  });

  it("ignores an override that has ended, including one ending at this very instant", () => {
    const names = ["autopilot-up-0700-MON-FRI", "autopilot-down-1900-MON-FRI"];
    expect(brief(plan("Mon-Fri 07:00-19:00 UTC until 2026-11-20T12:00"))).toEqual([
      [names[0], "cron(0 7 ? * MON-FRI *)", "2-6", undefined, undefined],
      [names[1], "cron(0 19 ? * MON-FRI *)", "0-0", undefined, undefined],
    ]);
    expect(
      plan("Mon-Fri 07:00-19:00 UTC until 2026-11-25T12:00", "2026-11-25T12:00:00Z").map((a) => a.name),
    ).toEqual(names);
    // A minute before its end it still holds: the recurring actions start at its end.
    expect(
      brief(plan("Mon-Fri 07:00-19:00 UTC until 2026-11-25T12:00", "2026-11-25T11:59:00Z")).map((a) => [
        a[0],
        a[3],
      ]),
    ).toEqual([
      [names[0], "2026-11-25T12:00:00.000Z"],
      [names[1], "2026-11-25T12:00:00.000Z"],
      ["autopilot-override-end", undefined],
    ]);
  });

  it("starts the segments an override reaches at its end, and leaves later segments alone", () => {
    // The override ends before the holiday: the first segment starts at its end, the second at its own start.
    expect(
      brief(plan("Mon-Fri 07:00-19:00 UTC except 2026-12-24 until 2026-12-10T12:00")).slice(0, 4),
    ).toEqual([
      [
        "autopilot-up-0700-MON-FRI-base",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2026-12-10T12:00:00.000Z",
        "2026-12-24T00:00:00.000Z",
      ],
      [
        "autopilot-down-1900-MON-FRI-base",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        "2026-12-10T12:00:00.000Z",
        "2026-12-24T00:00:00.000Z",
      ],
      [
        "autopilot-up-0700-MON-FRI-from-20261225",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2026-12-25T00:00:00.000Z",
        undefined,
      ],
      [
        "autopilot-down-1900-MON-FRI-from-20261225",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        "2026-12-25T00:00:00.000Z",
        undefined,
      ],
    ]);
    // The override ends after the holiday: the segment before it is dropped, the next starts at the override's end.
    const past = brief(plan("Mon-Fri 07:00-19:00 UTC except 2026-12-24 until 2026-12-28T12:00"));
    expect(
      past.filter((a) => a[0]?.startsWith("autopilot-up") || a[0]?.startsWith("autopilot-down")),
    ).toEqual([
      [
        "autopilot-up-0700-MON-FRI-from-20261225",
        "cron(0 7 ? * MON-FRI *)",
        "2-6",
        "2026-12-28T12:00:00.000Z",
        undefined,
      ],
      [
        "autopilot-down-1900-MON-FRI-from-20261225",
        "cron(0 19 ? * MON-FRI *)",
        "0-0",
        "2026-12-28T12:00:00.000Z",
        undefined,
      ],
    ]);
    // Monday 12:00 is inside the window: the override's end restores the up capacity.
    expect(past.find((a) => a[0] === "autopilot-override-end")).toEqual([
      "autopilot-override-end",
      "at(2026-12-28T12:00:00)",
      "2-6",
      undefined,
      undefined,
    ]);
    // The override ends at the holiday's midnight: the segment before it ends there too and is dropped.
    expect(
      plan("Mon-Fri 07:00-19:00 UTC except 2026-12-24 until 2026-12-24T00:00")
        .filter((a) => a.name.includes("-base"))
        .map((a) => a.name),
    ).toEqual([]);
  });

  it("refuses a plan of more actions than Application Auto Scaling allows per service, and accepts exactly that many", () => {
    // 66 holidays two days apart: 67 segments × 2 recurring actions + 66 holiday actions = 200.
    const holidays = Array.from({ length: 66 }, (_, i) =>
      new Date(Date.UTC(2027, 0, 1 + 2 * i)).toISOString().slice(0, 10),
    ).join(" ");
    expect(plan(`Mon-Fri 07:00-19:00 UTC except ${holidays}`)).toHaveLength(200);
    // An override ending before the first holiday adds its own action: 201.
    const tag = `Mon-Fri 07:00-19:00 UTC except ${holidays} until 2026-12-01T12:00`;
    expect(() => plan(tag)).toThrow(
      expect.objectContaining({
        name: "ScheduleError",
        code: "schedule-invalid",
        part: "",
        message: `invalid schedule '${tag}': needs 201 scheduled actions; Application Auto Scaling allows 200 per service`,
      }),
    );
  });
});

describe("timeline and savings: decisions mutation testing found unheld", () => {
  it("lists a change at midnight when the day starts in another state than the evening before ended", () => {
    const spec = parseScheduleTag("Daily 00:00-06:00 UTC");
    const [day] = timeline(spec, capacity, new Date("2026-11-25T12:00:00Z"), 1);
    expect(day?.changes).toEqual(["00:00 → 2-6", "06:00 → 0"]);
  });

  it("lists one change for touching windows", () => {
    const spec = parseScheduleTag("Mon-Fri 07:00-12:00 12:00-19:00 UTC");
    const [day] = timeline(spec, capacity, new Date("2026-11-25T12:00:00Z"), 1);
    expect(day?.changes).toEqual(["07:00 → 2-6", "19:00 → 0"]);
  });

  it("counts only the tasks the off capacity stops as saved", () => {
    const spec = parseScheduleTag("Mon-Fri 07:00-19:00 UTC");
    const oneOff = { up: { min: 3, max: 6 }, off: { min: 1, max: 1 } };
    // 108 h down × (3 − 1) tasks.
    expect(weeklySavings(spec, oneOff, new Date("2026-11-23T00:00:00Z"), 3)).toEqual({
      offHours: 108,
      taskHours: 216,
    });
  });
});

describe("planScheduledActions: holidays under an override", () => {
  it("plans no holiday action inside an override, which keeps the service up whatever the windows and holidays say", () => {
    const tag = "Daily 06:00-22:00 UTC except 2026-11-30 2026-12-24 until 2026-12-01T18:00";
    const spec = parseScheduleTag(tag);
    // capacityAt (the reconciler's "now" capacity) says up on the holiday inside the override ...
    expect(capacityAt(spec, capacity, new Date("2026-11-30T12:00:00Z"))).toEqual(capacity.up);
    // ... so no at() action may take it down at that holiday's midnight; the later holiday keeps its own.
    expect(brief(plan(tag)).filter((a) => a[1]?.startsWith("at("))).toEqual([
      ["autopilot-holiday-20261224", "at(2026-12-24T00:00:00)", "0-0", undefined, undefined],
      ["autopilot-override-end", "at(2026-12-01T18:00:00)", "2-6", undefined, undefined],
    ]);
  });

  it("lets the override's end take the service down when it ends on a holiday or at its midnight", () => {
    expect(
      brief(plan("Daily 06:00-22:00 UTC except 2026-12-24 until 2026-12-24T12:00")).filter((a) =>
        a[1]?.startsWith("at("),
      ),
    ).toEqual([["autopilot-override-end", "at(2026-12-24T12:00:00)", "0-0", undefined, undefined]]);
    expect(
      brief(plan("Daily 06:00-22:00 UTC except 2026-12-24 until 2026-12-24T00:00")).filter((a) =>
        a[1]?.startsWith("at("),
      ),
    ).toEqual([["autopilot-override-end", "at(2026-12-24T00:00:00)", "0-0", undefined, undefined]]);
  });
});
