import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONFIG, loadConfig, parseConfig } from "../../../core/config/index.ts";
import { loadValidConfig, parseValidConfig, validateConfig } from "../../../core/validateConfig.ts";

const load = (config: unknown) => () => parseValidConfig(JSON.stringify(config), "autopilot.config.json");
const refused = (config: unknown, problem: string) => {
  expect(load(config)).toThrow(ConfigError);
  expect(load(config)).toThrow(`invalid configuration in autopilot.config.json: ${problem}`);
};

describe("central config: every field checked at load, failing with its JSON path", () => {
  it("refuses a tag policy that does not parse and a regular expression RE2 refuses", () => {
    refused(
      { redeploy: { rules: [{ policy: "bogus" }] } },
      "redeploy.rules.0.policy: unknown policy; use one of",
    );
    refused(
      { redeploy: { rules: [{ policy: "regex:((" }] } },
      "redeploy.rules.0.policy: not a valid regular expression (error parsing regexp: missing closing ): `((`)",
    );
  });

  it("refuses a rule id outside the catalogue, in rule settings and in exemptions", () => {
    refused(
      { policy: { rules: { ECS999: { enabled: false } } } },
      "policy.rules.ECS999: unknown rule id 'ECS999' (the catalogue: ECS001–ECS038, listed by `ecs-autopilot policy rules`)",
    );
    refused(
      { policy: { exemptions: [{ family: "legacy-*", rule: "ECS999", reason: "old" }] } },
      "policy.exemptions.0.rule: unknown rule id 'ECS999'",
    );
  });

  it("refuses rule parameters of the wrong shape or name, and parameters for a rule that takes none", () => {
    refused(
      { policy: { rules: { ECS014: { params: { allowedRegistries: "ghcr.io" } } } } },
      "policy.rules.ECS014.params.allowedRegistries: Invalid input: expected array, received string",
    );
    refused(
      { policy: { rules: { ECS014: { params: { allowedRegistries: ["ghcr.io", "[oops"] } } } } },
      "policy.rules.ECS014.params.allowedRegistries.1: not a valid glob (unclosed '[' at position 1)",
    );
    refused(
      { policy: { rules: { ECS014: { params: { allowedRegistry: ["ghcr.io"] } } } } },
      'policy.rules.ECS014.params: Unrecognized key: "allowedRegistry"',
    );
    refused(
      { policy: { rules: { ECS032: { params: { minNofileSoftLimit: "65535" } } } } },
      "policy.rules.ECS032.params.minNofileSoftLimit: Invalid input: expected number, received string",
    );
    refused(
      { policy: { rules: { ECS015: { params: { dangerous: ["cap_sys_admin"] } } } } },
      "policy.rules.ECS015.params.dangerous.0: a Linux capability as ECS spells it",
    );
    refused(
      { policy: { rules: { ECS001: { params: { anything: 1 } } } } },
      "policy.rules.ECS001.params: ECS001 takes no parameters",
    );
  });

  it("refuses schedules the schedule language does not read, in both forms", () => {
    refused(
      { schedule: { services: [{ service: "web", schedule: "Mon-Fry 07:00-19:00 Europe/Berlin" }] } },
      "schedule.services.0.schedule: 'Mon-Fry': unknown day 'Fry'",
    );
    refused(
      {
        schedule: {
          services: [
            { service: "web", schedule: "Mon-Fri 07:00-19:00 Europe/Berlin" },
            {
              service: "api",
              schedule: { windows: [{ days: "Mon-Fri", start: "07:00", end: "25:00" }], timezone: "UTC" },
            },
          ],
        },
      },
      "schedule.services.1.schedule: 'windows[0]': 07:00-25:00: '25:00' is not a time of day",
    );
    refused(
      {
        schedule: {
          services: [
            {
              schedule: {
                windows: [{ days: "Mon", start: "07:00", end: "19:00" }],
                timezone: "Mars/Olympus",
              },
            },
          ],
        },
      },
      "schedule.services.0.schedule: 'Mars/Olympus': not an IANA time zone",
    );
    refused(
      {
        schedule: {
          services: [
            {
              schedule: {
                windows: [{ days: "Mon", start: "07:00", end: "19:00" }],
                timezone: "UTC",
                holidays: ["2026-02-30"],
              },
            },
          ],
        },
      },
      "schedule.services.0.schedule: '2026-02-30': not a date (YYYY-MM-DD)",
    );
  });

  it("refuses holidays that are not calendar dates", () => {
    refused(
      { schedule: { holidays: ["2026-12-24", "2026-13-45"] } },
      "schedule.holidays.1: '2026-13-45' is not a calendar date (YYYY-MM-DD)",
    );
  });

  it("refuses a glob that does not compile, wherever a glob is taken", () => {
    refused(
      { monitor: { routes: [{ cluster: "payments-[", webhook: "SlackWebhookUrlPayments" }] } },
      "monitor.routes.0.cluster: not a valid glob (unclosed '[' at position 10)",
    );
    refused(
      { monitor: { routes: [{ service: "*", webhook: "https://hooks.slack.com/services/T0/B0/x" }] } },
      "monitor.routes.0.webhook: an SST secret name such as SlackWebhookUrlPayments",
    );
    refused(
      { redeploy: { rules: [{ repository: "shop/{web", policy: "minor" }] } },
      "redeploy.rules.0.repository: not a valid glob (unclosed '{')",
    );
    refused(
      { policy: { exemptions: [{ family: "!legacy", rule: "ECS001", reason: "old" }] } },
      "policy.exemptions.0.family: not a valid glob (a leading '!' (negation) is not supported",
    );
    refused(
      { schedule: { services: [{ cluster: "@(a|b)", schedule: "Daily 07:00-19:00 UTC" }] } },
      "schedule.services.0.cluster: not a valid glob (extended globs",
    );
  });

  it("names every problem at once", () => {
    const error = (() => {
      try {
        load({
          policy: { rules: { ECS999: {}, ECS014: { params: { allowedRegistries: "ghcr.io" } } } },
          schedule: { holidays: ["2026-13-45"] },
        })();
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error("the config was accepted");
    })();
    expect(error.problems.split("; ")).toEqual([
      expect.stringMatching(/^policy\.rules\.ECS999: unknown rule id/),
      "policy.rules.ECS014.params.allowedRegistries: Invalid input: expected array, received string",
      "schedule.holidays.0: '2026-13-45' is not a calendar date (YYYY-MM-DD)",
    ]);
  });

  it("accepts a config that uses every section", () => {
    const config = load({
      redeploy: { rules: [{ cluster: "prod-{eu,us}", repository: "shop/**", policy: "regex:^v(\\d+)$" }] },
      policy: {
        mode: "enforce",
        rules: {
          ECS014: { params: { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com", "ghcr.io"] } },
          ECS028: { enabled: true, params: { requiredTagKeys: ["team"] } },
          ECS032: { params: { minNofileSoftLimit: 4096 } },
          ECS015: { severity: "medium", params: { dangerous: ["SYS_ADMIN"] } },
        },
        exemptions: [{ family: "legacy-*", rule: "ECS013", reason: "frozen" }],
      },
      schedule: {
        services: [
          { cluster: "dev-*", schedule: "Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24" },
          {
            service: "batch",
            schedule: {
              windows: [{ days: "Sat+Sun", start: "22:00", end: "06:00" }],
              timezone: "America/New_York",
              holidays: ["2026-12-25"],
              upUntil: "2026-12-01T18:00",
            },
          },
        ],
        holidays: ["2026-02-28", "2028-02-29"],
      },
      monitor: { routes: [{ cluster: "payments-*", webhook: "SlackWebhookUrlPayments" }] },
    })();
    expect(config.policy.rules.ECS014?.params).toEqual({
      allowedRegistries: ["*.dkr.ecr.*.amazonaws.com", "ghcr.io"],
    });
    expect(validateConfig(config)).toEqual([]);
    expect(validateConfig(DEFAULT_CONFIG)).toEqual([]);
  });

  it("checks every source the loader reads: a file, AUTOPILOT_CONFIG and the defaults", async () => {
    const bad = JSON.stringify({ schedule: { holidays: ["2026-13-45"] } });
    await expect(loadValidConfig({ env: { AUTOPILOT_CONFIG: bad } })).rejects.toThrow(
      "invalid configuration in AUTOPILOT_CONFIG: schedule.holidays.0",
    );
    await expect(loadValidConfig({ file: "/nonexistent/autopilot.config.json", env: {} })).rejects.toThrow(
      "the configuration in /nonexistent/autopilot.config.json cannot be read: ENOENT",
    );
    expect(await loadValidConfig({ env: {} })).toEqual(DEFAULT_CONFIG);
    // core/config alone checks the schema only; the flows' languages are checked one level up.
    expect(parseConfig(bad, "x.json").schedule.holidays).toEqual(["2026-13-45"]);
    expect((await loadConfig({ env: { AUTOPILOT_CONFIG: bad } })).schedule.holidays).toEqual(["2026-13-45"]);
  });

  it("refuses a schedule rule whose upCapacity max is below its offCapacity (the planner's refusal, at load), and takes them equal", () => {
    const rule = { cluster: "prod", service: "web", schedule: "Mon-Fri 07:00-19:00 Europe/Berlin" };
    refused(
      { schedule: { services: [rule, { ...rule, offCapacity: 3, upCapacity: { min: 1, max: 2 } }] } },
      "schedule.services.1: upCapacity 1-2 is below offCapacity 3: the service would run more tasks off hours than up (upCapacity.max must be at least offCapacity)",
    );
    // What planSchedules accepts loads: max equal to the off capacity (min may be below it), or no off capacity.
    expect(
      load({ schedule: { services: [{ ...rule, offCapacity: 2, upCapacity: { min: 1, max: 2 } }] } }),
    ).not.toThrow();
    expect(load({ schedule: { services: [{ ...rule, upCapacity: { min: 0, max: 0 } }] } })).not.toThrow();
    // upCapacity min above max was already the schema's.
    refused(
      { schedule: { services: [{ ...rule, upCapacity: { min: 3, max: 2 } }] } },
      "schedule.services.0.upCapacity: max must not be below min",
    );
  });

  it("refuses a schedule that needs more than 200 scheduled actions with the holidays still to come, the config's own included", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    // Every other day from 2026-02-01: each holiday splits the 2 weekly actions and adds its own.
    const holidays = (n: number) =>
      Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 1, 1 + 2 * i)).toISOString().slice(0, 10));
    const withHolidays = (schedule: string[], config: string[]) =>
      parseConfig(
        JSON.stringify({
          schedule: {
            services: [
              {
                service: "web",
                schedule: {
                  windows: [{ days: "Mon-Fri", start: "07:00", end: "19:00" }],
                  timezone: "UTC",
                  holidays: schedule,
                },
              },
            ],
            holidays: config,
          },
        }),
        "autopilot.config.json",
      );
    // 66 holidays: 67 segments × 2 + 66 = 200, Application Auto Scaling's limit per service.
    expect(validateConfig(withHolidays(holidays(66), []), now)).toEqual([]);
    expect(validateConfig(withHolidays(holidays(66).slice(0, 30), holidays(66).slice(30)), now)).toEqual([]);
    expect(validateConfig(withHolidays(holidays(67).slice(0, 30), holidays(67).slice(30)), now)).toEqual([
      {
        path: ["schedule", "services", 0, "schedule"],
        message:
          "needs 203 scheduled actions; Application Auto Scaling allows 200 per service (with the holidays still to come, schedule.holidays included)",
      },
    ]);
    // Holidays that have passed need no action.
    expect(validateConfig(withHolidays(holidays(67), []), new Date("2026-03-01T00:00:00Z"))).toEqual([]);
  });
});
