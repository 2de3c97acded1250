import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONFIG, loadConfig, parseConfig } from "../../../core/config/index.ts";
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
  });
});

describe("autopilot.config.example.json", () => {
  it("is a valid config (the README tells users to start from it)", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../../autopilot.config.example.json", import.meta.url), "utf8");
    expect(parseConfig(text, "autopilot.config.example.json").redeploy.rules).toHaveLength(2);
  });
});
