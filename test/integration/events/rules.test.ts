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
import { beforeAll, describe, expect, it } from "vitest";
import { createEventBridgeClient } from "../../../core/aws/eventBridgeClient.ts";
import {
  CloudTrailApiCallEvent,
  EcrImageActionEvent,
  EcsContainerInstanceStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
  EVENT_RULES,
  type EventRule,
  rulesMatching,
  SCHEDULED_EVENT,
  ScheduledEvent,
} from "../../../core/events/index.ts";
import { cloudTrailEnvelope, loadFixture, sampleEvents } from "../../support/fixtures.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

const RULES: readonly EventRule[] = [...EVENT_RULES, SCHEDULED_EVENT];

/** Which of our rules each real AWS sample must reach (none: we do not subscribe to it). */
const EXPECTED: Record<
  string,
  { schema?: { safeParse: (v: unknown) => { success: boolean } }; rules: string[] }
> = {
  "cloudtrail-record-ecs-createcluster.json": { schema: CloudTrailApiCallEvent, rules: [] },
  "ecr-image-action-delete.json": { schema: EcrImageActionEvent, rules: [] },
  "ecr-image-action-push.json": { schema: EcrImageActionEvent, rules: ["ecr-image-push"] },
  "ecr-image-scan.awsdocs.json": { rules: [] },
  "ecr-image-scan.json": { rules: [] },
  "ecr-scan-resource-change-enhanced.json": { rules: [] },
  "ecs-container-instance-state-change.json": {
    schema: EcsContainerInstanceStateChangeEvent,
    rules: ["ecs-container-instance-state-change"],
  },
  "ecs-container-instance-state-change.lambda-go.json": {
    schema: EcsContainerInstanceStateChangeEvent,
    rules: ["ecs-container-instance-state-change"],
  },
  "ecs-deployment-state-change-completed.json": {
    schema: EcsDeploymentStateChangeEvent,
    // The monitor tells Slack; the redeploy flow releases a push queued behind the deployment.
    rules: ["ecs-deployment-finished", "ecs-deployment-state-change"],
  },
  "ecs-deployment-state-change-failed.json": {
    schema: EcsDeploymentStateChangeEvent,
    // The monitor tells Slack; the redeploy flow releases a push queued behind the deployment.
    rules: ["ecs-deployment-finished", "ecs-deployment-state-change"],
  },
  "ecs-deployment-state-change-in-progress-rollback.json": {
    schema: EcsDeploymentStateChangeEvent,
    rules: ["ecs-deployment-state-change"],
  },
  "ecs-deployment-state-change-in-progress.json": {
    schema: EcsDeploymentStateChangeEvent,
    rules: ["ecs-deployment-state-change"],
  },
  "ecs-service-action-capacity-provider-steady-state.json": {
    schema: EcsServiceActionEvent,
    rules: ["ecs-service-action"],
  },
  "ecs-service-action-steady-state.json": { schema: EcsServiceActionEvent, rules: ["ecs-service-action"] },
  "ecs-service-action-task-placement-failure-ec2-cpu.json": {
    schema: EcsServiceActionEvent,
    rules: ["ecs-service-action"],
  },
  "ecs-service-action-task-placement-failure-fargate-spot.json": {
    schema: EcsServiceActionEvent,
    rules: ["ecs-service-action"],
  },
  "ecs-service-action-task-start-impaired.json": {
    schema: EcsServiceActionEvent,
    rules: ["ecs-service-action"],
  },
  "ecs-task-state-change-deprovisioning-stopcode-captured.json": {
    schema: EcsTaskStateChangeEvent,
    rules: ["ecs-task-state-change"],
  },
  "ecs-task-state-change-ec2-container-stopped-2016.json": {
    schema: EcsTaskStateChangeEvent,
    rules: ["ecs-task-state-change"],
  },
  "ecs-task-state-change-running-fargate.json": {
    schema: EcsTaskStateChangeEvent,
    rules: ["ecs-task-state-change"],
  },
  "scheduled-event.json": { schema: ScheduledEvent, rules: ["scheduled"] },
  "scheduled-event.lambda-dotnet.json": { schema: ScheduledEvent, rules: ["scheduled"] },
};

let world: World;
let eventbridge: EventBridgeClient;
const queues = new Map<string, string>();

/** Puts an event on moto's default bus and returns the rules whose SQS target received it. */
async function deliver(event: Record<string, unknown>): Promise<string[]> {
  const put = await eventbridge.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: String(event.source),
          DetailType: String(event["detail-type"]),
          Detail: JSON.stringify(event.detail),
          Resources: event.resources as string[],
          Time: new Date(String(event.time)),
        },
      ],
    }),
  );
  expect(put.FailedEntryCount ?? 0).toBe(0);
  const reached: string[] = [];
  for (const [rule, url] of queues) {
    const received = await world.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const messages = received.Messages ?? [];
    for (const message of messages) {
      await world.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    if (messages.length > 0) {
      expect(messages).toHaveLength(1);
      expect(JSON.parse(messages[0]?.Body ?? "{}").detail).toEqual(event.detail);
      reached.push(rule);
    }
  }
  return reached.sort();
}

describe("event rules, matched by EventBridge (moto) on the real AWS samples", () => {
  beforeAll(async () => {
    world = await createWorld();
    eventbridge = createEventBridgeClient({ region: REGION });
    for (const rule of RULES) {
      const url =
        (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `rule-${rule.name}` }))).QueueUrl ??
        "";
      const arn = (
        await world.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
        )
      ).Attributes?.QueueArn;
      await eventbridge.send(
        new PutRuleCommand({ Name: rule.name, EventPattern: JSON.stringify(rule.pattern) }),
      );
      await eventbridge.send(
        new PutTargetsCommand({ Rule: rule.name, Targets: [{ Id: "queue", Arn: arn }] }),
      );
      queues.set(rule.name, url);
    }
  });

  it("has an expectation for every sample in test/fixtures/events", () => {
    expect(sampleEvents().map((s) => s.file)).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const { file, event } of sampleEvents()) {
    const expected = EXPECTED[file] ?? { rules: ["<no expectation>"] };
    it(`${file}: ${expected.schema ? "parses, and " : ""}reaches ${expected.rules.join(", ") || "no rule"}`, async () => {
      if (expected.schema) expect(expected.schema.safeParse(event).success).toBe(true);
      const reached = await deliver(event);
      expect(reached).toEqual(expected.rules);
      // The local runner's matcher agrees with EventBridge.
      expect(
        rulesMatching(event, RULES)
          .map((r) => r.name)
          .sort(),
      ).toEqual(reached);
    });
  }

  it("routes CloudTrail calls derived from the sample to the flows that watch them", async () => {
    const record = loadFixture("cloudtrail-record-ecs-createcluster.json");
    const derived = (eventName: string) =>
      cloudTrailEnvelope({ ...record, eventName, requestParameters: { cluster: "prod" } });
    expect(await deliver(derived("TagResource"))).toEqual(["ecs-service-tag-changes"]);
    expect(await deliver(derived("UntagResource"))).toEqual(["ecs-service-tag-changes"]);
    expect(await deliver(derived("RegisterTaskDefinition"))).toEqual(["ecs-task-definition-changes"]);
    expect(await deliver(derived("UpdateService"))).toEqual([
      "ecs-service-changes",
      "ecs-task-definition-changes",
    ]);
    expect(await deliver(derived("DeleteService"))).toEqual(["ecs-service-changes"]);
  });

  it("does not redeploy on a failed push", async () => {
    const failed = loadFixture("ecr-image-action-push.json");
    expect(await deliver({ ...failed, detail: { ...(failed.detail as object), result: "FAILURE" } })).toEqual(
      [],
    );
  });
});
