/**
 * What enforce or audit mode's actions do to the account and report
 * (core/policy/policyActionDecisions.ts). The calls, the lease and the read are tested against
 * moto in test/integration/policy/policyFunction.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { PolicyAction } from "../../../core/policy/PolicyAction.ts";
import {
  policyRevisionTags,
  rollbackChange,
  rollbackOutcome,
  rollbackUpdateInput,
} from "../../../core/policy/policyActionDecisions.ts";

const td = (familyRevision: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${familyRevision}`;
const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/payments";

const rollback: Extract<PolicyAction, { kind: "rollback" }> = {
  kind: "rollback",
  cluster: "prod",
  service: "payments",
  serviceArn: SERVICE,
  from: td("payments:4"),
  to: td("payments:3"),
  reason: "payments violates ECS003",
};

describe("policyRevisionTags: what a checked revision is tagged with", () => {
  it("its number of findings and the UTC time of the check, to the second", () => {
    expect(policyRevisionTags(3, new Date("2026-11-27T10:15:42.917Z"))).toStrictEqual([
      { key: "autopilot:policy-findings", value: "3" },
      { key: "autopilot:policy-checked", value: "2026-11-27T10:15:42" },
    ]);
  });

  it("says 0 findings for a compliant revision", () => {
    expect(policyRevisionTags(0, new Date("2026-01-02T03:04:05.000Z"))[0]).toStrictEqual({
      key: "autopilot:policy-findings",
      value: "0",
    });
  });
});

describe("rollbackUpdateInput: what a rollback changes", () => {
  it("puts the service back on the revision it ran before, by its ARN, and changes nothing else", () => {
    expect(rollbackUpdateInput(rollback)).toStrictEqual({
      cluster: "prod",
      service: SERVICE,
      taskDefinition: td("payments:3"),
    });
  });
});

describe("rollbackChange: how a rollback names itself to a change that finds the service busy", () => {
  it("names both revisions by family:revision", () => {
    expect(rollbackChange(rollback)).toBe("the policy's rollback of payments:4 to payments:3");
  });
});

describe("rollbackOutcome: what a rollback reports done", () => {
  it("reports the rollback itself when it changed the service", () => {
    expect(rollbackOutcome(rollback, { kind: "changed", value: {} })).toBe(rollback);
  });

  it("reports no rollback yet, to be retried, when another change held the service, naming that change", () => {
    expect(
      rollbackOutcome(rollback, {
        kind: "busy",
        holder: "push-event-3",
        change: "the roll-out of shop/ledger:2.0.0 (event push-event-3)",
      }),
    ).toStrictEqual({
      kind: "no-rollback",
      cluster: "prod",
      service: "payments",
      reason:
        "payments violates ECS003; not rolled back yet: the roll-out of shop/ledger:2.0.0 (event push-event-3) is changing the service right now; this event is retried, then dead-lettered, to check again",
      why: "held",
      retried: true,
    });
  });

  it("reports no rollback, not retried, when the service moved off the checked revision, saying what it runs", () => {
    expect(
      rollbackOutcome(rollback, { kind: "moved", runs: td("payments:5"), deploymentId: "ecs-svc/5" }),
    ).toStrictEqual({
      kind: "no-rollback",
      cluster: "prod",
      service: "payments",
      reason:
        "payments violates ECS003; not rolled back: the service moved off payments:4 since it was checked (it runs payments:5)",
      why: "moved",
      runs: td("payments:5"),
    });
  });

  it("says the revision is unknown when the moved service's revision could not be read (not found)", () => {
    expect(
      rollbackOutcome(rollback, { kind: "moved", runs: undefined, deploymentId: undefined }),
    ).toStrictEqual({
      kind: "no-rollback",
      cluster: "prod",
      service: "payments",
      reason:
        "payments violates ECS003; not rolled back: the service moved off payments:4 since it was checked (it runs an unknown revision)",
      why: "moved",
    });
  });
});
