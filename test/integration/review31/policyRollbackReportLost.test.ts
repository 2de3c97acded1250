/**
 * Review 31 (issue 11, Must show 2 "its outcome is reported truthfully … a retry after any fault
 * completes the work" and 3 "alerts are delivered at least once"): in enforce mode the policy
 * flow rolls a service back (UpdateService applied), then its Slack message cannot be queued (the
 * outbox's SendMessage fails) — the invocation fails with DeliveryError and Lambda retries the
 * same event. The retry plans again from what ECS says now: the service no longer runs the
 * non-compliant revision (this flow's own rollback moved it), so it reports
 * "the service no longer runs it …, so nothing was rolled back". The rollback message is never
 * told; the only message Slack ever gets says nothing was rolled back, while the policy did roll
 * the service back. (The redeploy flow tells its earlier attempt's deploy in this situation:
 * test/integration/redeploy/releaseReportLost.test.ts.) Against moto; the outbox failure is a
 * queue URL that does not exist, as in test/integration/redeploy/unreadRetryReport.test.ts.
 *
 * Fixed: runtime/deliver.ts keeps a report-keeping flow's report that the outbox did not take
 * under the event id, and the retry tells it instead of planning again (runtime/flowHandler.ts).
 */

import {
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { drainOutbox } from "../../support/outbox.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

const GOOD: RegisterTaskDefinitionCommandInput = {
  family: "billing-r31",
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

describe("review 31: a policy rollback whose message could not be queued", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "prod-r31");
  });

  it("is told as a rollback by the retry, not as 'nothing was rolled back'", async () => {
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(world.clients, {
      cluster: "prod-r31",
      name: "billing",
      family: "billing-r31",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const good = service.taskDefinition ?? "";
    const bad =
      (await world.clients.ecs.send(new RegisterTaskDefinitionCommand(BAD))).taskDefinition
        ?.taskDefinitionArn ?? "";
    const updated = await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod-r31", service: "billing", taskDefinition: bad }),
    );
    // The CloudTrail record of that UpdateService, with the revision it set in its response.
    const event = {
      ...cloudTrailEnvelope({
        ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
        eventName: "UpdateService",
        awsRegion: REGION,
        requestParameters: { cluster: "prod-r31", service: "billing", taskDefinition: bad },
        responseElements: {
          service: {
            serviceName: "billing",
            serviceArn: updated.service?.serviceArn,
            clusterArn: updated.service?.clusterArn,
            taskDefinition: bad,
          },
        },
      }),
      id: "00000000-0000-4000-8000-0000000r3101",
    };
    const outbox =
      (
        await world.clients.sqs.send(
          new CreateQueueCommand({ QueueName: `outbox-r31-policy-${process.pid}` }),
        )
      ).QueueUrl ?? "";
    const handlerWith = (outboxQueueUrl: string) =>
      createPolicyHandler(
        createRuntime("policy", {
          clients: world.clients,
          tableName: world.tableName,
          config: ENFORCE,
          outboxQueueUrl,
        }),
      );
    const serviceNow = async () =>
      (
        await world.clients.ecs.send(
          new DescribeServicesCommand({ cluster: "prod-r31", services: ["billing"] }),
        )
      ).services?.[0]?.taskDefinition;

    // First attempt: rolls back, then its message cannot be queued → the invocation fails.
    const first = await handlerWith(outbox.replace(/outbox-r31-policy-\d+$/, "missing-outbox-r31"))(
      event,
      localContext("policy"),
    ).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(DeliveryError);
    expect(await serviceNow()).toBe(good);

    // Lambda's retry of the same event, the outbox working again.
    await handlerWith(outbox)(event, localContext("policy"));
    const told = (await drainOutbox(world.clients.sqs, outbox)).join("\n---\n");

    // What holds in ECS: the policy rolled billing back from the privileged revision to `good`.
    // Slack must hear that — not that nothing was rolled back.
    expect(told).not.toMatch(/nothing was rolled back/);
    expect(told).toMatch(/rolled \*?prod-r31\/billing\*? back from/);
  });
});
