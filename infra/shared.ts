import { type AutopilotFunction, permissionStatements, renderTemplate } from "../core/iam/index.ts";
import { LOG_INSTEAD, SLACK_POST_WORST_CASE_MS, webhookTarget } from "../core/notify/index.ts";
import { config, stageActs, stored } from "./config.ts";

/** Whether this stage acts on the account (README, "Stages"); every other stage runs in dry-run. */
export const acting = stageActs($app.stage);

export const account = aws.getCallerIdentityOutput().accountId;
export const region = aws.getRegionOutput().name;
export const partition = aws.getPartitionOutput().partition;

/**
 * A Slack webhook secret. Its placeholder `none` means "write messages to the log", so `sst
 * deploy` works before any webhook is set (an `sst.Secret` without a value or placeholder fails
 * the deploy: SecretMissingError in SST's secret.ts). A value that is neither `none` nor an
 * http(s) URL fails `sst deploy` here, naming the secret and never quoting the value.
 */
function webhookSecret(name: string) {
  const secret = new sst.Secret(name, LOG_INSTEAD);
  const checked = secret.value.apply((value) => webhookTarget(name, value).kind);
  return { secret, checked };
}

/** The default channel: `npx sst secret set SlackWebhookUrl https://hooks.slack.com/services/… --stage production`. */
const slack = webhookSecret("SlackWebhookUrl");
export const slackWebhookUrl = slack.secret;

/**
 * One secret per Slack route in the config's `monitor.routes` (linked to the Monitor function):
 * `npx sst secret set SlackWebhookUrlPayments https://hooks.slack.com/… --stage production`.
 */
const routes = [...new Set(config.monitor.routes.map((route) => route.webhook))]
  .filter((name) => name !== "SlackWebhookUrl")
  .map(webhookSecret);
export const routeSecrets = routes.map((r) => r.secret);

/**
 * One table for ecs-autopilot's state (layout: core/state/keys.ts). Records that only prevent
 * duplicates expire through TTL. The acting stage's table has DynamoDB deletion protection (a
 * DeleteTable fails until it is switched off) on top of SST's `removal: "retain"` and `protect`.
 */
export const stateTable = new sst.aws.Dynamo("AutopilotState", {
  fields: { pk: "string", sk: "string" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  ttl: "expiration",
  transform: {
    table: (args: aws.dynamodb.TableArgs) => {
      args.pointInTimeRecovery = { enabled: true };
      args.serverSideEncryption = { enabled: true };
      args.deletionProtectionEnabled = acting;
    },
  },
});

/** Events no flow could process: invalid payloads (with the reason) and invocations that failed every retry. */
export const deadLetters = new sst.aws.Queue("AutopilotDeadLetters", {
  transform: {
    queue: (args: aws.sqs.QueueArgs) => {
      args.messageRetentionSeconds = 14 * 24 * 60 * 60;
      args.sqsManagedSseEnabled = true;
    },
  },
});

/** Slack messages the Notify function could not post after every receive (`ecs-autopilot dlq`). */
export const outboxDeadLetters = new sst.aws.Queue("SlackOutboxDeadLetters", {
  transform: {
    queue: (args: aws.sqs.QueueArgs) => {
      args.messageRetentionSeconds = 14 * 24 * 60 * 60;
      args.sqsManagedSseEnabled = true;
    },
  },
});

/** One Slack post's worst case, retries included (core/notify/SlackWebhook.ts): 110 s. */
const SLACK_POST_SECONDS = SLACK_POST_WORST_CASE_MS / 1000;

/**
 * The Notify function's batch and timeout (infra/notify.ts): five messages, each posted with its
 * whole retry budget, and 30 s for their state-table leases.
 */
export const NOTIFY_BATCH = 5;
export const NOTIFY_TIMEOUT_SECONDS = NOTIFY_BATCH * SLACK_POST_SECONDS + 30;

/**
 * The Slack outbox: every flow queues its messages here (runtime/deliver.ts) and the Notify
 * function posts them, so a Slack outage neither loses a message nor holds up a flow. Lambda
 * refuses an SQS event source whose queue's visibility timeout is shorter than the function's
 * timeout; AWS recommends six times it (Lambda Developer Guide, "Using Lambda with Amazon SQS").
 * A message Slack refused five receives in a row goes to {@link outboxDeadLetters}.
 */
export const outbox = new sst.aws.Queue("SlackOutbox", {
  visibilityTimeout: `${6 * NOTIFY_TIMEOUT_SECONDS} seconds`,
  dlq: { queue: outboxDeadLetters.arn, retry: 5 },
  transform: {
    queue: (args: aws.sqs.QueueArgs) => {
      args.sqsManagedSseEnabled = true;
    },
  },
});

/** EventBridge may only drop undeliverable events into the DLQ when the queue allows it. */
new aws.sqs.QueuePolicy("AutopilotDeadLettersPolicy", {
  queueUrl: deadLetters.url,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: deadLetters.arn,
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      },
    ],
  }),
});

/**
 * The central config in SSM as `ecs-autopilot-<stage>-config` (the name the README gives), its
 * tier fitted to its size: minified in the Standard tier (4,096 characters), compressed when
 * larger, in the Advanced tier (8,192) only when compressed it still needs it (infra/config.ts).
 */
export const configParameterName = `ecs-autopilot-${$app.stage}-config`;
export const configParameter = new aws.ssm.Parameter("AutopilotConfig", {
  name: configParameterName,
  type: "String",
  tier: stored.tier,
  value: stored.value,
  description: `ecs-autopilot central configuration, validated at deploy${stored.compressed ? " (gzip+base64)" : ""}`,
});

/** The IAM statements of one function (core/iam), rendered for this stack: SST's `permissions`. */
export function permissionsFor(fn: AutopilotFunction) {
  const values = $resolve({
    partition,
    region,
    account,
    stateTable: stateTable.name,
    deadLetterQueue: deadLetters.nodes.queue.name,
    configParameter: configParameter.name,
    outboxQueue: outbox.nodes.queue.name,
  });
  return permissionStatements(fn, { acting, passRoles: config.deploy.passRoles }).map((s) => ({
    actions: [...s.actions],
    resources: s.resources.map((template) => values.apply((v) => renderTemplate(template, v))),
    ...(s.conditions
      ? {
          conditions: s.conditions.map((c) => ({
            test: c.test,
            variable: c.variable,
            values: [...c.values],
          })),
        }
      : {}),
  }));
}

/**
 * What every function shares: runtime, logging, state, DLQ, config, its stage mode, its
 * permissions (core/iam) and how long it may run. `timeoutSeconds` must cover the function's
 * worst case, retries included; each infra file states that budget beside it.
 */
export function flowFunctionArgs(fn: AutopilotFunction, timeoutSeconds: number) {
  return {
    runtime: "nodejs22.x" as const,
    architecture: "arm64" as const,
    memory: "512 MB" as const,
    timeout: `${timeoutSeconds} seconds` as const,
    logging: { retention: "1 month" as const, format: "json" as const },
    // Lambda retries a failed asynchronous invocation twice; right-sizing opts out.
    retries: 2,
    environment: {
      AUTOPILOT_STATE_TABLE: stateTable.name,
      AUTOPILOT_DEAD_LETTER_QUEUE_URL: deadLetters.url,
      AUTOPILOT_CONFIG_PARAMETER: configParameter.name,
      AUTOPILOT_OUTBOX_QUEUE_URL: outbox.url,
      AUTOPILOT_STAGE: $app.stage,
      // runtime/runtime.ts: anything but "act" plans and changes nothing.
      AUTOPILOT_MODE: acting ? "act" : "dry-run",
      // Consumes the deploy-time check of the default webhook secret (its kind: slack or log).
      AUTOPILOT_NOTIFY: slack.checked,
      POWERTOOLS_SERVICE_NAME: "ecs-autopilot",
      POWERTOOLS_LOG_LEVEL: "INFO",
      AUTOPILOT_FLOW: fn,
    },
    link: [slackWebhookUrl],
    permissions: permissionsFor(fn),
    transform: {
      // After its retries, a failed asynchronous invocation goes to the DLQ with its event.
      eventInvokeConfig: {
        maximumEventAgeInSeconds: 6 * 60 * 60,
        destinationConfig: { onFailure: { destination: deadLetters.arn } },
      },
    },
  };
}

/** The route secrets' deploy-time checks, for the Monitor function's environment. */
export const routeSecretsChecked = $resolve(routes.map((r) => r.checked)).apply((kinds) => kinds.join(","));
