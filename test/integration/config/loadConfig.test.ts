import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { loadCliConfig } from "../../../cli/loadCliConfig.ts";
import {
  ConfigError,
  ConfigUnavailableError,
  DEFAULT_CONFIG,
  loadConfig,
  parseConfig,
} from "../../../core/config/index.ts";
import { parseValidConfig } from "../../../core/validateConfig.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createWorld } from "../../support/world.ts";

describe("central config", () => {
  it("names the source and the path of what is wrong", () => {
    expect(() =>
      parseConfig('{"redeploy":{"rules":[{"cluster":"prod-*"}]}}', "autopilot.config.json"),
    ).toThrow(
      "invalid configuration in autopilot.config.json: redeploy.rules.0.policy: Invalid input: expected string, received undefined",
    );
    expect(() => parseConfig('{"redeploy":{"concurency":2}}', "x.json")).toThrow(
      'Unrecognized key: "concurency"',
    );
    expect(() => parseConfig("{", "x.json")).toThrow(ConfigError);
  });

  it("loads the deployed config from its SSM parameter", async () => {
    const world = await createWorld();
    await world.clients.ssm.send(
      new PutParameterCommand({
        Name: "/ecs-autopilot/config",
        Type: "String",
        Value: JSON.stringify({ redeploy: { rules: [{ cluster: "prod", policy: "minor" }] } }),
      }),
    );
    const config = await loadConfig({
      env: { AUTOPILOT_CONFIG_PARAMETER: "/ecs-autopilot/config" },
      ssm: world.clients.ssm,
    });
    expect(config.redeploy.rules).toEqual([
      { cluster: "prod", service: "*", repository: "*", policy: "minor" },
    ]);
    expect(await loadConfig({ env: {} })).toEqual(DEFAULT_CONFIG);
    // A named parameter is never replaced by the defaults because a caller cannot read SSM.
    await expect(
      loadConfig({ env: { AUTOPILOT_CONFIG_PARAMETER: "/ecs-autopilot/config" } }),
    ).rejects.toThrow(
      "the configuration in SSM parameter /ecs-autopilot/config cannot be read: it is named by AUTOPILOT_CONFIG_PARAMETER but this caller has no SSM client to read it",
    );
    // A parameter that is not there is named as such, never read as the defaults.
    const missing = await loadConfig({
      env: { AUTOPILOT_CONFIG_PARAMETER: "/ecs-autopilot/not-there" },
      ssm: world.clients.ssm,
    }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ConfigUnavailableError);
    expect(missing).toMatchObject({
      code: "config-unavailable",
      message:
        "the configuration in SSM parameter /ecs-autopilot/not-there cannot be read: no such parameter in this account and region (ParameterNotFound; AUTOPILOT_CONFIG_PARAMETER names it)",
    });
  });

  it("the CLI (invoke, dlq redrive, plans) reads the same SSM parameter as the functions, as under `npx sst shell`", async () => {
    const world = await createWorld();
    await world.clients.ssm.send(
      new PutParameterCommand({
        Name: "/ecs-autopilot/cli-config",
        Type: "String",
        Value: JSON.stringify({ redeploy: { rules: [{ cluster: "prod", policy: "patch" }] } }),
      }),
    );
    const saved = process.env.AUTOPILOT_CONFIG_PARAMETER;
    process.env.AUTOPILOT_CONFIG_PARAMETER = "/ecs-autopilot/cli-config";
    try {
      expect((await loadCliConfig(undefined, world.clients)).redeploy.rules).toEqual([
        { cluster: "prod", service: "*", repository: "*", policy: "patch" },
      ]);
    } finally {
      if (saved === undefined) delete process.env.AUTOPILOT_CONFIG_PARAMETER;
      else process.env.AUTOPILOT_CONFIG_PARAMETER = saved;
    }
  });
});

describe("the functions' runtime", () => {
  it("refuses a deployed config that a flow could not use, naming the parameter and the JSON path, before any ECS call", async () => {
    const world = await createWorld();
    await world.clients.ssm.send(
      new PutParameterCommand({
        Name: "/ecs-autopilot/bad-config",
        Type: "String",
        Value: JSON.stringify({
          schedule: { services: [{ service: "web", schedule: "Mon-Fry 07:00-19:00 UTC" }] },
        }),
      }),
    );
    const saved = process.env.AUTOPILOT_CONFIG_PARAMETER;
    process.env.AUTOPILOT_CONFIG_PARAMETER = "/ecs-autopilot/bad-config";
    try {
      const runtime = createRuntime("schedule", { clients: world.clients, tableName: world.tableName });
      world.counter.reset();
      const failed = await runtime.flowContext().catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(ConfigError);
      expect((failed as ConfigError).message).toBe(
        "invalid configuration in SSM parameter /ecs-autopilot/bad-config: schedule.services.0.schedule: 'Mon-Fry': unknown day 'Fry' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
      );
      expect(world.counter.byOperation()).toEqual({ "SSM.GetParameter": 1 });
    } finally {
      if (saved === undefined) delete process.env.AUTOPILOT_CONFIG_PARAMETER;
      else process.env.AUTOPILOT_CONFIG_PARAMETER = saved;
    }
  });
});

describe("autopilot.config.example.json", () => {
  it("is a valid config (the README tells users to start from it)", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../../autopilot.config.example.json", import.meta.url), "utf8");
    expect(parseValidConfig(text, "autopilot.config.example.json").redeploy.rules).toHaveLength(2);
  });
});
