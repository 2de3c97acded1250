/**
 * Review 33 (issue 11, Must show 3: "Alerts are delivered at least once and shown once"): a54a79d
 * makes a policy message's id cover its outcome (`policyMessageIdentity`, core/policy/messages.ts),
 * "without times or anything else a retry would say differently" (core/flow.ts). For a
 * `no-rollback` that is the whole `reason`, and a deferral's reason carries the rollback's plan
 * reason, which ends with what the target search passed over: "; 1 earlier revision(s) could not
 * be read and were not considered" (core/policy/planForApiCall.ts `passedOver`). That count is
 * exactly what a retry says differently: a DescribeTaskDefinition throttled on one attempt reads
 * fine on the next. A deferral is the policy's designed retry path (the event fails to be checked
 * again), so the retry that is held up by the same roll-out tells the same "not rolled back yet …
 * retried" under another id, and Notify posts it again. Before a54a79d both had one id (the
 * headline `1 action(s): no-rollback`).
 *
 * Against moto (the policy function, its outbox queue, the Notify function's state) and a
 * loopback Slack. The roll-out holding the service is redeploy's lease, taken by hand as in
 * test/integration/review32/policyDeferredThenMovedUntold.test.ts. moto cannot throttle: the
 * throttle is a middleware on the first attempt's ECS client, above the SDK's retries (what the
 * caller sees once they are spent), for one earlier revision's DescribeTaskDefinition.
 */

import {
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { PolicyRollbackDeferredError } from "../../../core/policy/runPolicy.ts";
import { acquireLease, stateKeys } from "../../../core/state/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { notifyOnLoopback } from "../../support/notifyLoopback.ts";
import { outboxQueues, outboxRecords } from "../../support/outbox.ts";
import { deployedPolicy } from "../../support/policyRollbackScene.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 33: a policy rollback deferred twice by the same roll-out", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("tells 'not rolled back yet' once, whatever the retry's target search passed over", async () => {
    // billing-r33-df:1 and :2 compliant (the service runs :1), :3 privileged; someone's
    // UpdateService puts the service on :3. The target search reads :1 first (moto's service
    // deployment still names it, as ECS's does while the roll-out runs), then :2.
    const cluster = "prod-r33-df";
    const family = "billing-r33-df";
    const good: RegisterTaskDefinitionCommandInput = {
      family,
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
    await createCluster(world.clients, cluster);
    const { containerDefinitions, ...properties } = good;
    const service = await createService(world.clients, {
      cluster,
      name: "billing",
      family,
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const register = async (input: RegisterTaskDefinitionCommandInput) =>
      (await world.clients.ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition
        ?.taskDefinitionArn ?? "";
    const ran = service.taskDefinition ?? "";
    await register(good);
    const bad = await register({
      ...good,
      containerDefinitions: [{ ...containerDefinitions?.[0], name: "app", privileged: true }],
    });
    const updated = await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster, service: "billing", taskDefinition: bad }),
    );
    const serviceArn = updated.service?.serviceArn ?? "";
    const event = {
      ...cloudTrailEnvelope({
        ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
        eventName: "UpdateService",
        awsRegion: REGION,
        requestParameters: { cluster, service: "billing", taskDefinition: bad },
        responseElements: {
          service: {
            serviceName: "billing",
            serviceArn,
            clusterArn: updated.service?.clusterArn,
            taskDefinition: bad,
          },
        },
      }),
      id: "00000000-0000-4000-8000-00000r33d001",
    };

    const outbox = await outboxQueues(world.clients.sqs, "outbox-r33-df");
    const { slack, notify } = await notifyOnLoopback(world, "/services/T/B/r33df");
    try {
      // A push's roll-out holds the service for both attempts (its holder died mid-change: the
      // lease runs out at its deadline).
      const held = await acquireLease(world.state, stateKeys.serviceUpdate(serviceArn), "redeploy#push-1", {
        leaseSeconds: 900,
        attributes: { change: "the roll-out of shop/billing:1.0.1" },
      });
      expect(held.acquired).toBe(true);

      // First attempt: the DescribeTaskDefinition of :1 (the revision the service ran, the first
      // candidate) is throttled; the target is :2.
      const throttled = createAwsClients({ region: REGION });
      throttled.ecs.middlewareStack.add(
        (next, context) => async (args) => {
          const input = (args as { input?: { taskDefinition?: string } }).input;
          if (context.commandName === "DescribeTaskDefinitionCommand" && input?.taskDefinition === ran)
            throw Object.assign(new Error("Rate exceeded"), {
              name: "ThrottlingException",
              $fault: "client",
              $metadata: { httpStatusCode: 400, attempts: 5 },
            });
          return next(args);
        },
        { step: "initialize", name: "r33-throttle-first" },
      );
      const attempt = await deployedPolicy(
        world,
        outbox.working,
        throttled,
      )(event, localContext("policy")).catch((e: unknown) => e);
      expect(attempt).toBeInstanceOf(PolicyRollbackDeferredError);
      await notify(
        { Records: await outboxRecords(world.clients.sqs, outbox.working) },
        localContext("notify"),
      );

      // Lambda's retry, ECS answering every read: the same roll-out still holds the service.
      const retry = await deployedPolicy(world, outbox.working)(event, localContext("policy")).catch(
        (e: unknown) => e,
      );
      expect(retry).toBeInstanceOf(PolicyRollbackDeferredError);
      await notify(
        { Records: await outboxRecords(world.clients.sqs, outbox.working) },
        localContext("notify"),
      );

      // One outcome, one alert: "not rolled back yet … retried" is shown once.
      const deferrals = slack.posts.filter((p) => p.body.includes("not rolled back yet"));
      expect(deferrals.map((p) => JSON.parse(p.body).text)).toEqual([
        "Policy (enforce): billing-r33-df:3: 1 finding(s), 1 action(s): no-rollback",
      ]);
    } finally {
      await slack.close();
    }
  }, 90_000);
});
