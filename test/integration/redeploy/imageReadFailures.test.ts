/**
 * ECR's BatchGetImage reports some problems per image, in `failures`, not as an exception:
 * `KmsError`, `UpstreamUnavailable`, `UpstreamTooManyRequests` are ECR failing to read, not facts
 * about the image. Found in review (round 8): they were read as "no platform" — for the pushed
 * image the push was skipped as platform-unknown with a successful invocation (nothing retried it:
 * lost); for the image the tag names now, as "this service cannot take it", so a late push was
 * pinned over what runs. Now they fail the invocation, to be retried and, at last, dead-lettered.
 *
 * moto cannot produce a per-image KmsError: BatchGetImage is answered on the client for the one
 * digest; every other call goes to moto.
 */
import type { BatchGetImageCommandInput } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
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
  redeployHandler,
  runningImage,
} from "../../support/redeploy.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

/** BatchGetImage of `digest()` answers a KMS failure entry for it, as ECR does when KMS throttles. */
function kmsFailureFor(world: World, digest: () => string | undefined): void {
  world.clients.ecr.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as BatchGetImageCommandInput;
      const target = digest();
      if (
        context.commandName === "BatchGetImageCommand" &&
        target !== undefined &&
        input.imageIds?.some((id) => id.imageDigest === target)
      )
        return {
          output: {
            images: [],
            failures: [
              {
                imageId: { imageDigest: target },
                failureCode: "KmsError",
                failureReason: "KMS ThrottlingException",
              },
            ],
            $metadata: {},
          },
          response: {},
        } as never;
      return next(args);
    },
    { step: "initialize", name: "kmsFailureMotoCannot" },
  );
}

describe("a per-image read failure from ECR fails the push for a retry", () => {
  it("on the pushed image: the invocation fails (no skip:platform-unknown), and its retry deploys", async () => {
    const world = await createWorld();
    let failing: string | undefined;
    kmsFailureFor(world, () => failing);
    const repository = "shop/kms-pushed";
    await createCluster(world.clients, "pushed");
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "1.0.0", "release-1.0.0");
    await createService(world.clients, {
      cluster: "pushed",
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    });
    const { handler } = redeployHandler(world);
    const d110 = await pushImage(world.clients, repository, "1.1.0", "release-1.1.0");
    const event = ecrPushEvent({ region: REGION, repository, digest: d110, tag: "1.1.0", id: "kms-pushed" });
    failing = d110;

    await expect(handler(event, localContext("redeploy"))).rejects.toThrow(
      `cannot read ${repository}@${d110} from ECR: BatchGetImage: KmsError: KMS ThrottlingException (${d110})`,
    );
    expect(await runningImage(world, "web", "pushed")).toBe(ecrImage(REGION, repository, "1.0.0"));

    failing = undefined; // KMS answers again: Lambda's retry deploys.
    expect(await handler(event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
  }, 30_000);

  it("on the image the tag names now: never a reason to pin the late push over what runs", async () => {
    const world = await createWorld();
    const ecs = ecsServiceRevisions(world);
    let failing: string | undefined;
    kmsFailureFor(world, () => failing);
    const repository = "shop/kms-later";
    await createCluster(world.clients, "later");
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "sha-40", "build-40");
    const d40 = await pushImage(world.clients, repository, "main", "build-40");
    const created = await createService(world.clients, {
      cluster: "later",
      name: "web",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    ecs.runs(created.taskDefinition ?? "", { web: d40 });
    const { handler } = redeployHandler(world);
    await nextSecond();
    await pushImage(world.clients, repository, "sha-41", "build-41");
    const d41 = await pushImage(world.clients, repository, "main", "build-41");
    const t41 = eventTime();
    await nextSecond();
    await pushImage(world.clients, repository, "sha-42", "build-42");
    const d42 = await pushImage(world.clients, repository, "main", "build-42");
    failing = d42;

    const late = ecrPushEvent({
      region: REGION,
      repository,
      digest: d41,
      tag: "main",
      id: "kms-late",
      time: t41,
    });
    await expect(handler(late, localContext("redeploy"))).rejects.toThrow(
      `BatchGetImage: KmsError: KMS ThrottlingException (${d42})`,
    );
    expect(await runningImage(world, "web", "later")).toBe(ecrImage(REGION, repository, "main"));

    // ECR answers again: build 42 can run on this service (its own event deploys it): 41 is replaced.
    failing = undefined;
    expect(await handler(late, localContext("redeploy"))).toMatchObject({
      deployed: 0,
      services: [{ result: "skip:superseded" }],
    });
  }, 30_000);
});
