import { timeoutFor } from "./budgets.ts";
import { flowFunctionArgs, outbox, routeSecrets, slackWebhookUrl } from "./shared.ts";

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
