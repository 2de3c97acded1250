import { readFileSync } from "node:fs";
import { parseValidConfig } from "../core/validateConfig.ts";

/** The Slack incoming-webhook URL: `npx sst secret set SlackWebhookUrl https://hooks.slack.com/services/…`. */
export const slackWebhookUrl = new sst.Secret("SlackWebhookUrl");

/**
 * One table for ecs-autopilot's state: the repository → services index and idempotency records
 * (layout: core/aws/state.ts). Records that only prevent duplicates expire through TTL.
 */
export const stateTable = new sst.aws.Dynamo("AutopilotState", {
  fields: { pk: "string", sk: "string" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  ttl: "expiration",
  transform: {
    table: (args: aws.dynamodb.TableArgs) => {
      args.pointInTimeRecovery = { enabled: true };
      args.serverSideEncryption = { enabled: true };
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
        Condition: { StringEquals: { "aws:SourceAccount": aws.getCallerIdentityOutput().accountId } },
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
      args.messageRetentionSeconds = 14 * 24 * 60 * 60;
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
 * The central config: `autopilot.config.json` next to sst.config.ts when present, validated here
 * (schema and the flows' languages: tag policies, globs, schedules, holidays, rule ids and
 * parameters) so that a bad config fails `sst deploy` with its JSON path instead of the first
 * push; stored in SSM.
 */
function readConfigFile(): string {
  try {
    return readFileSync("autopilot.config.json", "utf8");
  } catch {
    return "{}";
  }
}
const configText = readConfigFile();
export const config = parseValidConfig(configText, "autopilot.config.json");
export const configParameter = new aws.ssm.Parameter("AutopilotConfig", {
  type: "String",
  tier: "Standard",
  value: configText,
  description: "ecs-autopilot central configuration (validated at deploy)",
});

export const account = aws.getCallerIdentityOutput().accountId;
export const region = aws.getRegionOutput().name;

/** What every flow function shares: runtime, logging, state, DLQ, config. */
export function flowFunctionArgs(flow: string) {
  return {
    runtime: "nodejs22.x" as const,
    architecture: "arm64" as const,
    memory: "512 MB" as const,
    logging: { retention: "1 month" as const, format: "json" as const },
    retries: 2,
    environment: {
      AUTOPILOT_STATE_TABLE: stateTable.name,
      AUTOPILOT_DEAD_LETTER_QUEUE_URL: deadLetters.url,
      AUTOPILOT_OUTBOX_QUEUE_URL: outbox.url,
      AUTOPILOT_CONFIG_PARAMETER: configParameter.name,
      POWERTOOLS_SERVICE_NAME: "ecs-autopilot",
      POWERTOOLS_LOG_LEVEL: "INFO",
      AUTOPILOT_FLOW: flow,
    },
    link: [slackWebhookUrl],
    transform: {
      // After its retries, a failed asynchronous invocation goes to the DLQ with its event.
      eventInvokeConfig: {
        maximumEventAgeInSeconds: 6 * 60 * 60,
        destinationConfig: { onFailure: { destination: deadLetters.arn } },
      },
    },
  };
}

/** The IAM statements every flow needs for its state, its DLQ and its config. */
export function sharedPermissions() {
  return [
    {
      actions: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:TransactWriteItems",
      ],
      resources: [stateTable.arn],
    },
    // Invalid events go to the DLQ; Slack messages go to the outbox.
    { actions: ["sqs:SendMessage"], resources: [deadLetters.arn, outbox.arn] },
    { actions: ["ssm:GetParameter"], resources: [configParameter.arn] },
  ];
}

/** An ECS ARN in this account and region, e.g. `ecsArn("cluster/*")`. */
export const ecsArn = (resource: string) => $interpolate`arn:aws:ecs:${region}:${account}:${resource}`;

/**
 * What rolling out a copied revision needs (the redeploy flow's `rollOut`, used by redeploy and
 * right-sizing): register it (and deregister it if the update fails), tag it at registration,
 * update the service, and pass the task and execution roles it names.
 */
export function rollOutPermissions() {
  return [
    // RegisterTaskDefinition and DeregisterTaskDefinition have no resource-level permissions.
    { actions: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"], resources: ["*"] },
    // Tags on the new revision (autopilot:…) are written by RegisterTaskDefinition itself.
    {
      actions: ["ecs:TagResource"],
      resources: [ecsArn("task-definition/*:*")],
      conditions: [
        { test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] },
      ],
    },
    { actions: ["ecs:UpdateService"], resources: [ecsArn("service/*/*")] },
    // The copied revision names the same task and execution roles; ECS requires PassRole for them.
    {
      actions: ["iam:PassRole"],
      resources: ["*"],
      conditions: [
        { test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] },
      ],
    },
  ];
}
