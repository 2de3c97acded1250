/**
 * Schedules under faults: one service's failure never stops the others, the up capacity is
 * remembered before the target is ever lowered, and a rerun converges (then writes nothing).
 * The refused calls are injected by a middleware on the client under test (moto answers every
 * call); everything else is moto's real state.
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { reconcileSchedules } from "../../../core/schedule/index.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
let serial = 0;
// Wednesday 2026-11-25 21:00 in Berlin: outside the Mon-Fri 07:00-19:00 window (the service goes down).
const NIGHT = new Date("2026-11-25T20:00:00Z");
const container = [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }];

/** Refuses `command` for one service's scalable target, `times` times (Infinity: always). */
function refuse(
  client: ApplicationAutoScalingClient,
  command: string,
  resourceId: string,
  times = Number.POSITIVE_INFINITY,
) {
  let left = times;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: { ResourceId?: string } }).input;
      if (context.commandName !== `${command}Command` || input?.ResourceId !== resourceId || left <= 0)
        return next(args);
      left--;
      throw Object.assign(new Error("Rate exceeded"), {
        name: "ValidationException",
        $metadata: { httpStatusCode: 400 },
      });
    },
    { step: "initialize", name: `refuse-${command}-${++serial}` },
  );
}

async function target(service: string) {
  const response = await world.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: [`service/dev/${service}`] }),
  );
  return response.ScalableTargets?.[0];
}

async function actions(service: string) {
  const response = await world.clients.autoscaling.send(
    new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: `service/dev/${service}` }),
  );
  return (response.ScheduledActions ?? []).map((a) => a.ScheduledActionName).sort();
}

describe("schedule reconcile under faults", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "dev");
    for (const name of ["alpha", "beta", "gamma"])
      await createService(world.clients, {
        cluster: "dev",
        name,
        desiredCount: 2,
        containers: container,
        tags: { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" },
      });
  });

  it("reconciles every other service when one fails, reports it, and converges on the next run", async () => {
    const faulty = createAwsClients({ region: REGION });
    refuse(faulty.autoscaling, "PutScheduledAction", "service/dev/beta");
    const first = await reconcileSchedules(faulty, world.state, DEFAULT_CONFIG, { now: NIGHT });
    const byName = Object.fromEntries(first.services.map((s) => [s.service.serviceName, s.failure ?? "ok"]));
    expect(byName).toEqual({ alpha: "ok", beta: "ValidationException: Rate exceeded", gamma: "ok" });
    expect(await actions("alpha")).toHaveLength(2);
    expect(await actions("gamma")).toHaveLength(2);

    const second = await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(second.services.filter((s) => s.failure)).toEqual([]);
    // The retry writes what the refused run could not: beta's two actions, nothing else.
    expect(
      second.services
        .find((s) => s.service.serviceName === "beta")
        ?.writes.map((w) => (w.kind === "put-action" ? `${w.kind} ${w.action.name} ${w.reason}` : w.kind)),
    ).toEqual([
      "put-action autopilot-up-0700-MON-FRI create",
      "put-action autopilot-down-1900-MON-FRI create",
    ]);
    expect(second.services.find((s) => s.service.serviceName === "alpha")?.writes).toEqual([]);
    expect(await actions("beta")).toHaveLength(2);
    const third = await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(third.services.flatMap((s) => s.writes)).toEqual([]);
  });

  it("remembers the up capacity before lowering the target, so a failure in between loses nothing", async () => {
    const faulty = createAwsClients({ region: REGION });
    refuse(faulty.autoscaling, "RegisterScalableTarget", "service/dev/alpha");
    const first = await reconcileSchedules(faulty, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(first.services.find((s) => s.service.serviceName === "alpha")?.failure).toBe(
      "ValidationException: Rate exceeded",
    );
    // Nothing was lowered, and the capacity to restore is already known.
    expect(await target("alpha")).toBeUndefined();
    expect(
      await world.state.get(stateKeys.scheduleMemory(`arn:aws:ecs:${REGION}:123456789012:service/dev/alpha`)),
    ).toMatchObject({
      upMin: 2,
      upMax: 2,
      source: "desired count",
    });

    const second = await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });
    const alpha = second.services.find((s) => s.service.serviceName === "alpha");
    expect(alpha?.failure).toBeUndefined();
    expect(alpha?.capacity).toEqual({ up: { min: 2, max: 2 }, off: { min: 0, max: 0 } });
    expect(await target("alpha")).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });
  });
});
