/**
 * The decisions of the capacity provider rule (core/policy/rules/capacityProviderRules.ts,
 * ECS026): id, severity, exact message and JSON path, both sides of each condition.
 */
import { describe, expect, it } from "vitest";
import { Unknown } from "../../../core/policy/index.ts";
import { decide, type Json } from "./decideRule.ts";

describe("ECS026 managed termination protection off", () => {
  const provider = (autoScalingGroupProvider: Json) => ({
    name: "on-demand",
    autoScalingGroupProvider: {
      autoScalingGroupArn:
        "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d:autoScalingGroupName/ecs",
      ...autoScalingGroupProvider,
    },
  });
  const PROTECTION = "ECS026 medium autoScalingGroupProvider.managedTerminationProtection";

  it("protection DISABLED or unset is flagged on the protection, naming it", () => {
    expect(
      decide("ECS026", "capacityProvider", provider({ managedTerminationProtection: "DISABLED" })),
    ).toEqual([`${PROTECTION}: managed termination protection is DISABLED`]);
    expect(decide("ECS026", "capacityProvider", provider({}))).toEqual([
      `${PROTECTION}: managed termination protection is not set (DISABLED)`,
    ]);
  });

  it("protection ENABLED passes with managed scaling ENABLED and is flagged on the scaling status without it", () => {
    const enabled = (status: string) =>
      provider({ managedTerminationProtection: "ENABLED", managedScaling: { status, targetCapacity: 100 } });
    expect(decide("ECS026", "capacityProvider", enabled("ENABLED"))).toEqual([]);
    expect(decide("ECS026", "capacityProvider", enabled("DISABLED"))).toEqual([
      "ECS026 medium autoScalingGroupProvider.managedScaling.status: managed termination protection is on, but managed scaling is off: it has no effect",
    ]);
  });

  it("a provider without an Auto Scaling group (FARGATE, FARGATE_SPOT) is not checked", () => {
    expect(decide("ECS026", "capacityProvider", { name: "FARGATE_SPOT" })).toEqual([]);
  });

  it("a protection or scaling status not known in the input is unknown there, never a finding", () => {
    expect(
      decide(
        "ECS026",
        "capacityProvider",
        provider({ managedTerminationProtection: new Unknown("var.termination_protection") }),
      ),
    ).toEqual([
      "?ECS026 autoScalingGroupProvider.managedTerminationProtection: autoScalingGroupProvider.managedTerminationProtection is not known in this input (<var.termination_protection>)",
    ]);
    expect(
      decide(
        "ECS026",
        "capacityProvider",
        provider({
          managedTerminationProtection: "ENABLED",
          managedScaling: { status: new Unknown("var.managed_scaling") },
        }),
      ),
    ).toEqual([
      "?ECS026 autoScalingGroupProvider.managedScaling.status: autoScalingGroupProvider.managedScaling.status is not known in this input (<var.managed_scaling>)",
    ]);
  });
});
