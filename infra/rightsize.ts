import { SCHEDULED_JOBS } from "../core/events/index.ts";
import { scheduleJob } from "./eventRules.ts";
import { account, flowFunctionArgs, region, sharedPermissions } from "./shared.ts";

const ecs = (resource: string) => $interpolate`arn:aws:ecs:${region}:${account}:${resource}`;

/**
 * Right-sizing: weekly, every service's CloudWatch usage → the cheapest safe size and launch type,
 * a Slack summary, and one step down for services tagged `autopilot:rightsize=apply`.
 */
export const rightsizeFunction = new sst.aws.Function("Rightsize", {
  ...flowFunctionArgs("rightsize"),
  handler: "functions/rightsize.handler",
  description: "ecs-autopilot: weekly right-sizing of ECS services (EC2 vs Fargate, with $/month)",
  timeout: "10 minutes",
  memory: "1024 MB",
  permissions: [
    ...sharedPermissions(),
    // List*, DescribeTaskDefinition, GetMetricData, GetProducts and DescribeInstanceTypes have no
    // resource-level permissions in IAM.
    {
      actions: [
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:DescribeTaskDefinition",
        "cloudwatch:GetMetricData",
        "pricing:GetProducts",
        "ec2:DescribeInstanceTypes",
      ],
      resources: ["*"],
    },
    { actions: ["ecs:DescribeClusters"], resources: [ecs("cluster/*")] },
    { actions: ["ecs:DescribeServices", "ecs:UpdateService"], resources: [ecs("service/*/*")] },
    // Applying a step down registers a revision (and deregisters it if the update fails).
    { actions: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"], resources: ["*"] },
    {
      actions: ["ecs:TagResource"],
      resources: [ecs("task-definition/*:*")],
      conditions: [
        { test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] },
      ],
    },
    {
      actions: ["iam:PassRole"],
      resources: ["*"],
      conditions: [
        { test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] },
      ],
    },
  ],
});
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "rightsize")) scheduleJob(job, rightsizeFunction);
