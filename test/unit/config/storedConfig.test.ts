import { describe, expect, it } from "vitest";
import {
  COMPRESSED_PREFIX,
  ConfigError,
  configFromStored,
  PARAMETER_LIMITS,
  parseConfig,
  storedConfig,
} from "../../../core/config/index.ts";

/** A valid config of `n` redeploy rules (each about 90 characters minified). */
const configOf = (n: number) =>
  JSON.stringify(
    {
      redeploy: {
        rules: Array.from({ length: n }, (_, i) => ({
          cluster: `team-${i}-*`,
          service: `service-${i}`,
          repository: `org/team-${i}/*`,
          policy: "minor",
        })),
      },
    },
    null,
    2,
  );

/** Rules with random names: they compress poorly. */
const randomName = (i: number) =>
  `${i}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const randomRules = (n: number) =>
  JSON.stringify({
    redeploy: {
      rules: Array.from({ length: n }, (_, i) => ({
        cluster: randomName(i),
        service: randomName(i),
        policy: "minor",
      })),
    },
  });

describe("the central config in SSM", () => {
  it("stays plain, minified, in the Standard tier while it fits 4,096 characters", () => {
    const stored = storedConfig(configOf(5));
    expect(stored).toMatchObject({ tier: "Standard", compressed: false });
    expect(stored.value).toBe(JSON.stringify(JSON.parse(configOf(5))));
  });

  it("is compressed when larger, and still Standard when the compressed form fits", () => {
    const text = configOf(120);
    expect(JSON.stringify(JSON.parse(text)).length).toBeGreaterThan(PARAMETER_LIMITS.Standard);
    const stored = storedConfig(text);
    expect(stored).toMatchObject({ tier: "Standard", compressed: true });
    expect(stored.value.startsWith(COMPRESSED_PREFIX)).toBe(true);
    expect(stored.value.length).toBeLessThanOrEqual(PARAMETER_LIMITS.Standard);
    expect(parseConfig(configFromStored(stored.value, "p"), "p")).toEqual(parseConfig(text, "t"));
  });

  it("goes to the Advanced tier only when even compressed it needs to, and fails beyond 8,192", () => {
    const advanced = storedConfig(randomRules(90));
    expect(advanced).toMatchObject({ tier: "Advanced", compressed: true });
    expect(advanced.value.length).toBeGreaterThan(PARAMETER_LIMITS.Standard);
    expect(advanced.value.length).toBeLessThanOrEqual(PARAMETER_LIMITS.Advanced);
    expect(() => storedConfig(randomRules(400))).toThrow(ConfigError);
    expect(() => storedConfig(randomRules(400))).toThrow(/Parameter Store holds at most 8192/);
  });

  it("says which parameter holds a compressed value it cannot read", () => {
    expect(() => configFromStored(`${COMPRESSED_PREFIX}not-gzip`, "SSM parameter p")).toThrow(
      /SSM parameter p: compressed value cannot be read/,
    );
  });
});
