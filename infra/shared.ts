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
        "dynamodb:BatchWriteItem",
      ],
      resources: [stateTable.arn],
    },
    { actions: ["sqs:SendMessage"], resources: [deadLetters.arn] },
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
