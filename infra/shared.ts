import { type AutopilotFunction, permissionStatements, renderTemplate } from "../core/iam/index.ts";
import { LOG_INSTEAD, webhookTarget } from "../core/notify/index.ts";
import { DEAD_LETTER_RETENTION_SECONDS, LAMBDA_RETRY_SECONDS } from "../core/state/redriveHorizon.ts";
import { config, stageActs, stored } from "./config.ts";

/** Whether this stage acts on the account (README, "Stages"); every other stage runs in dry-run. */
export const acting = stageActs($app.stage);

export const account = aws.getCallerIdentityOutput().accountId;
export const region = aws.getRegionOutput().name;
export const partition = aws.getPartitionOutput().partition;

/**
 * A Slack secret: an incoming-webhook URL, or a bot token and its channel as
 * `{"token":"xoxb-…","channel":"C…"}` (the Web API, which reads the channel back so that a lost
 * reply shows a message once: core/notify/SlackApi.ts). Its placeholder `none` means "write
 * messages to the log", so `sst deploy` works before any webhook is set (an `sst.Secret` without a
 * value or placeholder fails the deploy: SecretMissingError in SST's secret.ts). A value that is
 * none of these fails `sst deploy` here, naming the secret and never quoting the value.
 */
function webhookSecret(name: string) {
  const secret = new sst.Secret(name, LOG_INSTEAD);
  const checked = secret.value.apply((value) => webhookTarget(name, value).kind);
  return { secret, checked };
}

/**
 * The default channel: `npx sst secret set SlackWebhookUrl https://hooks.slack.com/services/… --stage production`,
 * or `npx sst secret set SlackWebhookUrl '{"token":"xoxb-…","channel":"C0123ABCD"}' --stage production`.
 */
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
  // Generic key names: every record kind shares the table, its prefix in pk says which
  // (core/state/keys.ts builds every key; nothing else spells one).
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
      args.messageRetentionSeconds = DEAD_LETTER_RETENTION_SECONDS;
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
 * Alarms of ecs-autopilot (a dead-letter queue that is not empty): subscribe an address to it,
 * `aws sns subscribe --topic-arn <alarmTopic> --protocol email --notification-endpoint you@example.com`.
 */
export const alarmTopic = new aws.sns.Topic("AutopilotAlarms", {});

/** An alarm as soon as a dead-letter queue holds a message: something needs a person. */
export function alarmOnDepth(name: string, queue: sst.aws.Queue) {
  return new aws.cloudwatch.MetricAlarm(`${name}Alarm`, {
    alarmDescription: `ecs-autopilot: messages wait in ${name}; \`npx ecs-autopilot dlq list\` shows them`,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [alarmTopic.arn],
    okActions: [alarmTopic.arn],
  });
}
alarmOnDepth("AutopilotDeadLetters", deadLetters);

/** Slack messages that could not be posted after every receive of the outbox: `ecs-autopilot dlq redrive notify`. */
export const outboxDeadLetters = new sst.aws.Queue("AutopilotOutboxDeadLetters", {
  transform: {
    queue: (args: aws.sqs.QueueArgs) => {
      args.messageRetentionSeconds = DEAD_LETTER_RETENTION_SECONDS;
      args.sqsManagedSseEnabled = true;
    },
  },
});
alarmOnDepth("AutopilotOutboxDeadLetters", outboxDeadLetters);

/**
 * The Slack outbox: every flow queues its messages here and goes on; the Notify function posts
 * them. A message Slack does not take becomes visible again after the visibility timeout (which
 * must cover the Notify function's timeout) and is tried up to 100 times — about 15 hours of
 * Slack outage at 9 minutes apart — before it lands in the outbox's DLQ.
 */
export const outbox = new sst.aws.Queue("AutopilotSlackOutbox", {
  visibilityTimeout: "9 minutes",
  dlq: { queue: outboxDeadLetters.arn, retry: 100 },
  transform: {
    queue: (args: aws.sqs.QueueArgs) => {
      args.messageRetentionSeconds = 4 * 24 * 60 * 60;
      args.sqsManagedSseEnabled = true;
    },
  },
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
            // Condition values may be ARN templates too (ecs:cluster).
            values: c.values.map((template) => values.apply((v) => renderTemplate(template, v))),
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
      AUTOPILOT_OUTBOX_QUEUE_URL: outbox.url,
      AUTOPILOT_CONFIG_PARAMETER: configParameter.name,
      AUTOPILOT_STAGE: $app.stage,
      // runtime/runtime.ts: anything but "act" plans and changes nothing.
      AUTOPILOT_MODE: acting ? "act" : "dry-run",
      // Consumes the deploy-time check of the default Slack secret (its kind: slack, slack-api or log).
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
        maximumEventAgeInSeconds: LAMBDA_RETRY_SECONDS,
        destinationConfig: { onFailure: { destination: deadLetters.arn } },
      },
    },
  };
}

/** The route secrets' deploy-time checks, for the Monitor function's environment. */
export const routeSecretsChecked = $resolve(routes.map((r) => r.checked)).apply((kinds) => kinds.join(","));
