/**
 * The fault harness's world: a dedicated moto server, the fault proxy in front of it, the Slack
 * stand-in, and this process's environment pointed at them the way a deployed function's is
 * (state table, DLQ, config parameter, Slack webhook), so `createRuntime(flow)` builds the real
 * runtime. Seeds and assertions use {@link Harness.direct} (moto itself, never faulted).
 */
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { createStateTable, StateTable } from "../../core/state/index.ts";
import { type MotoServer, startMotoServer, useMotoEnvironment } from "../../scripts/moto-server.ts";
import { type AllClients, clientsAt } from "./clientsAt.ts";
import { FaultProxy } from "./FaultProxy.ts";
import { functionTimeouts } from "./functionTimeouts.ts";
import { SlackStandIn } from "./SlackStandIn.ts";

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
const TABLE = "autopilot-state";
const CONFIG_PARAMETER = "/ecs-autopilot/config";
const DEAD_LETTERS = "autopilot-dead-letters";
const OUTBOX = "autopilot-outbox";
/** SST's default function timeout, for a function infra/ does not deploy (yet): the Notify function. */
const SST_DEFAULT_TIMEOUT_MS = 20_000;

/** `retries: 2` of every flow function (infra/shared.ts): Lambda's asynchronous retries. */
export const LAMBDA_RETRIES = 2;

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

  static async start(): Promise<Harness> {
    const moto = await startMotoServer();
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
   * A fresh account for one scenario: moto reset, no faults, an empty Slack, the state table,
   * the DLQ and the central config in SSM.
   */
  async reset(config: object): Promise<void> {
    this.proxy.disarm();
    this.proxy.thaw();
    this.slack.reset();
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

  /** The function's deployed timeout (infra/), in ms. */
  timeoutOf(functionName: string): number {
    const timeout =
      this.timeouts.get(functionName) ?? (functionName === "notify" ? SST_DEFAULT_TIMEOUT_MS : undefined);
    if (timeout === undefined) throw new Error(`no timeout for functions/${functionName}.ts in infra/`);
    return timeout;
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
