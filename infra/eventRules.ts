import type { EventRule, ScheduledJob } from "../core/events/index.ts";
import { EVENTBRIDGE_RETRY_SECONDS } from "../core/state/redriveHorizon.ts";
import { account, deadLetters, region } from "./shared.ts";

/** The default bus, where AWS services publish their events. */
export const defaultBus = sst.aws.Bus.get("Default", "default");

/** SST's pattern shape from a rule in core/events (the same pattern the tests and sandbox use). */
export function busPattern(rule: EventRule) {
  const { source, "detail-type": detailType, detail, ...rest } = rule.pattern;
  if (Object.keys(rest).length > 0)
    throw new Error(`rule ${rule.name}: SST subscriptions only match source, detail-type and detail`);
  return {
    ...(source ? { source: [...(source as readonly string[])] } : {}),
    ...(detailType ? { detailType: [...(detailType as readonly string[])] } : {}),
    ...(detail ? { detail: detail as Record<string, unknown> } : {}),
  };
}

/**
 * Subscribes a function to a rule on the default bus. EventBridge retries delivery for up to a
 * day; what it still cannot deliver lands in the DLQ.
 */
export function subscribe(rule: EventRule, fn: sst.aws.Function) {
  return defaultBus.subscribe(`${rule.name}`, fn.arn, {
    pattern: busPattern(rule),
    transform: {
      rule: (args: aws.cloudwatch.EventRuleArgs) => {
        args.description = rule.description;
      },
      target: (args: aws.cloudwatch.EventTargetArgs) => {
        args.retryPolicy = { maximumEventAgeInSeconds: EVENTBRIDGE_RETRY_SECONDS, maximumRetryAttempts: 185 };
        args.deadLetterConfig = { arn: deadLetters.arn };
      },
    },
  });
}

/**
 * Runs a scheduled job on EventBridge Scheduler. The Scheduler fills in its context attributes,
 * so the function receives a "Scheduled Event" shaped like an EventBridge rule's.
 */
export function scheduleJob(job: ScheduledJob, fn: sst.aws.Function) {
  return new sst.aws.CronV2(job.name, {
    schedule: job.schedule as `rate(${string})` | `cron(${string})`,
    function: fn.arn,
    retries: 2,
    dlq: deadLetters.arn,
    event: {
      version: "0",
      id: "<aws.scheduler.execution-id>",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account,
      time: "<aws.scheduler.scheduled-time>",
      region,
      resources: ["<aws.scheduler.schedule-arn>"],
      detail: {},
    },
  });
}
