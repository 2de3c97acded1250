import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig, stageActs } from "../../../core/config/index.ts";

/** A stage acts on the account or runs dry: a wrong answer either changes an account from a teammate's stage or leaves production idle. */
describe("stageActs: whether a stage acts or runs dry", () => {
  it("acts in `production` by default and runs dry in any other stage", () => {
    expect(stageActs(DEFAULT_CONFIG, "production")).toBe(true);
    expect(stageActs(DEFAULT_CONFIG, "alice")).toBe(false);
    expect(stageActs(DEFAULT_CONFIG, "staging")).toBe(false);
  });

  it("acts only in the configured acting stage, not in `production` any more", () => {
    const config = parseConfig(JSON.stringify({ deploy: { actingStage: "prod" } }), "autopilot.config.json");
    expect(stageActs(config, "prod")).toBe(true);
    expect(stageActs(config, "production")).toBe(false);
  });

  it("acts in the stages listed in alsoActing too, and only in those", () => {
    const config = parseConfig(
      JSON.stringify({ deploy: { alsoActing: ["sandbox-eu", "sandbox-us"] } }),
      "autopilot.config.json",
    );
    expect(stageActs(config, "production")).toBe(true);
    expect(stageActs(config, "sandbox-eu")).toBe(true);
    expect(stageActs(config, "sandbox-us")).toBe(true);
    expect(stageActs(config, "sandbox")).toBe(false);
    expect(stageActs(config, "alice")).toBe(false);
  });
});
