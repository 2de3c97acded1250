/**
 * A queued push is released by its deployment's end (A). A deploys it, then A's message cannot be
 * queued (the outbox queue is unreachable: a real SQS QueueDoesNotExist from moto), so A's
 * invocation fails with DeliveryError and Lambda retries it. The queue entry is forgotten only after
 * delivery, so the retry finds the push, sees it deployed earlier, and tells it. Found in review:
 * the entry used to be removed before delivery, and the retry said nothing ("ignored").
 */

import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { pushFromEvent } from "../../../core/redeploy/index.ts";
import { listPendingPushes, queuePendingPush } from "../../../core/redeploy/pendingPushes.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION } from "../../support/world.ts";

async function drain(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!r.Messages?.length) return texts;
    texts.push(
      ...r.Messages.map((m) => (JSON.parse(m.Body ?? "{}") as { message: { text: string } }).message.text),
    );
  }
}

describe("a release whose message could not be queued (pre-existing)", () => {
  it("the deploy of the queued push is still reported to Slack", async () => {
    const world = await createWorld();
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/quiet");
    await pushImage(world.clients, "shop/quiet", "1.0.0");
    const created = await createService(world.clients, {
      cluster: "prod",
      name: "quiet",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "quiet", image: ecrImage(REGION, "shop/quiet", "1.0.0"), essential: true }],
    });
    const serviceArn = created.serviceArn ?? "";
    const deployment = created.deployments?.[0]?.id ?? "";
    const digest = await pushImage(world.clients, "shop/quiet", "1.1.0", "1.1.0");
    const push = ecrPushEvent({
      region: REGION,
      repository: "shop/quiet",
      digest,
      tag: "1.1.0",
      id: "00000000-0000-4000-8000-00000000d001",
      time: "2026-11-26T10:00:00Z",
    });
    // Queued behind the service's deployment (as the push's own invocation does; Slack heard "queued").
    await queuePendingPush(
      world.state,
      {
        push: pushFromEvent(push),
        serviceArn,
        clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
        behind: deployment,
        queuedAt: "2026-11-25T10:00:01Z",
      },
      undefined,
    );
    const outbox =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-11d-${process.pid}` })))
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
    const broken = handlerWith(outbox.replace(/outbox-11d-\d+$/, "no-such-queue"));
    const working = handlerWith(outbox);
    const end = deploymentEvent({
      id: "deployment-d001",
      sample: "ecs-deployment-state-change-completed.json",
      account: "123456789012",
      region: REGION,
      serviceArn,
      deploymentId: deployment,
    });
    // A: deploys, its message cannot be queued → the invocation fails (Lambda retries it).
    const first = await broken(end, localContext("redeploy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DeliveryError);
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["quiet"] }),
    );
    const td = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
    );
    expect(td.taskDefinition?.containerDefinitions?.[0]?.image).toContain(digest);
    // A's retry (same event): the queue entry was already removed by A's first attempt.
    const retried = await working(end, localContext("redeploy"));
    expect(retried).toMatchObject({ reports: [{ services: [{ result: "skip:deployed-earlier" }] }] });
    const texts = await drain(world.clients.sqs, outbox);
    expect(await listPendingPushes(world.state)).toEqual([]);
    // Someone must have told Slack that 1.1.0 was deployed.
    expect(
      texts.filter((t) => t.includes("shop/quiet:1.1.0") && /deployed to 1|skipped/.test(t)),
    ).not.toEqual([]);
  });
});
