/**
 * What a Lambda entry needs from its environment, read in one place. Deployed, values come from
 * SST links (encrypted into the bundle) and environment variables set in infra/; run locally
 * (`npm start`, `ecs-autopilot invoke`), from plain environment variables.
 */

import type { JSONObject } from "@aws-lambda-powertools/commons/types";
import { search } from "@aws-lambda-powertools/jmespath";
import { Logger } from "@aws-lambda-powertools/logger";
import { Resource } from "sst";
import {
  type AwsClientClasses,
  type AwsClientOptions,
  type AwsClients,
  buildAwsClients,
} from "../core/aws/clients.ts";
import type { AutopilotConfig, ConfigSources } from "../core/config/index.ts";
import { DEFAULT_CHANNEL, type FlowContext, type FlowLog, type FlowResult } from "../core/flow.ts";
import {
  type Notifier,
  SlackApi,
  SlackWebhook,
  TerminalNotifier,
  webhookTarget,
} from "../core/notify/index.ts";
import { StateTable } from "../core/state/index.ts";
import { type Delivery, type DeliveryTargets, deliver, deliverKeptReport } from "./deliver.ts";

/**
 * Whether this deployment acts on the account: `act` for the acting stage (default
 * `production`), `dry-run` for every other stage, which plans and reports but changes nothing
 * (README, "Stages"). infra/ sets `AUTOPILOT_MODE`; anything but `act` is a dry run.
 */
export type StageMode = "act" | "dry-run";

export interface FlowRuntime {
  /** The function this runtime serves (`redeploy`, `monitor`, …): names logs, claims, messages and the scope of its AWS calls. */
  readonly flow: string;
  readonly clients: AwsClients;
  /** How to build any further AWS client the entry needs (right-sizing's CloudWatch and EC2). */
  readonly clientOptions: AwsClientOptions;
  /** The SST stage (`AUTOPILOT_STAGE`), when deployed. */
  readonly stage?: string;
  /** `dry-run` forces every invocation to plan only. */
  readonly mode: StageMode;
  readonly logger: Logger;
  /** The logger as core's {@link FlowLog}. */
  readonly log: FlowLog;
  readonly tableName: string;
  /** The state table (index, claims, monitor state). */
  readonly state: StateTable;
  /** Where events that fail validation go; unset locally, where the error is printed instead. */
  readonly deadLetterQueueUrl?: string;
  readonly notifier: Notifier;
  /** The notifier of a routed channel, by the name of its webhook secret (see monitor routes). */
  notifierFor(webhook: string): Notifier;
  /** The central config, cached for {@link CONFIG_TTL_MS} so an SSM change is picked up without a deploy. */
  config(): Promise<AutopilotConfig>;
  /** The context a flow's core entry runs in: clients, state, the current config, the log. */
  flowContext(options?: { dryRun?: boolean; remainingTimeMs?: () => number }): Promise<FlowContext>;
  /**
   * Delivers a flow's messages (the one shared step: the outbox when deployed), returns its
   * summary with what was sent, and fails when the flow reported a failure. `eventId` (the
   * event's id) makes the messages of a retried event the same messages, posted once — and those
   * of another event different ones, even with the same text.
   */
  deliver<Summary extends object>(
    result: FlowResult<Summary>,
    eventId: string,
  ): Promise<Summary | (Summary & Delivery)>;
  /**
   * Tells what an earlier attempt of this event kept because the outbox did not take it
   * (runtime/deliver.ts, report-keeping flows only): `complete` means that attempt's work was
   * done and `response` answers the event without running the flow again; `told`, that the report
   * was handed over for good (not only shown by a dry run or a local invoke).
   */
  deliverKeptReport(
    eventId: string,
  ): Promise<{ readonly complete: boolean; readonly told: boolean; readonly response: object } | undefined>;
  /** The outbox queue Slack messages go through, when deployed. */
  readonly outboxQueueUrl?: string;
}

export const CONFIG_TTL_MS = 60_000;

/**
 * Per message: 2 attempts of at most 5 s, 0.5 s apart (at most 2 s when Slack asks to wait
 * longer) — 12 s at worst. With a bot token (SlackApi) the read-backs of the channel count
 * against the same 12 s. Deployed, only the Notify function posts (infra/notify.ts budgets its
 * timeout on this); the outbox queue retries for hours beyond it.
 */
export const SLACK_BUDGET = {
  timeoutMs: 5_000,
  maxAttempts: 2,
  baseDelayMs: 500,
  maxDelayMs: 2_000,
} as const;

/** A linked SST resource's property, or undefined when the resource is not linked (local runs). */
function linked(resource: string, property: "value" | "name" | "url"): string | undefined {
  // Resource is typed from the generated sst-env.d.ts, which only exists after `sst dev`/`deploy`.
  const resources = Resource as unknown as Record<string, Record<string, string> | undefined>;
  try {
    return resource in resources ? resources[resource]?.[property] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether Slack messages have somewhere to go: `SLACK_WEBHOOK_URL` (local runs) or the linked
 * default channel secret (deployed, or under `npx sst shell`). The CLI prints messages only when not.
 */
export function slackConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.SLACK_WEBHOOK_URL || linked(DEFAULT_CHANNEL, "value");
  // `none` (log instead) is no target; a malformed value is one, whose post names what is wrong.
  if (!value) return false;
  try {
    return webhookTarget(DEFAULT_CHANNEL, value).kind !== "log";
  } catch {
    return true;
  }
}

export interface RuntimeOverrides {
  readonly clients?: AwsClients;
  /**
   * Without `clients`: the SDK client classes to build them from, only those the function calls
   * (each Lambda entry passes its own; see AwsClientClasses). A client whose class is missing
   * fails the call that needs it, naming the client.
   */
  readonly clientClasses?: AwsClientClasses;
  /** Options for clients the entry builds itself (e.g. credentials of one function's role). */
  readonly clientOptions?: AwsClientOptions;
  /** Default: `AUTOPILOT_MODE` (`act` unless it says otherwise). */
  readonly mode?: StageMode;
  readonly notifier?: Notifier;
  readonly notifierFor?: (webhook: string) => Notifier;
  readonly tableName?: string;
  readonly deadLetterQueueUrl?: string;
  readonly outboxQueueUrl?: string;
  readonly config?: AutopilotConfig;
  /** Without an outbox, a message Slack does not take fails the invocation (`dlq redrive`; see deliver.ts). */
  readonly requireDelivery?: boolean;
  /** Messages are only printed by the notifier, nothing recorded (a CLI dry run; see deliver.ts). */
  readonly printOnly?: boolean;
}

/** The stage mode from `AUTOPILOT_MODE`: unset (local runs) acts; any value but `act` is a dry run. */
function modeFrom(value: string | undefined): StageMode {
  return value === undefined || value === "act" ? "act" : "dry-run";
}

/**
 * The event id as every log line's correlation id, cut to {@link CORRELATION_ID_MAX} characters:
 * the id is read before the schema rejects an oversized event (issue 11), and a 1 MB id would
 * otherwise be repeated in every line the rejection logs.
 */
export function boundedCorrelationId(id: unknown): unknown {
  if (typeof id !== "string" || id.length <= CORRELATION_ID_MAX) return id;
  return `${id.slice(0, CORRELATION_ID_MAX)}… (${id.length} characters)`;
}
/** EventBridge event ids are UUIDs (36 characters); 128 leaves room for any other caller's id. */
export const CORRELATION_ID_MAX = 128;

/**
 * How a runtime reads the central config: runtime/runtime.ts passes the loader that checks it
 * against the flows' languages (core/validateConfig.ts). The notify function reads no config and
 * passes none, which keeps the config's schema and languages out of its bundle.
 */
export type ConfigLoader = (sources: Omit<ConfigSources, "check">) => Promise<AutopilotConfig>;

/**
 * Builds the runtime from the environment, with the config loader given (`undefined` for a
 * function that reads no config); nothing is called until a handler runs, and nothing here
 * throws: a bad secret is reported by the invocation that needs it, naming the secret (a throw at
 * module load would fail every invocation of the function without saying why).
 */
export function createRuntimeWith(
  readConfig: ConfigLoader | undefined,
  flow: string,
  overrides: RuntimeOverrides = {},
): FlowRuntime {
  const env = process.env;
  const clientOptions = overrides.clientOptions ?? {};
  const clients =
    overrides.clients ??
    buildAwsClients(overrides.clientClasses ?? {}, clientOptions, `functions/${flow}.ts`);
  const logger = new Logger({
    serviceName: "ecs-autopilot",
    persistentKeys: { flow },
    correlationIdSearchFn: (expression, data) => boundedCorrelationId(search(expression, data as JSONObject)),
  });
  const tableName =
    overrides.tableName ?? env.AUTOPILOT_STATE_TABLE ?? linked("AutopilotState", "name") ?? "";
  const deadLetterQueueUrl = overrides.deadLetterQueueUrl ?? env.AUTOPILOT_DEAD_LETTER_QUEUE_URL;
  const mode = overrides.mode ?? modeFrom(env.AUTOPILOT_MODE);
  const stage = env.AUTOPILOT_STAGE;
  /** A webhook secret's notifier; a malformed value throws WebhookSecretError (the name, never the value). */
  const toNotifier = (secret: string, value: string | undefined): Notifier => {
    const target = webhookTarget(secret, value);
    switch (target.kind) {
      case "slack":
        return new SlackWebhook(target.url, SLACK_BUDGET);
      case "slack-api":
        // The same budget: a post, its read-backs included, fits the webhook's worst case.
        return new SlackApi(
          { secret, ...target },
          { ...SLACK_BUDGET, warn: (message, details) => logger.warn(message, details) },
        );
      case "log":
        return new TerminalNotifier();
    }
  };
  // Locally SLACK_WEBHOOK_URL serves every channel; deployed, each channel is its own linked secret.
  const defaultSecret = env.SLACK_WEBHOOK_URL ? "SLACK_WEBHOOK_URL" : DEFAULT_CHANNEL;
  let defaultNotifier: Notifier | undefined = overrides.notifier;
  const notifier: Notifier = {
    post: (message, context) => {
      defaultNotifier ??= toNotifier(
        defaultSecret,
        env.SLACK_WEBHOOK_URL || linked(DEFAULT_CHANNEL, "value"),
      );
      return defaultNotifier.post(message, context);
    },
  };
  const outboxQueueUrl = overrides.outboxQueueUrl ?? env.AUTOPILOT_OUTBOX_QUEUE_URL;
  const routed = new Map<string, Notifier>();
  const notifierFor =
    overrides.notifierFor ??
    ((webhook: string): Notifier => {
      if (webhook === DEFAULT_CHANNEL) return notifier;
      let found = routed.get(webhook);
      if (!found) {
        const url = linked(webhook, "value");
        found = url ? toNotifier(webhook, url) : notifier;
        routed.set(webhook, found);
      }
      return found;
    });
  let cached: { at: number; config: Promise<AutopilotConfig> } | undefined;
  const state = new StateTable(clients.documents, tableName);
  const log: FlowLog = {
    info: (message, details) => logger.info(message, details ?? {}),
    warn: (message, details) => logger.warn(message, details ?? {}),
    error: (message, details) => logger.error(message, details ?? {}),
  };
  if (mode === "dry-run")
    logger.appendPersistentKeys({ stage: stage ?? "(unset)", mode: "dry-run (this stage does not act)" });
  const targets = (eventId: string): DeliveryTargets => ({
    state,
    notifierFor,
    log,
    flow,
    eventId,
    ...(outboxQueueUrl ? { outbox: { sqs: clients.sqs, queueUrl: outboxQueueUrl } } : {}),
    ...(overrides.requireDelivery ? { requireDelivery: true } : {}),
    ...(overrides.printOnly ? { printOnly: true } : {}),
  });
  const runtime: FlowRuntime = {
    flow,
    clients,
    clientOptions,
    ...(stage ? { stage } : {}),
    mode,
    logger,
    log,
    tableName,
    state,
    ...(deadLetterQueueUrl ? { deadLetterQueueUrl } : {}),
    ...(outboxQueueUrl ? { outboxQueueUrl } : {}),
    notifier,
    notifierFor,
    config() {
      if (overrides.config) return Promise.resolve(overrides.config);
      if (!cached || Date.now() - cached.at > CONFIG_TTL_MS) {
        // Checked against the flows' languages (issue 11): a bad config fails here, with its path.
        const config = readConfig
          ? readConfig({ env, ssm: clients.ssm })
          : Promise.reject(new Error(`functions/${flow}.ts reads no config`));
        config.catch(() => {
          cached = undefined;
        });
        cached = { at: Date.now(), config };
      }
      return cached.config;
    },
    async flowContext(options = {}) {
      // The default channel's secret is checked before the flow does anything, so a bad value
      // stops the invocation before it changes the account, not after.
      if (!overrides.notifier && !overrides.notifierFor)
        defaultNotifier ??= toNotifier(
          defaultSecret,
          env.SLACK_WEBHOOK_URL || linked(DEFAULT_CHANNEL, "value"),
        );
      return {
        clients,
        state,
        config: await runtime.config(),
        dryRun: (options.dryRun ?? false) || mode === "dry-run",
        log,
        ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
      };
    },
    deliver: (result, eventId) => deliver(result, targets(eventId)),
    deliverKeptReport: (eventId) => deliverKeptReport(targets(eventId)),
  };
  return runtime;
}
