/**
 * Review 35 (issue 11, Must show 5 "a rerun after any fault converges" — here not even a fault:
 * the service's own scheduled action): a service's schedule tag is removed a minute before its
 * down action (`autopilot-down-1900-MON-FRI`) is due, and the tag change's reconcile runs as the
 * action fires. The scheduled path guards against exactly this (planSchedules.ts `nearTransition`:
 * no capacity change within 2 minutes of a transition, the action does it); the unscheduled path
 * has no guard and no read-back: `planUnscheduled` sees the target at its up capacity (2-2), plans
 * no restore, and its writes delete the actions and forget the remembered 2-2. When Application
 * Auto Scaling runs the down action between the plan's read and the delete (or a restore and the
 * delete), the service is left at 0 — and with its actions and memory gone, no later reconcile
 * looks at it again (`servicesToReconcile`): 0 writes, no word in Slack beyond "Schedule removed".
 * A production service whose schedule was just removed (to keep it up) stays at 0 tasks.
 *
 * Severity low: the window is the seconds around a transition. Against moto; moto never runs a
 * scheduled action, so the action's run is simulated by a middleware on the client under test: it
 * sets the target to the action's 0-0 just before the DeleteScheduledAction of the down action.
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { UntagResourceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { reconcileSchedules } from "../../../core/schedule/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
// Wednesday 2026-11-25 in Berlin: 14:00 (up), 18:59:30 (the tag removed), 19:15.
const AFTERNOON = new Date("2026-11-25T13:00:00Z");
const JUST_BEFORE_DOWN = new Date("2026-11-25T17:59:30Z");
const AFTER_DOWN = new Date("2026-11-25T18:15:00Z");
const RESOURCE = "service/r35edge/ledger";

/** Application Auto Scaling runs the down action (0-0) just before the reconcile deletes it. */
function downActionFiresBeforeDelete(client: ApplicationAutoScalingClient) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: { ScheduledActionName?: string } }).input;
      if (
        context.commandName === "DeleteScheduledActionCommand" &&
        input?.ScheduledActionName === "autopilot-down-1900-MON-FRI"
      )
        await world.clients.autoscaling.send(
          new RegisterScalableTargetCommand({
            ServiceNamespace: "ecs",
            ResourceId: RESOURCE,
            ScalableDimension: "ecs:service:DesiredCount",
            MinCapacity: 0,
            MaxCapacity: 0,
          }),
        );
      return next(args);
    },
    { step: "initialize", name: "review35-down-action-fires" },
  );
}

async function target() {
  const response = await world.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: [RESOURCE] }),
  );
  return response.ScalableTargets?.[0];
}

describe("review 35: a schedule removed as its down action runs", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "r35edge");
  });

  it("is not left at its off capacity by the next reconcile", async () => {
    const service = await createService(world.clients, {
      cluster: "r35edge",
      name: "ledger",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/ledger", "1.0.0"), essential: true }],
      tags: { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" },
    });
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: AFTERNOON });
    expect(await target()).toMatchObject({ MinCapacity: 2, MaxCapacity: 2 });

    // 18:59:30: the team removes the schedule to keep the service up; the reconcile runs as 19:00 comes.
    await world.clients.ecs.send(
      new UntagResourceCommand({ resourceArn: service.serviceArn ?? "", tagKeys: ["autopilot:schedule"] }),
    );
    const racing = createAwsClients({ region: REGION });
    downActionFiresBeforeDelete(racing.autoscaling);
    await reconcileSchedules(racing, world.state, DEFAULT_CONFIG, { now: JUST_BEFORE_DOWN });

    // The next reconcile: the schedule is gone, the service must be back at its up capacity.
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: AFTER_DOWN });
    expect(await target()).toMatchObject({ MinCapacity: 2, MaxCapacity: 2 });
  }, 60_000);
});
