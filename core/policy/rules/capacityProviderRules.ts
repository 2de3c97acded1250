import { isObject, text } from "../fields.ts";
import type { PolicyRule } from "../types.ts";

/** Rules on capacity providers (AWS::ECS::CapacityProvider, aws_ecs_capacity_provider, DescribeCapacityProviders). */
export const CAPACITY_PROVIDER_RULES: readonly PolicyRule[] = [
  {
    id: "ECS026",
    title: "Managed termination protection off",
    severity: "medium",
    resource: "capacityProvider",
    rationale:
      "Without managed termination protection the Auto Scaling group scales in whichever instances it picks, killing the tasks on them without draining; with it, ECS only terminates instances that run no tasks. It works only together with managed scaling.",
    remediation:
      "Set `managedTerminationProtection: ENABLED` and `managedScaling.status: ENABLED` on the capacity provider, and turn on instance scale-in protection on its Auto Scaling group.",
    field: "autoScalingGroupProvider.managedTerminationProtection",
    mappings: { securityHub: "ECS.19", awsConfig: "ecs-capacity-provider-termination-check" },
    notes:
      "Only capacity providers backed by an Auto Scaling group (Fargate and managed-instances providers have no such setting). Security Hub notes that protection without managed scaling does not work; this rule fails that case too.",
    check: (provider) => {
      const asg = provider.autoScalingGroupProvider;
      if (!isObject(asg)) return [];
      // Values not known in the input are read as such by the evaluator: no finding, unknown.
      const protection = text(asg.managedTerminationProtection);
      if (protection !== "ENABLED")
        return [
          {
            path: ["autoScalingGroupProvider", "managedTerminationProtection"],
            message: `managed termination protection is ${protection ?? "not set (DISABLED)"}`,
          },
        ];
      const scaling = isObject(asg.managedScaling) ? asg.managedScaling.status : undefined;
      return text(scaling) === "ENABLED"
        ? []
        : [
            {
              path: ["autoScalingGroupProvider", "managedScaling", "status"],
              message: "managed termination protection is on, but managed scaling is off: it has no effect",
            },
          ];
    },
  },
];
