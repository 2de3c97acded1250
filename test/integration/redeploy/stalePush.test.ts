/**
 * A push event that arrives after its tag has moved on: delivered late, retried, or replayed from
 * the dead-letter queue days later (`dlq redrive redeploy` runs it through the same handler). The
 * tag now names a newer digest in ECR, or none, so deploying the event's digest would pin an older
 * image than the one the tag names. Found in review: a pipeline had deployed `:main` itself (the
 * revision carries no autopilot tags to compare against), and build 41's redriven event pinned
 * `@build41` over build 42.
 */
import { BatchDeleteImageCommand } from "@aws-sdk/client-ecr";
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

let serial = 0;
const eventId = () => `00000000-0000-4000-8f15-${String(++serial).padStart(12, "0")}`;

async function setUp(name: string, options: { desiredCount?: number } = {}) {
  const world = await createWorld();
  const posted: string[] = [];
  const slack = new TerminalNotifier((line) => posted.push(line));
  const repository = `shop/${name}`;
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, repository);
  // Each build also keeps its own tag: moto drops an image whose only tag moves (ECR keeps it untagged).
  await pushImage(world.clients, repository, "build-41", "build-41");
  const older = await pushImage(world.clients, repository, "main", "build-41");
  const newer = await pushImage(world.clients, repository, "build-42", "build-42");
  await pushImage(world.clients, repository, "main", "build-42");
  // Deployed by the pipeline after build 42: the image is `:main`, no autopilot tags on the revision.
  const created = await createService(world.clients, {
    cluster: "prod",
    name,
    desiredCount: options.desiredCount ?? 1,
    tags: { "autopilot:redeploy": "force" },
    containers: [{ name, image: ecrImage(REGION, repository, "main"), essential: true }],
  });
  const handler = createRedeployHandler(
    createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
  );
  const push = (digest: string, time: string) =>
    handler(
      ecrPushEvent({ region: REGION, repository, digest, tag: "main", id: eventId(), time }),
      localContext("redeploy"),
    );
  return { world, posted, repository, older, newer, created, handler, push };
}

describe("a push whose tag has moved on since", () => {
  it("is not deployed when redriven days later: the tag names a newer digest now", async () => {
    const { world, posted, repository, older, newer, push } = await setUp("redriven");
    const before = await runningImage(world, "redriven");

    const result = await push(older, "2026-11-23T10:00:00Z");

    expect(result).toMatchObject({ deployed: 0, skipped: 1, failed: 0 });
    expect(result).toMatchObject({
      services: [
        {
          service: "prod/redriven",
          result: "skip:superseded",
          detail: `'main' now names ${newer.slice(0, 19)}… in ${repository}, not the pushed ${older.slice(0, 19)}…: a later push of it replaced this one (this event was delivered late, retried or redriven)`,
        },
      ],
    });
    expect(await runningImage(world, "redriven")).toBe(before);
    expect(before).not.toContain(older);
    expect(posted.join("\n")).not.toContain(":rocket:");
  });

  it("deploys the push the tag still names (the control)", async () => {
    const { world, newer, push } = await setUp("current");
    const result = await push(newer, "2026-11-26T10:00:00Z");
    expect(result).toMatchObject({ deployed: 1, skipped: 0, failed: 0 });
    expect(await runningImage(world, "current")).toContain(`@${newer}`);
  });

  it("is not deployed when no image has the tag any more", async () => {
    const { world, repository, newer, push } = await setUp("untagged");
    await world.clients.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: repository, imageIds: [{ imageTag: "main" }] }),
    );
    const result = await push(newer, "2026-11-26T10:00:00Z");
    expect(result).toMatchObject({
      deployed: 0,
      services: [
        {
          result: "skip:superseded",
          detail: `no image in ${repository} has the tag 'main' any more (untagged or deleted since this push of ${newer.slice(0, 19)}…)`,
        },
      ],
    });
    expect(await runningImage(world, "untagged")).not.toContain(newer);
  });

  it("queued behind a roll-out, is dropped at its release once the tag has moved, and Slack hears it", async () => {
    // desiredCount 4: moto keeps the first deployment IN_PROGRESS, so the push queues.
    const { world, posted, repository, older, newer, created, handler, push } = await setUp("queued", {
      desiredCount: 4,
    });
    // Build 41's event queues while the tag still names it (looked up before build 42 moved it)…
    await pushImage(world.clients, repository, "main", "build-41");
    expect(await push(older, "2026-11-26T10:00:00Z")).toMatchObject({ queued: 1 });
    // …then `main` moves to build 42, whose own event is lost (dead-lettered, not redriven yet).
    await pushImage(world.clients, repository, "main", "build-42");
    const released = await handler(
      deploymentEvent({
        id: `deployment-stale-${++serial}`,
        sample: "ecs-deployment-state-change-completed.json",
        account: "123456789012",
        region: REGION,
        serviceArn: created.serviceArn ?? "",
        deploymentId: created.deployments?.[0]?.id ?? "",
      }),
      localContext("redeploy"),
    );
    expect(released).toMatchObject({
      status: "released",
      reports: [{ deployed: 0, services: [{ result: "skip:superseded" }] }],
    });
    expect(await runningImage(world, "queued")).not.toContain(older);
    expect(await runningImage(world, "queued")).not.toContain(newer);
    // Slack heard "queued" and now hears what became of it; the queue entry is gone.
    expect(posted.join("\n")).toContain("a later push of it replaced this one");
    expect(await listPendingPushes(world.state)).toEqual([]);
  });

  it("is not deployed through the build's second tag either: ECR's push time of the running image decides", async () => {
    // CI pushes every build as `:main` and `:sha-<build>` (one event per tag); the pipeline
    // deployed `:main` (build 42) itself. Build 41's `sha-41` event, redriven days later, passes
    // the tag check (`sha-41` names build 41 for ever) and `any` takes it over `main`.
    const world = await createWorld();
    const repository = "shop/twotags";
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, repository);
    const d41 = await pushImage(world.clients, repository, "sha-41", "build-41");
    await pushImage(world.clients, repository, "main", "build-41");
    const d42 = await pushImage(world.clients, repository, "sha-42", "build-42");
    await pushImage(world.clients, repository, "main", "build-42");
    await createService(world.clients, {
      cluster: "prod",
      name: "twotags",
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "twotags", image: ecrImage(REGION, repository, "main"), essential: true }],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      }),
    );
    const event = (tag: string, digest: string, time: string) =>
      ecrPushEvent({ region: REGION, repository, digest, tag, id: eventId(), time });
    world.counter.reset();
    const redriven = await handler(event("sha-41", d41, "2026-11-23T10:00:00Z"), localContext("redeploy"));
    expect(redriven).toMatchObject({ deployed: 0, services: [{ result: "skip:superseded" }] });
    expect(JSON.stringify(redriven)).toContain("before the push of 'main' that");
    expect(await runningImage(world, "twotags")).not.toContain(d41);
    // One more read for it: when the image `main` names was pushed (the revision does not say).
    expect(world.counter.byOperation()["ECR.DescribeImages"]).toBe(2);
    // Build 42's own `sha-42` event, on time (moto stamps images with the time they are put): deploys.
    const onTime = await handler(
      event("sha-42", d42, new Date(Date.now() + 1000).toISOString()),
      localContext("redeploy"),
    );
    expect(onTime).toMatchObject({ deployed: 1 });
    expect(await runningImage(world, "twotags")).toContain(`@${d42}`);
  });
});
