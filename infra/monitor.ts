import {
  ECS_CONTAINER_INSTANCE_STATE_CHANGE,
  ECS_DEPLOYMENT_STATE_CHANGE,
  ECS_SERVICE_ACTION,
  ECS_TASK_STATE_CHANGE,
  SCHEDULED_JOBS,
} from "../core/events/index.ts";
import { SLACK_POST_SECONDS, timeoutFor } from "./budgets.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import { flowFunctionArgs, routeSecrets, routeSecretsChecked, slackWebhookUrl } from "./shared.ts";

/**
 * Budget of one event: at most one Slack message (core/monitor/monitorEvent.ts returns one per
 * event), so one post's worst case, plus its reads — one DescribeServices, one
 * DescribeTaskDefinition, one ECR DescribeImages and about ten state-table calls — for which
 * 60 s leaves each SDK call several retries. 30 s was shorter than the Slack budget alone: the
 * invocation timed out, Lambda retried it, and the stop was counted again.
 */
const timeout = timeoutFor("Monitor", { slack: SLACK_POST_SECONDS, reads: 60 });

/**
 * Monitoring: task stops, crash loops, failed deployments, placement failures and draining
 * container instances, told once; every 5 minutes the sweep re-checks agents remembered as
 * disconnected. Reads only (core/iam): the service, task definition and tasks for links, images
 * and what a draining instance still runs; container instances for the sweep; ECR for missing images.
 */
const args = flowFunctionArgs("monitor", timeout);
export const monitorFunction = new sst.aws.Function("Monitor", {
  ...args,
  handler: "functions/monitor.handler",
  description: "ecs-autopilot: classify ECS task stops, deployments and service actions; tell Slack once",
  link: [slackWebhookUrl, ...routeSecrets],
  environment: {
    ...args.environment,
    AUTOPILOT_ROUTES_CHECKED: routeSecretsChecked,
  },
});

for (const rule of [
  ECS_TASK_STATE_CHANGE,
  ECS_DEPLOYMENT_STATE_CHANGE,
  ECS_SERVICE_ACTION,
  ECS_CONTAINER_INSTANCE_STATE_CHANGE,
])
  subscribe(rule, monitorFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "monitor")) scheduleJob(job, monitorFunction);
