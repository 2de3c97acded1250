import {
  flowFunctionArgs,
  NOTIFY_BATCH,
  NOTIFY_TIMEOUT_SECONDS,
  outbox,
  routeSecrets,
  slackWebhookUrl,
} from "./shared.ts";

/**
 * Posts the Slack outbox: each message once (a lease per message in the state table), and what
 * Slack does not take stays queued for the next receive (partial batch responses).
 * Budget: {@link NOTIFY_BATCH} messages × one post's worst case (110 s) + 30 s of leases.
 */
export const notifyFunction = new sst.aws.Function("Notify", {
  ...flowFunctionArgs("notify", NOTIFY_TIMEOUT_SECONDS),
  handler: "functions/notify.handler",
  description: "ecs-autopilot: post the Slack outbox, each message once",
  link: [slackWebhookUrl, ...routeSecrets],
  // The queue redelivers what failed; a Lambda retry on top would post twice as often.
  retries: 0,
});

outbox.subscribe(notifyFunction.arn, { batch: { size: NOTIFY_BATCH, partialResponses: true } });
