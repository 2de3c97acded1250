import { flowFunctionArgs, outbox, sharedPermissions } from "./shared.ts";

/**
 * Posts the Slack outbox, each message once. Timeout: at most 5 messages per batch, each within
 * the runtime's SLACK_BUDGET (2 attempts of 5 s, at most 2 s apart: 12 s) = 60 s; 90 s leaves
 * room for the state-table reads and writes. The queue's visibility
 * timeout (9 minutes) is six times that, as AWS advises for SQS event sources.
 */
export const notifyFunction = new sst.aws.Function("Notify", {
  ...flowFunctionArgs("notify"),
  handler: "functions/notify.handler",
  description: "ecs-autopilot: post queued Slack messages, each once",
  timeout: "90 seconds",
  permissions: [...sharedPermissions()],
});

outbox.subscribe(notifyFunction.arn, { batch: { size: 5, partialResponses: true } });
