import type { PolicyRule } from "../types.ts";
import { assignsPublicIp } from "./serviceRules.ts";

/** Rules on task sets (AWS::ECS::TaskSet, aws_ecs_task_set, the task sets of EXTERNAL services). */
export const TASK_SET_RULES: readonly PolicyRule[] = [
  {
    id: "ECS022",
    title: "Task set assigns public IP addresses",
    severity: "high",
    resource: "taskSet",
    rationale:
      "Task sets (blue/green and external deployments) with a public IP make every task reachable from the internet, around the load balancer that should be their only way in.",
    remediation:
      "Create the task set with `assignPublicIp: DISABLED` in private subnets; a task set's network configuration cannot be changed, so replace it.",
    field: "networkConfiguration.awsvpcConfiguration.assignPublicIp",
    mappings: { securityHub: "ECS.16", awsConfig: "ecs-taskset-assign-public-ip-disabled" },
    notes: "ecs-taskset-assign-public-ip-disabled is a custom AWS Config rule Security Hub runs.",
    check: (taskSet) => {
      const { value, path } = assignsPublicIp(taskSet);
      return value === "ENABLED"
        ? [{ path, message: "the task set gives every task a public IP address" }]
        : [];
    },
  },
];
