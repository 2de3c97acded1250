import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import { resourceIdOf, scheduleSource } from "../../../core/schedule/scheduleSource.ts";

const service = (cluster: string, name: string): Service => ({
  clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${cluster}`,
  serviceName: name,
});
const config = (schedule: unknown) => parseConfig(JSON.stringify({ schedule }), "test config").schedule;
const OFFICE = "Mon-Fri 08:00-18:00 Europe/Berlin";
const NIGHTS = "Daily 20:00-23:00 UTC";

describe("scheduleSource: where a service's schedule comes from", () => {
  const rules = config({
    services: [
      { cluster: "dev-*", service: "api", schedule: OFFICE, offCapacity: 1, upCapacity: { min: 2, max: 4 } },
      { cluster: "dev-*", service: "*", schedule: NIGHTS },
    ],
  });

  it("takes the first config rule whose cluster and service globs both match", () => {
    expect(scheduleSource(service("dev-eu", "api"), {}, rules)?.spec().timezone).toBe("Europe/Berlin");
    expect(scheduleSource(service("dev-eu", "web"), {}, rules)?.spec().timezone).toBe("UTC");
    expect(scheduleSource(service("prod", "api"), {}, rules)).toBeUndefined();
  });

  it("lets the autopilot:schedule tag win over the config, and the capacity tags over the rule's", () => {
    const tagged = scheduleSource(
      service("dev-eu", "api"),
      { "autopilot:schedule": NIGHTS, "autopilot:off-capacity": "0" },
      rules,
    );
    expect(tagged?.spec().timezone).toBe("UTC");
    expect(tagged?.off).toBe("0");
    expect(tagged?.up).toEqual({ min: 2, max: 4 });
    // A tag alone schedules a service no rule names; the rule's capacities then do not apply.
    const alone = scheduleSource(service("prod", "api"), { "autopilot:schedule": OFFICE }, rules);
    expect(alone?.spec().timezone).toBe("Europe/Berlin");
    expect(alone).not.toHaveProperty("off");
    expect(alone).not.toHaveProperty("up");
  });

  it("takes the rule's capacities when no tag sets them", () => {
    const fromRule = scheduleSource(service("dev-eu", "api"), {}, rules);
    expect(fromRule?.off).toBe(1);
    expect(fromRule?.up).toEqual({ min: 2, max: 4 });
    expect(scheduleSource(service("dev-eu", "web"), {}, rules)).not.toHaveProperty("off");
  });

  it("reads the object form of a config schedule", () => {
    const objectForm = config({
      services: [
        {
          service: "jobs",
          schedule: { windows: [{ days: "Mon-Fri", start: "07:00", end: "19:00" }], timezone: "Asia/Tokyo" },
        },
      ],
    });
    const spec = scheduleSource(service("any", "jobs"), {}, objectForm)?.spec();
    expect(spec?.timezone).toBe("Asia/Tokyo");
  });

  it("adds the config's holidays to every schedule, once each and in order", () => {
    const withHolidays = config({
      services: [{ service: "api", schedule: `${OFFICE} except 2026-12-24` }],
      holidays: ["2026-12-31", "2026-12-24", "2026-12-25"],
    });
    expect(scheduleSource(service("any", "api"), {}, withHolidays)?.spec().holidays).toEqual([
      "2026-12-24",
      "2026-12-25",
      "2026-12-31",
    ]);
    // Without config holidays the schedule's own are kept as they are.
    expect(
      scheduleSource(service("any", "api"), { "autopilot:schedule": OFFICE }, rules)?.spec().holidays,
    ).toEqual([]);
  });

  it("parses lazily: an invalid schedule fails when its service is planned, not before", () => {
    const bad = scheduleSource(
      service("any", "api"),
      { "autopilot:schedule": "Mon-Fri 07:60-18:00 UTC" },
      rules,
    );
    expect(bad).toBeDefined();
    expect(() => bad?.spec()).toThrow(/07:60/);
  });

  it("names the scalable target service/<cluster>/<service>, with an empty part (never 'undefined') for a name left out", () => {
    expect(resourceIdOf(service("dev-1", "api"))).toBe("service/dev-1/api");
    expect(resourceIdOf({ serviceName: "api" })).toBe("service//api");
    expect(resourceIdOf({ clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-1" })).toBe(
      "service/dev-1/",
    );
  });
});
