import { SCHEDULED_JOBS } from "../core/events/index.ts";
import { scheduleJob } from "./eventRules.ts";
import {
  account,
  ecsArn,
  flowFunctionArgs,
  region,
  rollOutPermissions,
  sharedPermissions,
} from "./shared.ts";

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
    // List*, DescribeTaskDefinition, GetMetricData, GetProducts, DescribeInstanceTypes and
    // GetECSServiceRecommendations have no resource-level permissions in IAM.
    {
      actions: [
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:DescribeTaskDefinition",
        "cloudwatch:GetMetricData",
        "pricing:GetProducts",
        "ec2:DescribeInstanceTypes",
        "compute-optimizer:GetECSServiceRecommendations",
      ],
      resources: ["*"],
    },
    { actions: ["ecs:DescribeClusters", "ecs:ListContainerInstances"], resources: [ecsArn("cluster/*")] },
    { actions: ["ecs:DescribeServices"], resources: [ecsArn("service/*/*")] },
    // EC2 cluster capacity: container instances, their running tasks, the clusters' capacity providers.
    { actions: ["ecs:DescribeContainerInstances"], resources: [ecsArn("container-instance/*/*")] },
    {
      actions: ["ecs:ListTasks"],
      resources: ["*"],
      conditions: [{ test: "ArnLike", variable: "ecs:cluster", values: [ecsArn("cluster/*")] }],
    },
    { actions: ["ecs:DescribeTasks"], resources: [ecsArn("task/*/*")] },
    { actions: ["ecs:DescribeCapacityProviders"], resources: [ecsArn("capacity-provider/*")] },
    // Graviton: the platforms of the services' images (image index / manifest list).
    {
      actions: ["ecr:BatchGetImage"],
      resources: [$interpolate`arn:aws:ecr:${region}:${account}:repository/*`],
    },
    // Applying a step down rolls out a copied revision the way the redeploy flow does.
    ...rollOutPermissions(),
  ],
});
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "rightsize")) scheduleJob(job, rightsizeFunction);
