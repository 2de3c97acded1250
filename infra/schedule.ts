import { ECS_SERVICE_TAG_CHANGES, SCHEDULED_JOBS } from "../core/events/index.ts";
import { SLACK_POST_SECONDS, timeoutFor } from "./budgets.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import { flowFunctionArgs } from "./shared.ts";

/**
 * Budget: the reconcile reads (for 2,000 services: 200 DescribeServices, 40 DescribeScalableTargets,
 * 20 BatchGetItem; the 300-service run makes 36 calls when nothing changed) and writes only what
 * drifted, 240 s; then its messages: the run's summary and each newly invalid schedule (told once
 * a month), budgeted at three posts. A run that does not finish is retried by Lambda and is
 * idempotent: it writes only what still differs.
 */
const timeout = timeoutFor("Schedule", { reconcile: 240, slack: 3 * SLACK_POST_SECONDS });

/**
 * Scheduled scaling: per-service schedules reconciled into Application Auto Scaling scheduled
 * actions every 15 minutes and whenever a service's tags change.
 */
export const scheduleFunction = new sst.aws.Function("Schedule", {
  ...flowFunctionArgs("schedule", timeout),
  handler: "functions/schedule.handler",
  description: "ecs-autopilot: reconcile service schedules into Application Auto Scaling",
});
subscribe(ECS_SERVICE_TAG_CHANGES, scheduleFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "schedule")) scheduleJob(job, scheduleFunction);
