/**
 * Found in review: `newerThanQueued` let "the digest the tag names now" beat a queued push
 * of the same tag whatever the event times said, and `tagNow` was read once per invocation and
 * reused when a plan was made again (`planAndApply`'s decide-again rounds after "another push
 * changed this service's queue at the same time"). Two pushes of `main` 10 s apart, the first
 * one's event handled 10 s late: its `DescribeImages` still sees `main` on build 42; build 43 is
 * pushed and its event queues; the first push's queue write then loses, it is planned again with
 * the stale `tagNow`, and build 42 replaces the queued build 43 although 43 is 10 s newer. At the
 * release, `main` names 43, so 42 is dropped as superseded: neither deploys, build 43 is lost.
 * Now ECR's answer only breaks ties of the same second, and each new plan reads it again.
 *
 * The interleaving is forced with a middleware on the ECR client (the second event runs right after
 * the first one's DescribeImages reply): moto cannot time two invocations, the AWS calls are real.
 */
import { ECRClient } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { listPendingPushes } from "../../../core/redeploy/pendingPushes.ts";
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
} from "../../../sandbox/seed.ts";
import { runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

const wholeSecond = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

describe("a plan made again reads where the tag points again", () => {
  it("two pushes of 'main' 10 s apart, the first handled late: the newer one ends up running", async () => {
    const world = await createWorld();
    const repository = "shop/replan";
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "build-41", "build-41");
    await pushImage(world.clients, repository, "main", "build-41");
    // desiredCount 4: moto keeps the first deployment IN_PROGRESS, so pushes queue behind it.
    const created = await createService(world.clients, {
      cluster: "prod",
      name: "replan",
      desiredCount: 4,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "replan", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    const runtime = () =>
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      });
    const first = createRedeployHandler(runtime());
    const second = createRedeployHandler(runtime());

    const now = Date.now();
    const d42 = await pushImage(world.clients, repository, "build-42", "build-42");
    await pushImage(world.clients, repository, "main", "build-42");
    const ci = { ...world.clients, ecr: new ECRClient({ region: REGION }) };
    let d43 = "";
    let secondResult: unknown;
    let fired = false;
    (world.clients.ecr.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName: string }) =>
        async (args: { input: { imageIds?: Array<{ imageTag?: string }> } }) => {
          const reply = await next(args);
          if (
            !fired &&
            context.commandName === "DescribeImagesCommand" &&
            args.input.imageIds?.[0]?.imageTag === "main"
          ) {
            fired = true;
            // Build 43 is pushed as `main` 10 s after 42, and its event is handled at once. (The
            // pushes are CI's, not the function's: a client outside the recorded ones makes them.)
            await pushImage(ci, repository, "build-43", "build-43");
            d43 = await pushImage(ci, repository, "main", "build-43");
            secondResult = await second(
              ecrPushEvent({
                region: REGION,
                repository,
                digest: d43,
                tag: "main",
                id: "00000000-0000-4000-8f11-000000000043",
                time: wholeSecond(new Date(now)),
              }),
              localContext("redeploy"),
            );
          }
          return reply;
        },
      { step: "initialize", name: "secondPushArrives" },
    );

    const firstResult = await first(
      ecrPushEvent({
        region: REGION,
        repository,
        digest: d42,
        tag: "main",
        id: "00000000-0000-4000-8f11-000000000042",
        time: wholeSecond(new Date(now - 10_000)),
      }),
      localContext("redeploy"),
    );
    expect(fired).toBe(true);
    expect(secondResult).toMatchObject({ queued: 1 });
    // Build 42's event is 10 s older and `main` names 43 by now: it must not replace 43 in the queue.
    // Was: queued, "replaces the queued main" (build 43 superseded).
    expect(JSON.stringify(firstResult)).not.toContain('"queued":1');

    await first(
      deploymentEvent({
        id: "replan-deployment-end",
        sample: "ecs-deployment-state-change-completed.json",
        account: "123456789012",
        region: REGION,
        serviceArn: created.serviceArn ?? "",
        deploymentId: created.deployments?.[0]?.id ?? "",
      }),
      localContext("redeploy"),
    );
    // Two pushes of one tag 10 s apart end with the newer digest running (issue 11, Must show 1).
    expect(await runningImage(world, "replan")).toContain(`@${d43}`);
    expect(await listPendingPushes(world.state)).toEqual([]);
  }, 30_000);
});
