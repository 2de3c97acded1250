import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { FLOWS } from "../cli/flows.ts";
import { localContext } from "../cli/localContext.ts";
import {
  ApiCallCounter,
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
} from "../core/aws/index.ts";
import type { AutopilotConfig } from "../core/config/index.ts";
import type { Flow } from "../core/events/index.ts";
import {
  type Notifier,
  SlackApi,
  SlackWebhook,
  TerminalNotifier,
  webhookTarget,
} from "../core/notify/index.ts";
import { createStateTable } from "../core/state/index.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime } from "../runtime/runtime.ts";
import { type Delivery, EventRouter } from "./eventRouter.ts";

export const SANDBOX_TABLE = "ecs-autopilot-sandbox-state";
export const SANDBOX_DEAD_LETTERS = "ecs-autopilot-sandbox-dead-letters";

export interface SandboxOptions {
  /**
   * The client options each function's handler runs with (e.g. the credentials of that
   * function's role, test/integration/iam). Default: the sandbox's own clients for every flow.
   */
  readonly functionClients?: (flow: Flow) => AwsClientOptions;
}

/** The embedded account every scene works in: clients on moto, the state table, routing, Slack. */
export class Sandbox {
  readonly counter = new ApiCallCounter();
  readonly clients: AwsClients;
  readonly notifier: Notifier;
  slackMessages = 0;
  /** Whether Slack messages go to Slack (a webhook URL or a bot token), or are printed here. */
  readonly postsToSlack: boolean;
  #router?: EventRouter;
  #deadLetterQueueUrl = "";
  readonly #handlers = new Map<Flow, LambdaHandler>();

  constructor(
    readonly region: string,
    private readonly config: AutopilotConfig,
    readonly print: (line: string) => void,
    private readonly options: SandboxOptions = {},
  ) {
    this.clients = createAwsClients({ region, counter: this.counter });
    // A webhook URL or a bot token with its channel (as the deployed secrets), else printed here.
    const target = webhookTarget("SLACK_WEBHOOK_URL", process.env.SLACK_WEBHOOK_URL);
    this.postsToSlack = target.kind !== "log";
    const sink =
      target.kind === "slack"
        ? new SlackWebhook(target.url)
        : target.kind === "slack-api"
          ? new SlackApi(
              { secret: "SLACK_WEBHOOK_URL", ...target },
              { warn: (text) => this.print(`  ! ${text}`) },
            )
          : new TerminalNotifier((text) => process.stdout.write(text));
    this.notifier = {
      post: async (message, context) => {
        this.slackMessages++;
        await sink.post(message, context);
        if (target.kind !== "log") this.print(`  → posted to Slack: ${message.text}`);
      },
    };
  }

  async start(): Promise<void> {
    await createStateTable(this.clients, SANDBOX_TABLE);
    this.#deadLetterQueueUrl =
      (await this.clients.sqs.send(new CreateQueueCommand({ QueueName: SANDBOX_DEAD_LETTERS }))).QueueUrl ??
      "";
    this.#router = await EventRouter.create(this.clients);
  }

  async handler(flow: Flow): Promise<LambdaHandler> {
    const existing = this.#handlers.get(flow);
    if (existing) return existing;
    const invokable = Object.values(FLOWS).find((f) => f.flow === flow);
    if (!invokable) throw new Error(`no handler for flow ${flow}`);
    const own = this.options.functionClients?.(flow);
    const runtime = createRuntime(flow, {
      clients: own ? createAwsClients({ region: this.region, counter: this.counter, ...own }) : this.clients,
      ...(own ? { clientOptions: { region: this.region, counter: this.counter, ...own } } : {}),
      tableName: SANDBOX_TABLE,
      deadLetterQueueUrl: this.#deadLetterQueueUrl,
      notifier: this.notifier,
      config: this.config,
    });
    const handler = await invokable.create(runtime, { dryRun: false });
    this.#handlers.set(flow, handler);
    return handler;
  }

  /** Puts an event on the bus and runs each flow it reaches, as EventBridge and Lambda would. */
  async publish(
    event: { source: string; "detail-type": string; detail: unknown; resources?: string[] },
    options: { quiet?: boolean } = {},
  ): Promise<Array<{ delivery: Delivery; response: unknown }>> {
    if (!this.#router) throw new Error("sandbox not started");
    const deliveries = await this.#router.publish(event);
    if (deliveries.length === 0) this.print(`  (no rule matches this ${event["detail-type"]} event)`);
    const results = [];
    for (const delivery of deliveries) {
      if (!Object.values(FLOWS).some((f) => f.flow === delivery.flow)) {
        this.print(`  ${delivery.rule} → ${delivery.flow} (that flow has no handler in this version)`);
        continue;
      }
      results.push({ delivery, response: await this.deliver(delivery, options) });
    }
    return results;
  }

  /** Hands one delivery to its handler (again, for at-least-once delivery). */
  async deliver(delivery: Delivery, options: { quiet?: boolean } = {}): Promise<unknown> {
    const handler = await this.handler(delivery.flow);
    const response = await handler(delivery.event, localContext(delivery.flow));
    if (!options.quiet) {
      const action = (response as { action?: string } | undefined)?.action;
      this.print(
        `  ${delivery.rule} → ${delivery.flow} (event ${String(delivery.event.id).slice(0, 8)}…)${action ? `: ${action}` : ""}`,
      );
    }
    return response;
  }

  async deadLetters(): Promise<Array<{ reason: string }>> {
    const received = await this.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
      }),
    );
    return (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as { reason: string });
  }
}
