/**
 * The fault harness's world: a dedicated moto server, the fault proxy in front of it, the Slack
 * stand-in, and this process's environment pointed at them the way a deployed function's is
 * (state table, DLQ, config parameter, Slack webhook), so `createRuntime(flow)` builds the real
 * runtime. Seeds and assertions use {@link Harness.direct} (moto itself, never faulted).
 */
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import type { ApiCallCounter } from "../../core/aws/ApiCallCounter.ts";
import { type AwsClients, createAwsClients } from "../../core/aws/index.ts";
import { createInsightClients, type InsightClients } from "../../core/aws/insightClients.ts";
import { createStateTable, StateTable } from "../../core/state/index.ts";
import {
  type MotoServer,
  type MotoServerOptions,
  startMotoServer,
  useMotoEnvironment,
} from "../../scripts/moto-server.ts";
import type { DeliveryOptions } from "./asyncInvoke.ts";
import { type AllClients, clientsAt } from "./clientsAt.ts";
import { ENVIRONMENT_HEADER, FaultProxy } from "./FaultProxy.ts";
import { type DeployedFunction, functionTimeouts } from "./functionTimeouts.ts";
import { SlackStandIn } from "./SlackStandIn.ts";

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
const TABLE = "autopilot-state";
/** The name the rest of the suite uses, so the IAM proof (test/proof/iamCalls.test.ts) allows its reads. */
const CONFIG_PARAMETER = "ecs-autopilot-test-config";
const DEAD_LETTERS = "autopilot-dead-letters";
const OUTBOX = "autopilot-outbox";

/** The clients of one Lambda execution environment, as its runtime builds them. */
export interface EnvironmentClients {
  readonly aws: AwsClients;
  readonly insight: InsightClients;
}

interface TaggableClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: "build"; name: string },
    ): void;
  };
}

/** Puts the environment's id on every request of `client`, so the proxy knows who sent it. */
function tag(client: object, environment: number): void {
  (client as TaggableClient).middlewareStack.add(
    (next) => async (args) => {
      const request = (args as { request?: { headers?: Record<string, string> } }).request;
      if (request?.headers) request.headers[ENVIRONMENT_HEADER] = String(environment);
      return next(args);
    },
    { step: "build", name: "faultHarnessEnvironment" },
  );
}

export class Harness {
  readonly region = REGION;
  readonly tableName = TABLE;
  readonly timeouts = functionTimeouts();
  /** moto, without faults: for seeding and for reading the final state. */
  readonly direct: AllClients;
  readonly state: StateTable;
  #deadLetterQueueUrl = "";
  #outboxQueueUrl = "";
  readonly #saved: Record<string, string | undefined> = {};

  private constructor(
    readonly moto: MotoServer,
    readonly proxy: FaultProxy,
    readonly slack: SlackStandIn,
  ) {
    this.direct = clientsAt(moto.endpoint, { region: REGION });
    this.state = new StateTable(this.direct.documents, TABLE);
  }

  /**
   * @param options.motoLauncher a script run instead of `moto_server` ({@link MotoServerOptions}):
   *   the scale run's moto with a faster GetMetricData (test/faults/fastMetricsLauncher.ts).
   */
  static async start(options: { motoLauncher?: string } = {}): Promise<Harness> {
    const moto = await startMotoServer(options.motoLauncher ? { launcher: options.motoLauncher } : {});
    const proxy = await FaultProxy.start(moto.endpoint);
    const slack = await SlackStandIn.start();
    const harness = new Harness(moto, proxy, slack);
    harness.#pointEnvironment();
    return harness;
  }

  get deadLetterQueueUrl(): string {
    return this.#deadLetterQueueUrl;
  }

  /** The Slack outbox queue the flows send their messages to (runtime/deliver.ts). */
  get outboxQueueUrl(): string {
    return this.#outboxQueueUrl;
  }

  /** What the functions read from their environment, set as in infra/shared.ts but pointing here. */
  #pointEnvironment(): void {
    const values: Record<string, string> = {
      AUTOPILOT_STATE_TABLE: TABLE,
      AUTOPILOT_CONFIG_PARAMETER: CONFIG_PARAMETER,
      SLACK_WEBHOOK_URL: this.slack.webhookUrl,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "SILENT",
    };
    for (const key of [
      ...Object.keys(values),
      "AUTOPILOT_DEAD_LETTER_QUEUE_URL",
      "AUTOPILOT_OUTBOX_QUEUE_URL",
      "AUTOPILOT_CONFIG",
      "AWS_ENDPOINT_URL",
      "AWS_PROFILE",
    ])
      this.#saved[key] = process.env[key];
    Object.assign(process.env, values);
    delete process.env.AUTOPILOT_CONFIG;
    delete process.env.AWS_PROFILE;
    // The SDK of the code under test reads AWS_ENDPOINT_URL: every call goes through the proxy.
    useMotoEnvironment(this.proxy.endpoint, REGION);
  }

  /**
   * How the functions reach Slack: the default secret (`SLACK_WEBHOOK_URL`) set to the stand-in's
   * webhook URL, or to its bot token and channel (the Web API). {@link reset} goes back to the webhook.
   */
  useSlack(mode: "webhook" | "api"): void {
    process.env.SLACK_WEBHOOK_URL = mode === "api" ? this.slack.botSecret : this.slack.webhookUrl;
  }

  /**
   * A fresh account for one scenario: moto reset, no faults, an empty Slack, the state table,
   * the DLQ and the central config in SSM.
   */
  async reset(config: object): Promise<void> {
    this.proxy.disarm();
    this.proxy.thaw();
    this.slack.reset();
    this.useSlack("webhook");
    await this.moto.reset();
    await createStateTable(this.direct, TABLE);
    // Created through the proxy so the queue URLs name it: the SDK sends SQS calls to the queue URL.
    const viaProxy = clientsAt(this.proxy.endpoint, { region: REGION });
    const deadLetters = await viaProxy.sqs.send(new CreateQueueCommand({ QueueName: DEAD_LETTERS }));
    this.#deadLetterQueueUrl = deadLetters.QueueUrl ?? "";
    process.env.AUTOPILOT_DEAD_LETTER_QUEUE_URL = this.#deadLetterQueueUrl;
    const outbox = await viaProxy.sqs.send(new CreateQueueCommand({ QueueName: OUTBOX }));
    this.#outboxQueueUrl = outbox.QueueUrl ?? "";
    process.env.AUTOPILOT_OUTBOX_QUEUE_URL = this.#outboxQueueUrl;
    await this.direct.ssm.send(
      new PutParameterCommand({
        Name: CONFIG_PARAMETER,
        Value: JSON.stringify(config),
        Type: "String",
        Overwrite: true,
      }),
    );
    this.proxy.resetLog();
  }

  /**
   * The clients a Lambda execution environment builds (`createAwsClients`, as the runtime does),
   * counted on `counter` and tagged with the environment's id.
   */
  clientsFor(environment: number, counter: ApiCallCounter): EnvironmentClients {
    const aws = createAwsClients({ counter });
    const insight = createInsightClients({ counter });
    for (const client of [
      aws.ecs,
      aws.ecsSingleAttempt,
      aws.ecr,
      aws.dynamodb,
      aws.sqs,
      aws.ssm,
      aws.autoscaling,
      insight.cloudwatch,
      insight.ec2,
      insight.computeOptimizer,
    ])
      tag(client, environment);
    return { aws, insight };
  }

  /**
   * Lambda's lifecycle of an execution environment, for {@link deliverAsync}: between invocations
   * it is frozen and at a timeout it is reset, so the proxy drops whatever it sends then. A
   * function that posts to Slack itself (Notify) is also frozen out of the Slack stand-in until
   * the cut-off handler has settled.
   */
  lifecycle(options: { postsToSlack: boolean }): Pick<DeliveryOptions, "started" | "ended" | "cutOff"> {
    return {
      started: (id) => this.proxy.setEnvironment(id, "running"),
      ended: (id) => this.proxy.setEnvironment(id, "idle"),
      cutOff: async (id, running) => {
        this.proxy.setEnvironment(id, "cut");
        if (!options.postsToSlack) return;
        this.slack.freeze();
        await running;
        this.slack.thaw();
      },
    };
  }

  /** The function's deployed timeout (infra/), in ms. */
  timeoutOf(functionName: string): number {
    return this.#deployed(functionName).timeoutMs;
  }

  /** Lambda's retries of the function's failed asynchronous invocations (infra/). */
  retriesOf(functionName: string): number {
    return this.#deployed(functionName).retries;
  }

  #deployed(functionName: string): DeployedFunction {
    const deployed = this.timeouts.get(functionName);
    if (!deployed) throw new Error(`functions/${functionName}.ts is not deployed by infra/`);
    return deployed;
  }

  async stop(): Promise<void> {
    for (const [key, value] of Object.entries(this.#saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await this.proxy.close();
    await this.slack.close();
    await this.moto.stop();
  }
}
