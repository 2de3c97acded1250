import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig, storedConfig } from "../../../core/config/index.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

describe("the central config as infra/ stores it in SSM", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is read back by the functions, compressed or not", async () => {
    const rules = Array.from({ length: 150 }, (_, i) => ({
      cluster: `team-${i}-*`,
      service: "*",
      policy: "minor",
    }));
    const text = JSON.stringify({ redeploy: { rules } }, null, 2);
    const stored = storedConfig(text);
    expect(stored.compressed).toBe(true);
    await world.clients.ssm.send(
      new PutParameterCommand({
        Name: "ecs-autopilot-test-config",
        Type: "String",
        Tier: stored.tier,
        Value: stored.value,
      }),
    );
    const loaded = await loadConfig({
      env: { AUTOPILOT_CONFIG_PARAMETER: "ecs-autopilot-test-config" },
      ssm: world.clients.ssm,
    });
    expect(loaded).toEqual(parseConfig(text, "autopilot.config.json"));
  });
});
