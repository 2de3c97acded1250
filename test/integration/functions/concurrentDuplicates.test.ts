/**
 * Concurrent duplicates never run side by side (issue 11, Must show 2). EventBridge and Lambda may
 * deliver one event twice, and the two may run at once: the second delivery, while the first holds
 * the event's lease, fails with EventInProgressError (Lambda retries it later) and leaves that lease
 * alone; a delivery after the first finished is answered from its record. The first delivery is
 * held mid-flight (its DescribeServices waits for the test) so that the second surely overlaps it.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { EventInProgressError } from "../../../runtime/eventClaims.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { pinnedImage, redeployHandler, runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

it("a second delivery while the first runs fails (retried later) and never deploys a second time", async () => {
  const world = await createWorld();
  const repository = "shop/duplicates";
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "1.0.0", "release-1.0.0");
  await createService(world.clients, {
    cluster: "prod",
    name: "web",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "minor" },
    containers: [{ name: "web", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
  });
  const digest = await pushImage(world.clients, repository, "1.1.0", "release-1.1.0");
  const event = ecrPushEvent({ region: REGION, repository, digest, tag: "1.1.0", id: "duplicate-delivery" });

  // Hold the first delivery at its first DescribeServices until the second has been answered.
  let entered!: () => void;
  const inFlight = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = true;
  world.clients.ecs.middlewareStack.add(
    (next, context) => async (args) => {
      if (holding && context.commandName === DescribeServicesCommand.name) {
        holding = false;
        entered();
        await held;
      }
      return next(args);
    },
    { step: "initialize", name: "holdFirstDelivery" },
  );
  const { handler } = redeployHandler(world);

  const first = handler(event, localContext("redeploy"));
  await inFlight;
  await expect(handler(event, localContext("redeploy"))).rejects.toBeInstanceOf(EventInProgressError);
  release();

  const firstResult = await first;
  expect(firstResult).toMatchObject({ deployed: 1 });
  // The revision the first delivery registered runs: one roll-out, web:2.
  expect(await runningImage(world, "web")).toBe(pinnedImage(repository, digest));
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "prod", services: ["web"] }),
  );
  expect(described.services?.[0]?.taskDefinition).toMatch(/:2$/);
  // Lambda's retry of the second delivery, after the first finished: answered from the record.
  expect(await handler(event, localContext("redeploy"))).toEqual(firstResult);
  const after = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "prod", services: ["web"] }),
  );
  expect(after.services?.[0]?.taskDefinition).toMatch(/:2$/);
}, 30_000);
