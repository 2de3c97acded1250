import {
  DeleteServiceCommand,
  DescribeTaskDefinitionCommand,
  ServiceNotActiveException,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  applyRedeployPlan,
  imageChecksFor,
  loadImageFacts,
  loadSnapshots,
  planRedeploy,
  repositoryKey,
  ServiceIndex,
} from "../../../core/redeploy/index.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  pushImage,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("applyRedeployPlan when the service update fails", () => {
  it("deregisters the revision it registered, reports the failure, and lets a retry deploy again", async () => {
    const world = await createWorld();
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/cart");
    await createService(world.clients, {
      cluster: "prod",
      name: "cart",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "cart", image: ecrImage(REGION, "shop/cart", "1.0.0"), essential: true }],
    });
    const digest = await pushImage(world.clients, "shop/cart", "1.1.0");
    const index = new ServiceIndex(world.clients, world.state);
    await index.rebuild();
    const { snapshots } = await loadSnapshots(
      world.clients.ecs,
      await index.lookup(repositoryKey("123456789012", REGION, "shop/cart")),
    );
    const push = {
      account: "123456789012",
      region: REGION,
      repository: "shop/cart",
      digest,
      tag: "1.1.0",
      eventId: "e-fail",
    };
    const image = await loadImageFacts(
      world.clients.ecr,
      push,
      imageChecksFor(push, snapshots, DEFAULT_CONFIG),
    );
    const plan = planRedeploy(push, snapshots, DEFAULT_CONFIG, { image });
    // The service is deleted between plan and apply. moto 5.2.1 keeps answering UpdateService for
    // an INACTIVE service, so this fault is injected on the client; Register/Deregister hit moto.
    await world.clients.ecs.send(new DeleteServiceCommand({ cluster: "prod", service: "cart", force: true }));
    world.clients.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UpdateServiceCommand")
          throw new ServiceNotActiveException({ message: "Service was not ACTIVE.", $metadata: {} });
        return next(args);
      },
      { step: "initialize", name: "injectServiceNotActive" },
    );
    world.counter.reset();

    const [outcome] = await applyRedeployPlan(plan, { ecs: world.clients.ecs, state: world.state });

    expect(outcome?.kind).toBe("failed");
    // The error says what holds, read back from ECS: the service still runs cart:1, cart:2 is gone again.
    expect(outcome?.kind === "failed" && outcome.error).toBe(
      "RollOutError: UpdateService failed: ServiceNotActiveException: Service was not ACTIVE.; the service still runs cart:1; cart:2 was deregistered again",
    );
    expect(world.counter.byOperation()).toMatchObject({
      "ECS.RegisterTaskDefinition": 1,
      "ECS.UpdateService": 1,
      // The re-check before the roll-out, and the read-back after the failed update.
      "ECS.DescribeServices": 2,
      "ECS.DeregisterTaskDefinition": 1,
    });
    const orphan = await world.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "cart:2" }),
    );
    expect(orphan.taskDefinition?.status).toBe("INACTIVE");

    // The failed attempt released its claim: a retry of the same plan tries again instead of "duplicate".
    const [retry] = await applyRedeployPlan(plan, { ecs: world.clients.ecs, state: world.state });
    expect(retry?.kind).toBe("failed");
  });
});
