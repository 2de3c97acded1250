import { SCHEDULED_JOBS } from "../core/events/index.ts";
import { SLACK_POST_SECONDS, timeoutFor } from "./budgets.ts";
import { scheduleJob } from "./eventRules.ts";
import { flowFunctionArgs } from "./shared.ts";

/**
 * Budget of the weekly run for 2,000 services: the fleet's reads (200 DescribeServices, up to
 * 2,000 DescribeTaskDefinition, the EC2 clusters' container instances and tasks, image platforms,
 * Compute Optimizer's view) and 14 days of 5-minute CloudWatch usage, read in batches of
 * services so that memory holds one batch, not the fleet (core/rightsize/collectUsage.ts;
 * `npm run bench` measures the fetch and profile of 2,000 services), 600 s; the step-downs and one
 * Slack message. Lambda's 900 s maximum is the ceiling.
 */
const timeout = timeoutFor("Rightsize", { analysis: 600, apply: 60, slack: SLACK_POST_SECONDS });

/**
 * Right-sizing: weekly, every service's CloudWatch usage → the cheapest safe size and launch type,
 * a Slack summary, and one step down for services tagged `autopilot:rightsize=apply`.
 */
export const rightsizeFunction = new sst.aws.Function("Rightsize", {
  ...flowFunctionArgs("rightsize", timeout),
  description: "ecs-autopilot: weekly right-sizing of ECS services (EC2 vs Fargate, with $/month)",
  handler: "functions/rightsize.handler",
  memory: "1024 MB",
  // Never retried blindly: a failure after a step-down (the Slack post, say) would otherwise run
  // the week again. The step-down itself is claimed once per service and ISO week in the state
  // table (core/rightsize/applyRightsize.ts), so a manual re-run is safe too.
  retries: 0,
});
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "rightsize")) scheduleJob(job, rightsizeFunction);
