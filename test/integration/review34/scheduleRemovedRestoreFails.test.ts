/**
 * Review 34 (issue 11, Must show 5 "up capacity remembered before the target is lowered; a rerun
 * after any fault converges", and 2 "lasting failure … retried"): a service's schedule tag is
 * removed at night, while the service is at its off capacity (0) with its up capacity remembered.
 * The reconcile deletes the service's `autopilot-…` actions first, then restores the remembered
 * capacity (RegisterScalableTarget), then forgets it (core/schedule/applyScheduleWrites.ts). When the
 * restore fails (a throttle past the SDK's retries, a 5xx, the Lambda timeout between the two), the
 * run reports "Schedule not applied … nothing is lost; the next reconcile starts again from what
 * holds" and fails for a retry. But the retry — and every later reconcile — no longer looks at the
 * service: `servicesToReconcile` (core/schedule/scheduleOwnership.ts) takes only services with a
 * schedule or with actions of ours, and its actions are gone. The remembered capacity is never
 * restored; the production service stays at 0 tasks for good, with no further word in Slack.
 *
 * Against moto; the refused RegisterScalableTarget is injected by a middleware on the client under
 * test (moto answers every call), as in test/integration/schedule/scheduleFaults.test.ts.
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { UntagResourceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { reconcileSchedules } from "../../../core/schedule/index.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
// Wednesday 2026-11-25 21:00 in Berlin: outside the Mon-Fri 07:00-19:00 window.
const NIGHT = new Date("2026-11-25T20:00:00Z");
const RESOURCE = "service/r34unsched/ledger";

/** Refuses RegisterScalableTarget for one resource, always (as a lasting throttle would). */
function refuseRegister(client: ApplicationAutoScalingClient, resourceId: string) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: { ResourceId?: string } }).input;
      if (context.commandName === "RegisterScalableTargetCommand" && input?.ResourceId === resourceId)
        throw Object.assign(new Error("Rate exceeded"), {
          name: "ThrottlingException",
          $metadata: { httpStatusCode: 400 },
        });
      return next(args);
    },
    { step: "initialize", name: "review34-refuse-register" },
  );
}

async function target() {
  const response = await world.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: [RESOURCE] }),
  );
  return response.ScalableTargets?.[0];
}

describe("review 34: a removed schedule whose capacity restore fails once", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "r34unsched");
  });

  it("is restored by the next reconcile (the service does not stay at its off capacity)", async () => {
    const service = await createService(world.clients, {
      cluster: "r34unsched",
      name: "ledger",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/ledger", "1.0.0"), essential: true }],
      tags: { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" },
    });
    const serviceArn = service.serviceArn ?? "";
    // Night: the service is scaled to 0, its up capacity 2-2 remembered.
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(await target()).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });
    expect(await world.state.get(stateKeys.scheduleMemory(serviceArn))).toMatchObject({ upMin: 2, upMax: 2 });

    // The team removes the schedule (the service should come back up).
    await world.clients.ecs.send(
      new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ["autopilot:schedule"] }),
    );

    // The restore is refused: reported as failed.
    const faulty = createAwsClients({ region: REGION });
    refuseRegister(faulty.autoscaling, RESOURCE);
    const failed = await reconcileSchedules(faulty, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(failed.services.map((s) => [s.service.serviceName, s.status, s.failure])).toEqual([
      ["ledger", "unscheduled", "ThrottlingException: Rate exceeded"],
    ]);
    const actions = await world.clients.autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: RESOURCE }),
    );
    // Our actions stay until the capacity is back: they make the next reconcile look again.
    expect((actions.ScheduledActions ?? []).map((a) => a.ScheduledActionName).sort()).toEqual([
      "autopilot-down-1900-MON-FRI",
      "autopilot-up-0700-MON-FRI",
    ]);

    // The retry (or the next scheduled reconcile), the fault gone: it must restore 2-2.
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(await target()).toMatchObject({ MinCapacity: 2, MaxCapacity: 2 });
    expect(await world.state.get(stateKeys.scheduleMemory(serviceArn))).toBeUndefined();
  });
});
