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
import {
  complianceOf,
  evaluateRevision,
  type RevisionCheck,
  undecidedOf,
} from "../../../core/policy/evaluateRevision.ts";
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

describe("complianceOf: a rule that could not decide fails closed at or above the threshold (review 30)", () => {
  // A value of the wrong type (DescribeTaskDefinition as moto stores it; ECS's own API would refuse
  // it): the rule reading it cannot decide. ECS001 is high, ECS002 medium.
  const privilegedUnreadable = (td: Json) => {
    container(td).privileged = "TRUE";
  };
  const readOnlyUnreadable = (td: Json) => {
    container(td).readonlyRootFilesystem = "yes";
  };
  const undecided = (check: RevisionCheck) =>
    check.kind === "evaluated"
      ? check.evaluation.unknown.map((u) => `${u.ruleId} ${u.severity} ${u.path}`)
      : [];

  it("at or above the threshold: unknown, never compliant, and the rule is named", () => {
    const check = evaluated(privilegedUnreadable);
    expect(findings(check)).toEqual([]);
    expect(undecided(check)).toEqual(["ECS001 high containerDefinitions[0].privileged"]);
    for (const severity of ["high", "medium", "low"] as const)
      expect(complianceOf(check, enforceAt(severity)), severity).toBe("unknown");
    expect(
      check.kind === "evaluated"
        ? undecidedOf(check.evaluation, enforceAt("high")).map((u) => u.message)
        : [],
    ).toEqual(['containerDefinitions[0].privileged is "TRUE", not a boolean: read as not known']);
  });

  it("below the threshold: still compliant, as a finding there would be", () => {
    const check = evaluated(readOnlyUnreadable);
    expect(findings(check)).toEqual([]);
    expect(undecided(check)).toEqual(["ECS002 medium containerDefinitions[0].readonlyRootFilesystem"]);
    expect(complianceOf(check, enforceAt("high"))).toBe("compliant");
    expect(complianceOf(check, enforceAt("medium"))).toBe("unknown");
    expect(complianceOf(check, enforceAt("low"))).toBe("unknown");
  });

  it("a finding at or above the threshold makes it non-compliant whatever could not be decided", () => {
    const check = evaluated((td) => {
      privileged(td);
      readOnlyUnreadable(td);
    });
    expect(findings(check)).toEqual(["ECS001 high"]);
    expect(complianceOf(check, enforceAt("medium"))).toBe("non-compliant");
    expect(complianceOf(check, enforceAt("high"))).toBe("non-compliant");
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
