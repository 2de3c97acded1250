/**
 * A queued push is released by its deployment's end (A). A deploys it and tells Slack, then its
 * DeleteItem of the queue entry fails (a DynamoDB error, injected on the SDK: moto cannot fail one
 * call), so A's invocation fails and Lambda retries it. Before the retry, the sweep (B) releases the
 * same queued push: it finds the digest running, made by A's roll-out, and leaves the entry to A.
 * A's retry finds it "deployed earlier" and forgets the entry. Slack hears of the deploy once.
 * Found in review: B used to remove the entry while staying quiet, and if A's message had not gone
 * out, nobody told the deploy.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { pushFromEvent } from "../../../core/redeploy/index.ts";
import { listPendingPushes, queuePendingPush } from "../../../core/redeploy/pendingPushes.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("a release that fails after its deploy, and the sweep before its retry", () => {
  it("the deploy of the queued push is reported once", async () => {
    const world = await createWorld();
    const slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/quiet2");
    await pushImage(world.clients, "shop/quiet2", "1.0.0");
    const created = await createService(world.clients, {
      cluster: "prod",
      name: "quiet2",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "quiet2", image: ecrImage(REGION, "shop/quiet2", "1.0.0"), essential: true }],
    });
    const serviceArn = created.serviceArn ?? "";
    const deployment = created.deployments?.[0]?.id ?? "";
    const digest = await pushImage(world.clients, "shop/quiet2", "1.1.0", "1.1.0");
    const push = ecrPushEvent({
      region: REGION,
      repository: "shop/quiet2",
      digest,
      tag: "1.1.0",
      id: "00000000-0000-4000-8000-00000000d002",
      time: "2026-11-26T10:00:00Z",
    });
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
    // The next DeleteItem of a queue entry fails (once).
    let failNextPendingDelete = true;
    (world.clients.documents.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName: string }) =>
        async (args: { input: { Key?: { pk?: string | { S?: string } } } }) => {
          const pk = args.input.Key?.pk;
          const pending = pk === "pending" || (typeof pk === "object" && pk?.S === "pending");
          if (failNextPendingDelete && context.commandName.startsWith("Delete") && pending) {
            failNextPendingDelete = false;
            throw Object.assign(new Error("injected: InternalServerError"), { name: "InternalServerError" });
          }
          return next(args);
        },
      { step: "initialize", name: "failPendingDelete" },
    );
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    const end = deploymentEvent({
      id: "deployment-d002",
      sample: "ecs-deployment-state-change-completed.json",
      account: "123456789012",
      region: REGION,
      serviceArn,
      deploymentId: deployment,
    });
    const first = await handler(end, localContext("redeploy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["quiet2"] }),
    );
    const td = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
    );
    expect(td.taskDefinition?.containerDefinitions?.[0]?.image).toContain(digest);
    expect(slack.messages).toHaveLength(1);
    const swept = await handler(
      { ...sampleEvent("scheduled-event.json"), id: "sweep-d002" },
      localContext("redeploy"),
    );
    expect(swept).toMatchObject({
      reports: [{ deployed: 0, services: [{ result: "skip:deployed-earlier" }] }],
    });
    expect(await listPendingPushes(world.state)).toHaveLength(1);
    const retried = await handler(end, localContext("redeploy"));
    expect(retried).toMatchObject({ reports: [{ services: [{ result: "skip:deployed-earlier" }] }] });
    expect(await listPendingPushes(world.state)).toEqual([]);
    expect(slack.messages.filter((m) => m.text.startsWith("shop/quiet2:1.1.0"))).toHaveLength(1);
  });
});
