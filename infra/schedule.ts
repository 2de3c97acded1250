import { ECS_SERVICE_TAG_CHANGES, SCHEDULED_JOBS } from "../core/events/index.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import { account, flowFunctionArgs, region, sharedPermissions } from "./shared.ts";

/**
 * Scheduled scaling: per-service schedules reconciled into Application Auto Scaling scheduled
 * actions every 15 minutes and whenever a service's tags change.
 */
export const scheduleFunction = new sst.aws.Function("Schedule", {
  ...flowFunctionArgs("schedule"),
  handler: "functions/schedule.handler",
  description: "ecs-autopilot: reconcile service schedules into Application Auto Scaling",
  timeout: "5 minutes",
  permissions: [
    ...sharedPermissions(),
    { actions: ["ecs:ListClusters", "ecs:ListServices"], resources: ["*"] },
    // RegisterScalableTarget on an ECS service needs DescribeServices and UpdateService on it.
    {
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: [$interpolate`arn:aws:ecs:${region}:${account}:service/*/*`],
    },
    // DescribeTaskDefinition (sizes for the savings estimate) has no resource-level permission.
    { actions: ["ecs:DescribeTaskDefinition"], resources: ["*"] },
    {
      actions: [
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScheduledActions",
      ],
      resources: ["*"],
    },
    {
      actions: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:PutScheduledAction",
        "application-autoscaling:DeleteScheduledAction",
      ],
      resources: [$interpolate`arn:aws:application-autoscaling:${region}:${account}:scalable-target/*`],
    },
    // The first RegisterScalableTarget of the account creates Application Auto Scaling's ECS role.
    {
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [
        $interpolate`arn:aws:iam::${account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*`,
      ],
      conditions: [
        {
          test: "StringEquals",
          variable: "iam:AWSServiceName",
          values: ["ecs.application-autoscaling.amazonaws.com"],
        },
      ],
    },
  ],
});
subscribe(ECS_SERVICE_TAG_CHANGES, scheduleFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "schedule")) scheduleJob(job, scheduleFunction);
