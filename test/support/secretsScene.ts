/**
 * The account and events the secrets test (test/integration/functions/secrets.test.ts) runs every
 * Lambda entry with: each flow gets an event that makes it talk to Slack (a deploy, an OOM alert
 * on a routed cluster, an invalid schedule, the daily policy audit, the weekly right-sizing).
 */
import type { AwsClients } from "../../core/aws/index.ts";
import { stoppedTaskEvent } from "../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../sandbox/seed.ts";
import { REGION } from "./world.ts";

type Phase = "direct" | "outbox" | "refused" | "malformed" | "token" | "token-outbox";
/** The malformed-webhook phase fails before any change, so it reuses the refused phase's image. */
const TAG_OF: Record<Phase, string> = {
  direct: "3.1.1",
  outbox: "3.1.2",
  refused: "3.1.3",
  malformed: "3.1.3",
  token: "3.1.4",
  "token-outbox": "3.1.5",
};
const digests = new Map<string, string>();

const scheduled = (id: string) => ({ ...sampleEvent("scheduled-event.json"), id, region: REGION });

export const ecsEventsSample = {
  /** A tracked service, a service with a schedule that does not parse, and the images pushed later. */
  async seed(clients: AwsClients): Promise<void> {
    await createCluster(clients, "prod");
    await createRepository(clients, "shop/api");
    await pushImage(clients, "shop/api", "3.1.0");
    for (const tag of new Set(Object.values(TAG_OF)))
      digests.set(tag, await pushImage(clients, "shop/api", tag));
    await createService(clients, {
      cluster: "prod",
      name: "api",
      tags: { "autopilot:redeploy": "patch" },
      containers: [{ name: "api", image: ecrImage(REGION, "shop/api", "3.1.0"), essential: true }],
    });
    await createService(clients, {
      cluster: "prod",
      name: "batch",
      tags: { "autopilot:schedule": "Mon-Fry 07:00-19:00 UTC" },
      containers: [{ name: "batch", image: ecrImage(REGION, "shop/api", "3.1.0"), essential: true }],
    });
  },

  /** The events a flow gets in a phase (ids differ per phase: each is a new event). */
  events(flow: string, phase: Phase): unknown[] {
    const id = (n: number) => `secrets-${phase}-${flow}-${n}`;
    switch (flow) {
      case "redeploy": {
        const tag = TAG_OF[phase];
        return [
          ecrPushEvent({
            region: REGION,
            repository: "shop/api",
            digest: digests.get(tag) ?? "",
            tag,
            id: id(1),
          }),
        ];
      }
      case "monitor":
        return [
          stoppedTaskEvent({
            id: id(1),
            taskId: `${phase}0000000000000000000000001`,
            cluster: "payments-prod",
            service: "pay",
            exitCode: 137,
            containerReason: "OutOfMemoryError: Container killed due to memory usage",
          }),
          stoppedTaskEvent({
            id: id(2),
            taskId: `${phase}0000000000000000000000002`,
            cluster: "prod",
            service: "api",
            exitCode: 137,
            containerReason: "OutOfMemoryError: Container killed due to memory usage",
          }),
        ];
      default:
        return [scheduled(id(1))];
    }
  },

  /** An event of the flow's kind that fails its schema (a missing field). */
  invalid(flow: string): unknown {
    const [event] = ecsEventsSample.events(flow, "direct") as Array<Record<string, unknown>>;
    const { account: _dropped, ...rest } = event ?? {};
    return { ...rest, id: `secrets-invalid-${flow}` };
  },

  /** The SQS event the Notify function receives for these outbox message bodies. */
  sqsEvent(bodies: readonly string[]): unknown {
    return {
      Records: bodies.map((body, i) => ({
        messageId: `secrets-outbox-${i}`,
        receiptHandle: `receipt-${i}`,
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          ApproximateFirstReceiveTimestamp: "1764000000000",
          SenderId: "AIDAEXAMPLE",
          SentTimestamp: "1764000000000",
        },
        messageAttributes: {},
        md5OfBody: "0",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:secrets-outbox`,
        awsRegion: REGION,
      })),
    };
  },
};
