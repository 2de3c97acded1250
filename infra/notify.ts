import { timeoutFor } from "./budgets.ts";
import { alarmTopic, flowFunctionArgs, outbox, routeSecrets, slackWebhookUrl } from "./shared.ts";

/** Messages per invocation (the outbox subscription's batch). */
const BATCH = 5;

/**
 * Budget: at most 5 messages per batch, each within the runtime's SLACK_BUDGET (2 attempts of
 * 5 s, at most 2 s apart: 12 s, runtime/runtime.ts; with a bot token its read-backs of the
 * channel count against the same 12 s) = 60 s, and 30 s for the state-table leases.
 * The outbox queue's visibility timeout (9 minutes, infra/shared.ts) is six times that, as AWS
 * advises for SQS event sources (and Lambda refuses one shorter than the function's timeout).
 */
const timeout = timeoutFor("Notify", { posts: BATCH * 12, leases: 30 });

/**
 * Only the outbox's event source mapping invokes this function, synchronously: what failed is
 * redelivered by the queue and lands in the outbox's own DLQ. So no asynchronous retries and no
 * on-failure destination (SST creates neither without `retries`): Lambda checks a destination
 * against the role when it is configured ("The function's execution role does not have
 * permissions to call SendMessage"), and this role has no statement for the flows' DLQ.
 */
const {
  retries: _noAsyncRetries,
  transform: _noFailureDestination,
  ...args
} = flowFunctionArgs("notify", timeout);

/** Posts the Slack outbox, each message once; what Slack does not take stays queued (partial batch responses). */
export const notifyFunction = new sst.aws.Function("Notify", {
  ...args,
  handler: "functions/notify.handler",
  description: "ecs-autopilot: post queued Slack messages, each once",
  // Every channel's secret: the Monitor's routes are posted here too.
  link: [slackWebhookUrl, ...routeSecrets],
});

outbox.subscribe(notifyFunction.arn, { batch: { size: BATCH, partialResponses: true } });

/**
 * An alarm on Notify's ERROR log lines: Slack refusing a channel's secret (a revoked token, the app
 * not in the channel, a missing scope), an invalid outbox message, a post it could not remember.
 * The outbox's DLQ alarm would only fire after about 15 hours of retries, and SQS's
 * ApproximateAgeOfOldestMessage leaves out messages received 3 times or more (SQS Developer Guide,
 * "Available CloudWatch metrics for Amazon SQS"), so an age alarm would never fire at 9-minute
 * receives. A Slack outage (5xx, no answer) logs WARN and is left to the retries.
 */
const notifyErrors = new aws.cloudwatch.LogMetricFilter("NotifyErrors", {
  logGroupName: notifyFunction.nodes.logGroup.apply(
    (group) => group?.name ?? $interpolate`/aws/lambda/${notifyFunction.name}`,
  ),
  // Powertools' logger writes JSON lines with "level": "ERROR".
  pattern: '{ $.level = "ERROR" }',
  metricTransformation: { namespace: "ecs-autopilot", name: `NotifyErrors-${$app.stage}`, value: "1" },
});

export const notifyErrorAlarm = new aws.cloudwatch.MetricAlarm("AutopilotNotifyErrorAlarm", {
  alarmDescription:
    "ecs-autopilot: the Notify function logged an ERROR (Slack refuses a channel's secret, or a message could not be handled); its log says which and what to fix",
  namespace: "ecs-autopilot",
  metricName: notifyErrors.metricTransformation.name,
  statistic: "Sum",
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  alarmActions: [alarmTopic.arn],
  okActions: [alarmTopic.arn],
});
