import {
  ECS_CONTAINER_INSTANCE_STATE_CHANGE,
  ECS_DEPLOYMENT_STATE_CHANGE,
  ECS_SERVICE_ACTION,
  ECS_TASK_STATE_CHANGE,
} from "../core/events/index.ts";
import { subscribe } from "./eventRules.ts";
import { account, config, flowFunctionArgs, region, sharedPermissions } from "./shared.ts";

/**
 * One secret per Slack route in the config's `monitor.routes`
 * (`npx sst secret set SlackWebhookUrlPayments https://hooks.slack.com/…`).
 */
const routeSecrets = [...new Set(config.monitor.routes.map((route) => route.webhook))]
  .filter((name) => name !== "SlackWebhookUrl")
  .map((name) => new sst.Secret(name));

/**
 * Monitoring: task stops, crash loops, failed deployments and placement failures, told once.
 * Reads only: the service and task definition for links and images, ECR for missing images.
 */
export const monitorFunction = new sst.aws.Function("Monitor", {
  ...flowFunctionArgs("monitor"),
  handler: "functions/monitor.handler",
  description: "ecs-autopilot: classify ECS task stops, deployments and service actions; tell Slack once",
  timeout: "30 seconds",
  link: [...flowFunctionArgs("monitor").link, ...routeSecrets],
  permissions: [
    ...sharedPermissions(),
    {
      actions: ["ecs:DescribeServices"],
      resources: [$interpolate`arn:aws:ecs:${region}:${account}:service/*/*`],
    },
    // A draining container instance: which tasks it still runs. ListTasks is authorised on "*"
    // narrowed by the ecs:cluster condition (a container-instance ARN is not what it is checked against).
    {
      actions: ["ecs:ListTasks"],
      resources: ["*"],
      conditions: [
        {
          test: "ArnLike",
          variable: "ecs:cluster",
          values: [$interpolate`arn:aws:ecs:${region}:${account}:cluster/*`],
        },
      ],
    },
    {
      actions: ["ecs:DescribeTasks"],
      resources: [$interpolate`arn:aws:ecs:${region}:${account}:task/*/*`],
    },
    // DescribeTaskDefinition has no resource-level permission in IAM.
    { actions: ["ecs:DescribeTaskDefinition"], resources: ["*"] },
    {
      actions: ["ecr:DescribeImages"],
      resources: [$interpolate`arn:aws:ecr:${region}:${account}:repository/*`],
    },
  ],
});

for (const rule of [
  ECS_TASK_STATE_CHANGE,
  ECS_DEPLOYMENT_STATE_CHANGE,
  ECS_SERVICE_ACTION,
  ECS_CONTAINER_INSTANCE_STATE_CHANGE,
])
  subscribe(rule, monitorFunction);
