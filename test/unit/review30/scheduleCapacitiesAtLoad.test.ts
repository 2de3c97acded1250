/**
 * Review 30 (issue 11, Must show 6 "the config loader validates every field … at load time and
 * fails the deploy with the JSON path"): a schedule rule whose `offCapacity` is above its own
 * `upCapacity` can never be applied — planScheduled (core/schedule/planSchedules.ts) refuses it
 * for every service it matches ("the up capacity 1-2 is below the off capacity 3-3") — yet the
 * config loads: neither the schema (core/config/AutopilotConfig.ts) nor validateConfig
 * (core/validateConfig.ts) compares the two. It fails later, per service, as an invalid schedule.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/config/index.ts";
import { parseValidConfig } from "../../../core/validateConfig.ts";

const config = JSON.stringify({
  schedule: {
    services: [
      {
        cluster: "prod",
        service: "web",
        schedule: "Mon-Fri 07:00-19:00 Europe/Berlin",
        offCapacity: 3,
        upCapacity: { min: 1, max: 2 },
      },
    ],
  },
});

describe("review 30: a schedule rule's capacities, checked at load", () => {
  it("an offCapacity above the rule's own upCapacity fails the config with its JSON path", () => {
    let error: unknown;
    try {
      parseValidConfig(config, "autopilot.config.json");
    } catch (caught) {
      error = caught;
    }
    // Observed: no error, the config loads.
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error | undefined)?.message)).toContain("schedule.services.0");
  });
});
