/**
 * Review 35 (issue 11, Must show 5 "a rerun after any fault converges", and 2 "a retry after any
 * fault completes the work"): a service's schedule tag is removed at night. Its reconcile
 * (core/schedule/planSchedules.ts `planUnscheduled`, applied by applyScheduleWrites.ts) restores
 * the remembered 2-2, deletes its `autopilot-…` actions, and only then forgets the remembered
 * capacity. When that last write fails (a DynamoDB throttle past the SDK's retries), the run fails
 * for a retry — but its actions are gone, so the retry and every later reconcile no longer look at
 * the service (`servicesToReconcile`, scheduleOwnership.ts): 0 writes, success, and the remembered
 * 2-2 stays in the state table for good. Months later, the team (who raised the service to 4-10
 * meanwhile) tags the schedule again in the afternoon: the reconcile takes the stale memory as the
 * up capacity and lowers the running service from 4-10 to 2-2, where without the fault it would
 * have remembered 4-10 from the scalable target. The fix is in the order: forget before the
 * actions go (they are what makes the next reconcile look again), as the restore now is.
 *
 * Against moto; the refused DeleteItem of the schedule memory is injected by a middleware on the
 * client under test (moto answers every call), as test/integration/review34 injects its faults.
 */
import {
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { TagResourceCommand, UntagResourceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { reconcileSchedules } from "../../../core/schedule/index.ts";
import { StateTable } from "../../../core/state/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
const SCHEDULE = "Mon-Fri 07:00-19:00 Europe/Berlin";
// Wednesday 2026-11-25 21:00 in Berlin: outside the window.
const NIGHT = new Date("2026-11-25T20:00:00Z");
// Thursday 2027-03-11 14:00 in Berlin: inside the window.
const LATER_AFTERNOON = new Date("2027-03-11T13:00:00Z");
const RESOURCE = "service/r35forget/ledger";

/** Refuses every DeleteItem of a service's schedule memory (sk `schedule`), as a lasting throttle would. */
function refuseForget(faulty: ReturnType<typeof createAwsClients>): { refused: number } {
  const seen = { refused: 0 };
  faulty.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args as { input?: { Key?: Record<string, unknown> } }).input?.Key;
      const sk = key?.sk;
      const text = typeof sk === "string" ? sk : ((sk as { S?: string } | undefined)?.S ?? "");
      if (context.commandName?.startsWith("Delete") && text === "schedule") {
        seen.refused++;
        throw Object.assign(new Error("Throughput exceeds the current capacity of your table"), {
          name: "ProvisionedThroughputExceededException",
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: "initialize", name: "review35-refuse-forget" },
  );
  return seen;
}

async function target() {
  const response = await world.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: [RESOURCE] }),
  );
  return response.ScalableTargets?.[0];
}

describe("review 35: a removed schedule whose remembered capacity cannot be forgotten", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "r35forget");
  });

  it("does not leave the stale capacity to lower the service when the schedule comes back", async () => {
    const service = await createService(world.clients, {
      cluster: "r35forget",
      name: "ledger",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/ledger", "1.0.0"), essential: true }],
      tags: { "autopilot:schedule": SCHEDULE },
    });
    const serviceArn = service.serviceArn ?? "";
    // Night: scaled to 0, its up capacity 2-2 remembered.
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });
    expect(await target()).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });

    // The team removes the schedule; the reconcile's last write (forget) is refused.
    await world.clients.ecs.send(
      new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ["autopilot:schedule"] }),
    );
    const faulty = createAwsClients({ region: REGION });
    const seen = refuseForget(faulty);
    const failed = await reconcileSchedules(
      faulty,
      new StateTable(faulty.documents, world.tableName),
      DEFAULT_CONFIG,
      { now: NIGHT },
    );
    expect(seen.refused).toBeGreaterThan(0);
    expect(failed.services.map((s) => [s.service.serviceName, s.status, s.failure])).toEqual([
      [
        "ledger",
        "unscheduled",
        "ProvisionedThroughputExceededException: Throughput exceeds the current capacity of your table",
      ],
    ]);
    expect(await target()).toMatchObject({ MinCapacity: 2, MaxCapacity: 2 });

    // The retry, the fault gone.
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NIGHT });

    // Later the team runs the service at 4-10, then puts the schedule back in the afternoon.
    await world.clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: "ecs",
        ResourceId: RESOURCE,
        ScalableDimension: "ecs:service:DesiredCount",
        MinCapacity: 4,
        MaxCapacity: 10,
      }),
    );
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: serviceArn,
        tags: [{ key: "autopilot:schedule", value: SCHEDULE }],
      }),
    );
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: LATER_AFTERNOON });

    // Up hours: the service keeps the capacity it runs at (remembered from the target), not the
    // 2-2 of a schedule removed months ago.
    expect(await target()).toMatchObject({ MinCapacity: 4, MaxCapacity: 10 });
  }, 60_000);
});
