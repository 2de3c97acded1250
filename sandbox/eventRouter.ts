import {
  type EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { createEventBridgeClient } from "../core/aws/eventBridgeClient.ts";
import type { AwsClients } from "../core/aws/index.ts";
import { EVENT_RULES, type EventRule, type Flow } from "../core/events/index.ts";

export interface Delivery {
  readonly rule: string;
  readonly flow: Flow;
  readonly event: Record<string, unknown>;
}

/**
 * EventBridge as deployed, in moto: one rule per entry of EVENT_RULES with the same pattern,
 * each targeting a queue; `publish` puts an event on the default bus and returns what the rules
 * delivered. The sandbox hands each delivery to its flow's handler, as Lambda would.
 */
export class EventRouter {
  readonly #queues = new Map<string, { url: string; rule: EventRule }>();

  private constructor(
    private readonly clients: AwsClients,
    private readonly eventbridge: EventBridgeClient,
    private readonly account: string,
  ) {}

  static async create(clients: AwsClients, rules: readonly EventRule[] = EVENT_RULES): Promise<EventRouter> {
    const region = await clients.sqs.config.region();
    const identity = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
    const eventbridge = createEventBridgeClient({ region });
    const router = new EventRouter(clients, eventbridge, identity.Account ?? "123456789012");
    for (const rule of rules) {
      const url =
        (await clients.sqs.send(new CreateQueueCommand({ QueueName: `sandbox-${rule.name}` }))).QueueUrl ??
        "";
      const attributes = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
      );
      await eventbridge.send(
        new PutRuleCommand({ Name: rule.name, EventPattern: JSON.stringify(rule.pattern) }),
      );
      await eventbridge.send(
        new PutTargetsCommand({
          Rule: rule.name,
          Targets: [{ Id: "flow", Arn: attributes.Attributes?.QueueArn }],
        }),
      );
      router.#queues.set(rule.name, { url, rule });
    }
    return router;
  }

  async publish(event: {
    source: string;
    "detail-type": string;
    detail: unknown;
    resources?: string[];
  }): Promise<Delivery[]> {
    const result = await this.eventbridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: event.source,
            DetailType: event["detail-type"],
            Detail: JSON.stringify(event.detail),
            Resources: event.resources ?? [],
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0)
      throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
    const deliveries: Delivery[] = [];
    for (const [name, { url, rule }] of this.#queues) {
      const received = await this.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
      );
      for (const message of received.Messages ?? []) {
        const event = JSON.parse(message.Body ?? "{}") as Record<string, unknown>;
        // moto 5.2.1 leaves `account` out of events it delivers to SQS; EventBridge always sets
        // it to the bus owner's account, so the sandbox puts it back.
        event.account ??= this.account;
        deliveries.push({ rule: name, flow: rule.flow, event });
        await this.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    return deliveries;
  }
}
