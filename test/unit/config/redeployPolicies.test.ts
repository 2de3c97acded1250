import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../core/config/index.ts";

const withRule = (rule: Record<string, unknown>, redeploy: Record<string, unknown> = {}) =>
  JSON.stringify({ redeploy: { ...redeploy, rules: [{ cluster: "prod", policy: "minor" }, rule] } });

describe("central config: tag policies are checked at load", () => {
  it.each([
    ["sometimes", "redeploy.rules.1.policy: unknown policy; use one of"],
    [
      "regex:^build-(\\d+",
      "redeploy.rules.1.policy: not a valid regular expression (error parsing regexp: missing closing )",
    ],
    [
      "regex:^(?=v)\\d+$",
      "redeploy.rules.1.policy: not a valid regular expression (error parsing regexp: invalid or unsupported Perl syntax",
    ],
    ["glob:rc[0-9", "redeploy.rules.1.policy: not a valid glob (unclosed '[' at position 3)"],
    [
      "glob:v[9-0]*",
      "redeploy.rules.1.policy: not a valid glob (error parsing regexp: invalid character class range: `9-0`)",
    ],
    ["range:1x", "redeploy.rules.1.policy: not a semver range"],
    ["order:newest", "redeploy.rules.1.policy: order: needs alphabetical or numerical"],
    ["order:numerical:(", "redeploy.rules.1.policy: not a valid regular expression"],
  ])("refuses policy %j with the JSON path", (policy, message) => {
    expect(() => parseConfig(withRule({ service: "web", policy }), "autopilot.config.json")).toThrow(
      ConfigError,
    );
    expect(() => parseConfig(withRule({ service: "web", policy }), "autopilot.config.json")).toThrow(
      `invalid configuration in autopilot.config.json: ${message}`,
    );
  });

  it("loads every new policy form and the signature requirement", () => {
    const config = parseConfig(
      JSON.stringify({
        redeploy: {
          requireSignature: true,
          rules: [
            { service: "a", policy: "any" },
            { service: "b", policy: "range:>=1.2 <2" },
            { service: "c", policy: "order:alphabetical" },
            { service: "d", policy: "order:numerical:^build-(?P<version>\\d+)$" },
            { service: "e", policy: "regex:^v(?P<version>\\d+\\.\\d+)$", requireSignature: false },
            { service: "f", policy: "glob:release-*" },
          ],
        },
      }),
      "x.json",
    );
    expect(config.redeploy.requireSignature).toBe(true);
    expect(config.redeploy.rules.map((r) => r.requireSignature)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      false,
      undefined,
    ]);
  });

  it("defaults to not requiring signatures", () => {
    expect(parseConfig("{}", "x.json").redeploy.requireSignature).toBe(false);
    expect(() => parseConfig(withRule({ policy: "minor", requireSignature: "yes" }), "x.json")).toThrow(
      "redeploy.rules.1.requireSignature",
    );
  });
});
