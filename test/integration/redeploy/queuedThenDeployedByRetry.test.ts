/**
 * One push P of shop/nat for two services: `natA` is held by another change (a right-sizing
 * step's lease), so P queues for it; `natB`'s RegisterTaskDefinition fails (a lasting error,
 * injected by an SDK middleware: moto cannot fail one family's registration on demand), so P's
 * invocation fails and Lambda retries it. By the retry the lease is gone: the retry deploys P to
 * natA under P's own event and tells it. natA's next deployment end releases P's queue entry,
 * finds it deployed by P itself, and forgets it quietly. Found in review: the entry was left
 * ("the deploying release forgets it"), but P is no release, so it stayed and was released again
 * by every sweep.
 */

import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { listPendingPushes } from "../../../core/redeploy/pendingPushes.ts";
import { sweepPendingPushes } from "../../../core/redeploy/releasePendingPush.ts";
import { acquireLease, stateKeys } from "../../../core/state/index.ts";
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
import { createWorld, REGION } from "../../support/world.ts";

describe("a push queued for one service and failed on another, then retried", () => {
  it("leaves no queue entry behind once it runs everywhere", async () => {
    const world = await createWorld();
    const slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/nat");
    await pushImage(world.clients, "shop/nat", "1.0.0");
    const arns: Record<string, string> = {};
    for (const name of ["natA", "natB"]) {
      const s = await createService(world.clients, {
        cluster: "prod",
        name,
        desiredCount: 1,
        tags: { "autopilot:redeploy": "minor" },
        containers: [{ name: "app", image: ecrImage(REGION, "shop/nat", "1.0.0"), essential: true }],
      });
      arns[name] = s.serviceArn ?? "";
    }
    let failB = true;
    (world.clients.ecs.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, context: { commandName: string }) =>
        async (args: { input: { family?: string } }) => {
          if (
            failB &&
            context.commandName === "RegisterTaskDefinitionCommand" &&
            args.input.family === "natB"
          )
            throw Object.assign(new Error("injected lasting failure"), { name: "ServerException" });
          return next(args);
        },
      { step: "initialize", name: "failNatB" },
    );
    for (const c of [world.clients.ecsSingleAttempt])
      (c.middlewareStack.add as (m: unknown, o: unknown) => void)(
        (next: (a: unknown) => Promise<unknown>, context: { commandName: string }) =>
          async (args: { input: { family?: string } }) => {
            if (
              failB &&
              context.commandName === "RegisterTaskDefinitionCommand" &&
              args.input.family === "natB"
            )
              throw Object.assign(new Error("injected lasting failure"), { name: "ServerException" });
            return next(args);
          },
        { step: "initialize", name: "failNatB" },
      );
    await acquireLease(world.state, stateKeys.serviceUpdate(arns.natA ?? ""), "rightsize-run-1", {
      leaseSeconds: 600,
      attributes: { change: "the right-sizing step 1024/2048 → 512/1024" },
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    const digest = await pushImage(world.clients, "shop/nat", "1.1.0", "1.1.0");
    const push = ecrPushEvent({
      region: REGION,
      repository: "shop/nat",
      digest,
      tag: "1.1.0",
      id: "00000000-0000-4000-8000-0000000e4001",
      time: "2026-11-26T10:00:00Z",
    });
    const first = await handler(push, localContext("redeploy")).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect((await listPendingPushes(world.state)).map((p) => p.serviceArn)).toEqual([arns.natA]);
    // The right-sizing lease runs out; the fault is gone; Lambda retries P.
    await acquireLease(
      world.state,
      stateKeys.serviceUpdate(arns.natA ?? ""),
      "rightsize-run-1",
      { leaseSeconds: 1 },
      new Date(Date.now() - 60_000),
    );
    failB = false;
    const retried = await handler(push, localContext("redeploy"));
    expect(retried).toMatchObject({ deployed: 2 });
    // natA's deployment (the retry's) ends.
    const a = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["natA"] }),
    );
    const ended = await handler(
      deploymentEvent({
        id: "deployment-e4001",
        sample: "ecs-deployment-state-change-completed.json",
        account: "123456789012",
        region: REGION,
        serviceArn: arns.natA ?? "",
        deploymentId: a.services?.[0]?.deployments?.[0]?.id ?? "",
      }),
      localContext("redeploy"),
    );
    // Deployed by P itself: released quietly (no second deploy message) and forgotten.
    expect(ended).toMatchObject({
      status: "released",
      reports: [{ deployed: 0, services: [{ result: "skip:deployed-earlier" }] }],
    });
    const afterEnd = (await listPendingPushes(world.state)).length;
    const swept = await sweepPendingPushes(
      { clients: world.clients, state: world.state, config: DEFAULT_CONFIG },
      { trigger: "sweep-e4001", now: new Date(Date.now() + 6 * 60_000) },
    );
    await Promise.all(swept.releases.map((r) => r.forget?.()));
    const afterSweep = (await listPendingPushes(world.state)).length;
    expect({ afterEnd, afterSweep }).toEqual({ afterEnd: 0, afterSweep: 0 });
  });
});
