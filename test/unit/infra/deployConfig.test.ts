/**
 * `sst deploy` cannot run here (no AWS account, no Pulumi), so this runs the deploy-time module
 * that reads the config, infra/config.ts (imported by infra/shared.ts and sst.config.ts), with
 * SST's and Pulumi's globals replaced by an inert stand-in in case it ever reaches for one: what is under test is that a bad `autopilot.config.json` throws while the app is
 * being built (which fails the deploy), with the file and the JSON path.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** Any property, call or construction gives itself back: enough for an infra/ module to build. */
const inert: unknown = new Proxy(function inertTarget() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => "inert" : inert),
  apply: () => inert,
  construct: () => inert as object,
});
const GLOBALS = ["sst", "aws", "$jsonStringify", "$interpolate"] as const;
/**
 * infra/ is type-checked against SST's generated types by tsconfig.infra.json only; imported by
 * URL, it stays out of the main type check (which has no SST globals).
 */
const SHARED = new URL("../../../infra/config.ts", import.meta.url).href;
const importShared = (): Promise<{ config: { schedule: { holidays: string[] } } }> => import(SHARED);
const cwd = process.cwd();

describe("sst deploy reads autopilot.config.json through the validating loader", () => {
  beforeEach(() => {
    for (const name of GLOBALS) vi.stubGlobal(name, inert);
    vi.resetModules();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    process.chdir(cwd);
  });

  const inApp = (config: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-deploy-"));
    writeFileSync(join(dir, "autopilot.config.json"), JSON.stringify(config));
    process.chdir(dir);
  };

  it("fails the deploy on a config a flow could not use, naming the file and the JSON path", async () => {
    inApp({ schedule: { holidays: ["2026-13-45"] }, policy: { rules: { ECS999: {} } } });
    const failed = await importShared().catch((error: unknown) => error);
    // The module graph was reset for this import: the class to compare with is the one it loaded.
    const { ConfigError } = await import("../../../core/config/index.ts");
    expect(failed).toBeInstanceOf(ConfigError);
    expect((failed as Error).message).toBe(
      "invalid configuration in autopilot.config.json: policy.rules.ECS999: unknown rule id 'ECS999' (the catalogue: ECS001–ECS038, listed by `ecs-autopilot policy rules`); schedule.holidays.0: '2026-13-45' is not a calendar date (YYYY-MM-DD)",
    );
  });

  it("fails the deploy on a config file that is there but cannot be read, instead of using the defaults", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-deploy-"));
    mkdirSync(join(dir, "autopilot.config.json"));
    process.chdir(dir);
    const failed = await importShared().catch((error: unknown) => error);
    const { ConfigError } = await import("../../../core/config/index.ts");
    expect(failed).toBeInstanceOf(ConfigError);
    expect((failed as Error).message).toMatch(
      /^invalid configuration in autopilot\.config\.json: cannot be read \(EISDIR/,
    );
  });

  it("builds with a good config", async () => {
    inApp({ schedule: { holidays: ["2026-12-24"] } });
    const shared = await importShared();
    expect(shared.config.schedule.holidays).toEqual(["2026-12-24"]);
  });
});
