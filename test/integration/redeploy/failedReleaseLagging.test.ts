/**
 * Issue 11, reviewer's note 4: a FAILED "ECS Deployment State Change" releases a queued push, and
 * DescribeServices may lag behind that event. The release leaves the deployment the event names out
 * of "in progress" (the event is authoritative for what it names: planRedeploy's
 * deploymentInProgress), so a lagging view neither drops nor defers the push. But with the circuit
 * breaker's rollback on, ECS is rolling the service back to its last completed deployment ("the
 * service is rolled back to the last deployment that completed successfully", DeploymentCircuitBreaker
 * in the ECS API reference), and a lagging DescribeServices still names the FAILED deployment's task
 * definition as the service's: the release copied that revision — the settings that had just
 * failed — with the pushed image, and deployed it (a second failed roll-out, whose rollback then
 * counts against the pushed build). Now, while the FAILED deployment is still shown as the
 * service's own and rollback is on, the push waits for the rollback (released by its end, or the
 * sweep) and goes onto the revision the service returns to.
 *
 * moto 5.2.1 creates no deployment on UpdateService and never fails or rolls one back: what ECS
 * reports of the deployments (the pipeline's roll-out, then the rollback) is set on DescribeServices'
 * answer on the client; the service's task definition and everything else are moto's.
 */
import {
  type Deployment,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { listPendingPushes } from "../../../core/redeploy/pendingPushes.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { eventTime, pinnedImage, redeployHandler } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

it("a push queued behind a deployment that FAILED goes onto the revision ECS rolls back to, not the failed one a lagging DescribeServices still shows", async () => {
  const world = await createWorld();
  const repository = "shop/feed-lagging";
  await createCluster(world.clients, "lagging");
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "1.0.0");
  const created = await createService(world.clients, {
    cluster: "lagging",
    name: "feed",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "minor" },
    containers: [{ name: "feed", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
  });
  const serviceArn = created.serviceArn ?? "";
  const good = created.taskDefinition ?? "";
  const completed: Deployment = {
    id: "ecs-svc/completed",
    status: "PRIMARY",
    rolloutState: "COMPLETED",
    taskDefinition: good,
    createdAt: new Date(Date.now() - 3_600_000),
  };
  // The pipeline's deployment: new settings that fail (circuit breaker and rollback on).
  const broken = await world.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "feed",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: [
        {
          name: "feed",
          image: ecrImage(REGION, repository, "1.0.0"),
          essential: true,
          environment: [{ name: "DATABASE_URL", value: "postgres://wrong-host" }],
        },
      ],
    }),
  );
  const failing: Deployment = {
    id: "ecs-svc/pipeline",
    status: "PRIMARY",
    rolloutState: "IN_PROGRESS",
    taskDefinition: broken.taskDefinition?.taskDefinitionArn ?? "",
    createdAt: new Date(Date.now() - 60_000),
  };
  await world.clients.ecs.send(
    new UpdateServiceCommand({
      cluster: "lagging",
      service: "feed",
      taskDefinition: failing.taskDefinition,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
  let reported: Deployment[] = [failing, { ...completed, status: "ACTIVE" }];
  world.clients.ecs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== "DescribeServicesCommand") return result;
      for (const service of (result.output as DescribeServicesCommandOutput).services ?? [])
        if (service.serviceArn === serviceArn) service.deployments = reported;
      return result;
    },
    { step: "initialize", name: "deploymentsMotoDoesNotKeep" },
  );
  const { handler } = redeployHandler(world);
  const digest = await pushImage(world.clients, repository, "1.1.0");
  expect(
    await handler(
      ecrPushEvent({
        region: REGION,
        repository,
        digest,
        tag: "1.1.0",
        id: "lagging-110",
        time: eventTime(),
      }),
      localContext("redeploy"),
    ),
  ).toMatchObject({ queued: 1 });

  // The pipeline's deployment FAILED; DescribeServices still shows it rolling out, on its revision.
  const failed = await handler(
    deploymentEvent({
      id: "lagging-failed",
      sample: "ecs-deployment-state-change-failed.json",
      account: "123456789012",
      region: REGION,
      serviceArn,
      deploymentId: failing.id ?? "",
    }),
    localContext("redeploy"),
  );
  // Before the fix: { deployed: 1 } — feed:3, a copy of feed:2 (the failed settings) with 1.1.0.
  expect(failed).toMatchObject({
    reports: [
      {
        deployed: 0,
        queued: 1,
        services: [{ result: "queued", detail: "behind the rollback of deployment ecs-svc/pipeline" }],
      },
    ],
  });
  const revisions = await world.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "feed" }));
  expect(revisions.taskDefinitionArns).toHaveLength(2);
  expect((await listPendingPushes(world.state)).map((p) => p.behind)).toEqual([
    "the rollback of deployment ecs-svc/pipeline",
  ]);

  // ECS rolls back to the last completed deployment, which ends (COMPLETED): the push is released.
  await world.clients.ecs.send(
    new UpdateServiceCommand({ cluster: "lagging", service: "feed", taskDefinition: good }),
  );
  reported = [completed];
  const ended = await handler(
    deploymentEvent({
      id: "lagging-rolled-back",
      sample: "ecs-deployment-state-change-completed.json",
      account: "123456789012",
      region: REGION,
      serviceArn,
      deploymentId: completed.id ?? "",
    }),
    localContext("redeploy"),
  );
  expect(ended).toMatchObject({ reports: [{ deployed: 1 }] });
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "lagging", services: ["feed"] }),
  );
  const runs = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
  );
  const [container] = runs.taskDefinition?.containerDefinitions ?? [];
  expect(container?.image).toBe(pinnedImage(repository, digest));
  expect(container?.environment ?? []).toEqual([]);
  expect(await listPendingPushes(world.state)).toEqual([]);
}, 30_000);
