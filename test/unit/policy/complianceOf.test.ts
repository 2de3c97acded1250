/**
 * complianceOf: what enforce mode concludes from a checked revision. Compliant only when no
 * finding is at or above `enforceAt`; a revision that could not be read is unknown, never
 * compliant (the policy fails closed). Reading the revision from ECS is tested against moto
 * (test/integration/policy/failClosed.test.ts, planForApiCall.test.ts).
 */
import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import { complianceOf, evaluateRevision, type RevisionCheck } from "../../../core/policy/evaluateRevision.ts";
import { evaluateTaskDefinition, fromEcsApi } from "../../../core/policy/index.ts";
import { compliant, container, type Json } from "./ruleCases.ts";

const enforceAt = (severity: "high" | "medium" | "low") =>
  parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: severity } }), "test").policy;

/** The revision as enforce mode checks it (read from ECS, evaluated), after `change`. */
function evaluated(change: (td: Json) => void = () => {}): RevisionCheck {
  const td = compliant();
  change(td);
  return { kind: "evaluated", evaluation: evaluateTaskDefinition(fromEcsApi(td), enforceAt("high")) };
}
const findings = (check: RevisionCheck) =>
  check.kind === "evaluated" ? check.evaluation.findings.map((f) => `${f.ruleId} ${f.severity}`) : [];

const privileged = (td: Json) => {
  container(td).privileged = true;
};
const dropsNothing = (td: Json) => {
  delete container(td).linuxParameters;
};

describe("complianceOf: compliant, non-compliant or unknown", () => {
  it("a revision without findings is compliant", () => {
    expect(findings(evaluated())).toEqual([]);
    expect(complianceOf(evaluated(), enforceAt("low"))).toBe("compliant");
  });

  it("one finding at the enforce severity is enough to be non-compliant", () => {
    const one = evaluated(privileged);
    expect(findings(one)).toEqual(["ECS001 high"]);
    expect(complianceOf(one, enforceAt("high"))).toBe("non-compliant");
  });

  it("a finding below the enforce severity leaves the revision compliant", () => {
    const low = evaluated(dropsNothing);
    expect(findings(low)).toEqual(["ECS016 low"]);
    expect(complianceOf(low, enforceAt("high"))).toBe("compliant");
    expect(complianceOf(low, enforceAt("medium"))).toBe("compliant");
    expect(complianceOf(low, enforceAt("low"))).toBe("non-compliant");
  });

  it("a revision that could not be read is unknown, whatever the threshold", () => {
    const unread: RevisionCheck = {
      kind: "unknown",
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/ledger:3",
      reason: "AccessDeniedException: not authorized to perform ecs:DescribeTaskDefinition",
    };
    for (const severity of ["high", "medium", "low"] as const)
      expect(complianceOf(unread, enforceAt(severity))).toBe("unknown");
  });
});

describe("evaluateRevision: an answer without a task definition", () => {
  // moto always returns the revision it has (or an error, tested in failClosed.test.ts): an
  // answer without one is given by aws-sdk-client-mock.
  it("is unknown, with the reason, never evaluated as an empty revision", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    mockClient(ecs).on(DescribeTaskDefinitionCommand).resolves({});
    const arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ledger:3";
    const check = await evaluateRevision(ecs, arn, enforceAt("high"));
    expect(check).toEqual({
      kind: "unknown",
      taskDefinitionArn: arn,
      reason: "DescribeTaskDefinition returned no task definition",
    });
    expect(complianceOf(check, enforceAt("high"))).toBe("unknown");
  });
});
