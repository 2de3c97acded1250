import { describe, expect, it } from "vitest";
import { POLICY_RULE_IDS, RULE_PARAMS } from "../../../core/policy/ruleParams.ts";
import { RULES } from "../../../core/policy/rules.ts";

describe("the rule catalogue as the config sees it (core/policy/ruleParams.ts)", () => {
  it("has exactly the catalogue's rule ids, in order", () => {
    expect([...POLICY_RULE_IDS]).toEqual(RULES.map((rule) => rule.id));
  });

  it("has a parameter shape for exactly the rules that take parameters, and their defaults fit it", () => {
    const withParams = RULES.filter((rule) => Object.keys(rule.params ?? {}).length > 0);
    expect(Object.keys(RULE_PARAMS).sort()).toEqual(withParams.map((rule) => rule.id).sort());
    for (const rule of withParams) {
      const parsed = RULE_PARAMS[rule.id]?.safeParse(rule.params);
      expect(parsed?.success, `${rule.id}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
      // Each parameter can be set alone (an unset one keeps the default).
      for (const [name, value] of Object.entries(rule.params ?? {}))
        expect(RULE_PARAMS[rule.id]?.safeParse({ [name]: value }).success).toBe(true);
    }
  });
});
