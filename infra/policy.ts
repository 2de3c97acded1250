import { ECS_TASK_DEFINITION_CHANGES, SCHEDULED_JOBS } from "../core/events/index.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import { account, flowFunctionArgs, region, sharedPermissions } from "./shared.ts";

/**
 * Task-definition policy in the account: every RegisterTaskDefinition, CreateService and
 * UpdateService (audit: report and tag; enforce: deregister and roll back), and a daily audit of
 * revisions, services, clusters and capacity providers (reported only).
 */
export const policyFunction = new sst.aws.Function("Policy", {
  ...flowFunctionArgs("policy"),
  handler: "functions/policy.handler",
  description: "ecs-autopilot: check task definitions against the policy; audit or enforce",
  timeout: "5 minutes",
  permissions: [
    ...sharedPermissions(),
    // No resource-level permissions exist for these.
    {
      actions: [
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:ListTasks",
        "ecs:ListTaskDefinitions",
        "ecs:DescribeTaskDefinition",
        "ecs:DeregisterTaskDefinition",
      ],
      resources: ["*"],
    },
    {
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: [$interpolate`arn:aws:ecs:${region}:${account}:service/*/*`],
    },
    // Cluster settings, ECS Exec configuration and tags for the cluster rules (read only).
    {
      actions: ["ecs:DescribeClusters"],
      resources: [$interpolate`arn:aws:ecs:${region}:${account}:cluster/*`],
    },
    // Capacity providers the clusters use, by name. Every AWS-managed policy that grants this
    // action grants it on "*", and resource-level support could not be confirmed: not scoped.
    { actions: ["ecs:DescribeCapacityProviders"], resources: ["*"] },
    { actions: ["ecs:DescribeTasks"], resources: [$interpolate`arn:aws:ecs:${region}:${account}:task/*/*`] },
    {
      actions: ["ecs:TagResource"],
      resources: [$interpolate`arn:aws:ecs:${region}:${account}:task-definition/*:*`],
    },
  ],
});
subscribe(ECS_TASK_DEFINITION_CHANGES, policyFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "policy")) scheduleJob(job, policyFunction);
