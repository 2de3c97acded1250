/**
 * Review 31b (issue 11, Must show 2 "its outcome is reported truthfully … Concurrent duplicates
 * never run side by side" and 3 "shown once"): the kept report (4ef6187) covers a retry whose
 * earlier attempt could not queue its report. The same "plan again from what AWS shows, where the
 * flow's own change is already made" remains for a second delivery of the same event after a
 * first one that succeeded: EventBridge delivers at least once, and the policy function has no
 * event claim (runtime/flowHandler.ts: "policy checks … do without: their messages are still
 * posted once (same event → same message ids)"). The second delivery re-plans, finds the service
 * no longer on the non-compliant revision (this flow's own rollback moved it), and queues a
 * message of different text — a different message id — saying "nothing was rolled back". Slack
 * is told both that the service was rolled back and that nothing was rolled back, for one
 * UpdateService. Against moto.
 *
 * Fixed: the policy function claims each event id (runtime/eventClaims.ts): a second delivery is
 * answered from the first one's record.
 */

import {
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

const GOOD: RegisterTaskDefinitionCommandInput = {
  family: "billing-r31b-dup",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: "arn:aws:iam::123456789012:role/billing-exec",
  containerDefinitions: [
    {
      name: "app",
      image: ecrImage(REGION, "shop/billing", "1.0.0"),
      user: "1000",
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/billing" } },
      linuxParameters: { capabilities: { drop: ["ALL"] } },
    },
  ],
};
const BAD: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [{ ...GOOD.containerDefinitions?.[0], name: "app", privileged: true }],
};

describe("review 31b: a second delivery of a policy event whose rollback was told", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "prod-r31b-dup");
  });

  it("does not tell 'nothing was rolled back' after the rollback was told", async () => {
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(world.clients, {
      cluster: "prod-r31b-dup",
      name: "billing",
      family: "billing-r31b-dup",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const good = service.taskDefinition ?? "";
    const bad =
      (await world.clients.ecs.send(new RegisterTaskDefinitionCommand(BAD))).taskDefinition
        ?.taskDefinitionArn ?? "";
    const updated = await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod-r31b-dup", service: "billing", taskDefinition: bad }),
    );
    const event = {
      ...cloudTrailEnvelope({
        ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
        eventName: "UpdateService",
        awsRegion: REGION,
        requestParameters: { cluster: "prod-r31b-dup", service: "billing", taskDefinition: bad },
        responseElements: {
          service: {
            serviceName: "billing",
            serviceArn: updated.service?.serviceArn,
            clusterArn: updated.service?.clusterArn,
            taskDefinition: bad,
          },
        },
      }),
      id: "00000000-0000-4000-8000-00000r31b001",
    };
    const outbox = await outboxQueues(world.clients.sqs, "outbox-r31b-dup");
    const handler = () =>
      createPolicyHandler(
        createRuntime("policy", {
          clients: world.clients,
          tableName: world.tableName,
          config: ENFORCE,
          outboxQueueUrl: outbox.working,
        }),
      );

    // First delivery: rolls back and tells it; everything works.
    await handler()(event, localContext("policy"));
    const first = await drainOutbox(world.clients.sqs, outbox.working);
    expect(first.join("\n")).toMatch(/rolled \*?prod-r31b-dup\/billing\*? back from/);
    const now = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod-r31b-dup", services: ["billing"] }),
    );
    expect(now.services?.[0]?.taskDefinition).toBe(good);

    // EventBridge delivers the same event again (at least once).
    await handler()(event, localContext("policy"));
    const second = await drainOutbox(world.clients.sqs, outbox.working);

    // One UpdateService, one rollback: Slack must not be told that nothing was rolled back.
    expect(second.join("\n---\n")).not.toMatch(/nothing was rolled back/);
  });
});
