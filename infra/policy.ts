import { ECS_TASK_DEFINITION_CHANGES, SCHEDULED_JOBS } from "../core/events/index.ts";
import { SLACK_POST_SECONDS, timeoutFor } from "./budgets.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import { flowFunctionArgs } from "./shared.ts";

/**
 * Budget: the daily audit reads every revision in use (for 2,000 services: 200 DescribeServices,
 * ListTasks and DescribeTasks per cluster, up to 2,000 DescribeTaskDefinition five at a time),
 * 480 s; then one Slack message. A CloudTrail event is a handful of calls and one message.
 */
const timeout = timeoutFor("Policy", { audit: 480, slack: SLACK_POST_SECONDS });

/**
 * Task-definition policy in the account: every RegisterTaskDefinition, CreateService and
 * UpdateService (audit: report and tag; enforce: deregister and roll back), and a daily audit of
 * revisions, services, clusters and capacity providers (reported only).
 */
export const policyFunction = new sst.aws.Function("Policy", {
  ...flowFunctionArgs("policy", timeout),
  handler: "functions/policy.handler",
  description: "ecs-autopilot: check task definitions against the policy; audit or enforce",
});
subscribe(ECS_TASK_DEFINITION_CHANGES, policyFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "policy")) scheduleJob(job, policyFunction);
