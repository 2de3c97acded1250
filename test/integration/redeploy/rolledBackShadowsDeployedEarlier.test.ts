/**
 * Found in review (issue 11, round 11): the rolled-back check (planRedeploy.ts, decideService:
 * `snapshot.rolledBack?.has(push.digest)`) runs before "already running", and `rolledBackDigests`
 * collects every container image of a rolled-back deployment's target revision — also the ones
 * that deployment did not change. A push P deploys build 42 (pinned); its Slack message cannot be
 * queued, so the invocation fails and is retried (Lambda, or a redrive from the dead-letter
 * queue). Meanwhile a pipeline deploys a settings change on top of build 42 (same image) and ECS
 * rolls that back — to P's revision, build 42 still running. P's retry then says "ECS rolled back
 * a deployment of build 42 … not rolled out again" instead of "already deployed here by this
 * event": Slack is told the push did not go out while it runs, and the deploy is never reported.
 *
 * moto has no service revisions nor service deployments: those are answered on the client
 * (test/support/redeploy.ts, ecsServiceRevisions), as rolledBackToPinned.test.ts does.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import {
  ecsServiceRevisions,
  eventTime,
  nextSecond,
  pinnedImage,
  runningImage,
} from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

it("a retry of the push that deployed build 42 reports it deployed, not rolled back, after ECS rolled back a settings change on top of it", async () => {
  const world = await createWorld();
  const ecs = ecsServiceRevisions(world);
  const repository = "shop/shadowed";
  await createCluster(world.clients, "shadowed");
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "1.0.41", "build-41");
  const created = await createService(world.clients, {
    cluster: "shadowed",
    name: "web",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "patch" },
    containers: [{ name: "web", image: ecrImage(REGION, repository, "1.0.41"), essential: true }],
  });
  const outbox =
    (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-shadowed-${process.pid}` })))
      .QueueUrl ?? "";
  const handlerWith = (outboxQueueUrl: string) =>
    createRedeployHandler(
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        config: DEFAULT_CONFIG,
        outboxQueueUrl,
      }),
    );
  const broken = handlerWith(outbox.replace(/outbox-shadowed-\d+$/, "missing-outbox"));
  const working = handlerWith(outbox);

  // P: build 42 is deployed pinned; its message cannot be queued, so the invocation fails.
  await nextSecond();
  const d42 = await pushImage(world.clients, repository, "1.0.42", "build-42");
  const push = ecrPushEvent({
    region: REGION,
    repository,
    digest: d42,
    tag: "1.0.42",
    id: "shadowed-42",
    time: eventTime(),
  });
  const first = await broken(push, localContext("redeploy")).catch((e: unknown) => e);
  expect(first).toBeInstanceOf(DeliveryError);
  expect(await runningImage(world, "web", "shadowed")).toBe(pinnedImage(repository, d42));
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "shadowed", services: ["web"] }),
  );
  const ours = described.services?.[0]?.taskDefinition ?? "";

  // A pipeline deploys a settings change on top of build 42 (the same image); it fails its health
  // checks and ECS rolls back to P's revision: build 42 runs.
  await nextSecond();
  ecs.runs(ours, { web: d42 });
  ecs.rolledBack(created.serviceArn ?? "", { web: d42 });

  // P's retry.
  const retried = await working(push, localContext("redeploy"));

  expect(retried, JSON.stringify(retried)).toMatchObject({
    services: [{ result: "skip:deployed-earlier" }],
  });
  const texts: string[] = [];
  for (;;) {
    const r = await world.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: outbox, MaxNumberOfMessages: 10 }),
    );
    if (!r.Messages?.length) break;
    texts.push(...r.Messages.map((m) => m.Body ?? ""));
  }
  expect(texts.join("\n")).not.toContain("rolled back");
}, 30_000);
