/**
 * Issue 11, reviewer's note 2: one service's lasting read failure failed the whole push. Services
 * `api` and `web` track the same repository; a read for `api` alone keeps failing (its task
 * definition's DescribeTaskDefinition, or its running image's DescribeImages, throttled past the
 * SDK's retries). Before, the push threw: `web` was not deployed either, on every retry and after
 * the redrive, for as long as `api`'s read failed (every push of the repository dead-lettered). The
 * apply step already kept services apart ("a failure of one service is reported and does not stop
 * the others"); the reads now do too: `web` deploys, `api` is reported failed and fails the
 * invocation, so it is retried and, at last, dead-lettered; the retry deploys `api` and finds `web`
 * deployed earlier by the same event (idempotent).
 *
 * moto cannot throttle: the fault is injected between the SDK and moto for that one read.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { ServiceIndex } from "../../../core/redeploy/index.ts";
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

it.each([
  ["its task definition's DescribeTaskDefinition", "DescribeTaskDefinition"],
  ["its running image's DescribeImages", "DescribeImages"],
] as const)(
  "a lasting failure of %s for one service fails that service alone; the other deploys, and the retry completes",
  async (_, read) => {
    const world = await createWorld();
    const repository = `shop/unread-${read.toLowerCase()}`;
    const cluster = `unread-${read.toLowerCase()}`;
    await createCluster(world.clients, cluster);
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "1.0.0");
    await pushImage(world.clients, repository, "1.0.1");
    for (const [name, tag] of [
      ["api", "1.0.1"],
      ["web", "1.0.0"],
    ] as const)
      await createService(world.clients, {
        cluster,
        name,
        desiredCount: 1,
        tags: { "autopilot:redeploy": "minor" },
        containers: [{ name, image: ecrImage(REGION, repository, tag), essential: true }],
      });
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster, services: ["api"] }),
    );
    const apiTaskDefinition = described.services?.[0]?.taskDefinition ?? "";
    let failing = false;
    const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    world.clients.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { taskDefinition?: string };
        if (
          failing &&
          read === "DescribeTaskDefinition" &&
          context.commandName === "DescribeTaskDefinitionCommand" &&
          input.taskDefinition === apiTaskDefinition
        )
          throw throttled();
        return next(args);
      },
      { step: "initialize", name: "throttleApiTaskDefinition" },
    );
    world.clients.ecr.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { imageIds?: Array<{ imageTag?: string }> };
        if (
          failing &&
          read === "DescribeImages" &&
          context.commandName === "DescribeImagesCommand" &&
          input.imageIds?.some((id) => id.imageTag === "1.0.1")
        )
          throw throttled();
        return next(args);
      },
      { step: "initialize", name: "throttleApiRunningImage" },
    );
    // The service index is built (its first use reads every task definition).
    await new ServiceIndex(world.clients, world.state).rebuild();
    failing = true;
    const { handler, posted } = redeployHandler(world);
    const digest = await pushImage(world.clients, repository, "1.1.0");
    const event = ecrPushEvent({ region: REGION, repository, digest, tag: "1.1.0", id: `unread-${read}` });

    const failed = await handler(event, localContext("redeploy")).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    const step =
      read === "DescribeTaskDefinition"
        ? `DescribeTaskDefinition of ${apiTaskDefinition}: ThrottlingException: Rate exceeded`
        : `ImageFactsError: cannot read ${repository}@${digest} from ECR: DescribeImages (running 1.0.1): ThrottlingException: Rate exceeded`;
    expect((failed as Error).message).toBe(
      `1 service(s) failed to redeploy: ${cluster}/api: its state could not be read (${step}); the push is retried for it`,
    );
    // Before: web still ran 1.0.0 (the whole push failed).
    expect(await runningImage(world, "web", cluster)).toBe(pinnedImage(repository, digest));
    const told = posted.join("\n");
    expect(told).toContain(`:rocket: ${cluster} / web deployed`);
    expect(told).toContain(
      `:x: ${cluster} / api failed: its state could not be read (${step}); the push is retried for it`,
    );

    // The read answers again: Lambda's retry of the same event deploys api; web was deployed by it already.
    failing = false;
    expect(await runningImage(world, "api", cluster)).toBe(ecrImage(REGION, repository, "1.0.1"));
    expect(await handler(event, localContext("redeploy"))).toMatchObject({
      deployed: 1,
      failed: 0,
      services: [
        { service: `${cluster}/api`, result: "deployed" },
        { service: `${cluster}/web`, result: "skip:deployed-earlier" },
      ],
    });
    expect(await runningImage(world, "api", cluster)).toBe(pinnedImage(repository, digest));
    expect(await runningImage(world, "web", cluster)).toBe(pinnedImage(repository, digest));
  },
  30_000,
);
