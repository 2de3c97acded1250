import { timeoutFor } from "./budgets.ts";
import { flowFunctionArgs, outbox, routeSecrets, slackWebhookUrl } from "./shared.ts";

/** Messages per invocation (the outbox subscription's batch). */
const BATCH = 5;

/**
 * Budget: at most 5 messages per batch, each within the runtime's SLACK_BUDGET (2 attempts of
 * 5 s, at most 2 s apart: 12 s, runtime/runtime.ts) = 60 s, and 30 s for the state-table leases.
 * The outbox queue's visibility timeout (9 minutes, infra/shared.ts) is six times that, as AWS
 * advises for SQS event sources (and Lambda refuses one shorter than the function's timeout).
 */
const timeout = timeoutFor("Notify", { posts: BATCH * 12, leases: 30 });

/** Posts the Slack outbox, each message once; what Slack does not take stays queued (partial batch responses). */
export const notifyFunction = new sst.aws.Function("Notify", {
  ...flowFunctionArgs("notify", timeout),
  handler: "functions/notify.handler",
  description: "ecs-autopilot: post queued Slack messages, each once",
  // Every channel's secret: the Monitor's routes are posted here too.
  link: [slackWebhookUrl, ...routeSecrets],
  // The queue redelivers what failed; a Lambda retry on top would post twice as often.
  retries: 0,
});

outbox.subscribe(notifyFunction.arn, { batch: { size: BATCH, partialResponses: true } });
