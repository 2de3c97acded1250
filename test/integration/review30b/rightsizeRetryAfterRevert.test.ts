/**
 * Review 30b (issue 11, Must show 2; F8 of review 30, fixed in 43dbead): the week's step is now
 * claimed under the weekly event's id, and a retry of the same event "reads back what runs":
 * only a service that runs the step's revision right now is called already stepped. A service
 * whose step was taken (UpdateService answered, the claim kept) and then undone — ECS's circuit
 * breaker rolled it back, or an operator put the old size back because the smaller one hurt — runs
 * the revision the step was planned from again, so the retry (the Scheduler's, `dlq redrive
 * rightsize` days later, or `invoke rightsize` with the same event file) steps it down a second
 * time in the same week. README "Apply": "a re-run or a failure after the step (say, at the Slack
 * post) cannot step a service down twice". Before 43dbead the retry was refused the claim (another
 * holder), so this is a regression of the fix. Against moto; the rollback is the UpdateService ECS
 * itself makes when it rolls a failed deployment back.
 */
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { applyRightsize } from "../../../core/rightsize/applyRightsize.ts";
import { serviceSize, webStepPlan } from "../../support/rightsizeScene.ts";
import { createWorld, resetMoto, type World } from "../../support/world.ts";

let world: World;
const AT = new Date();
const WEEKLY_EVENT = "review30b-weekly-event";

describe("review 30b: a retry of the weekly event after the week's step was taken and undone", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
  });

  it("does not step the service down a second time this week", async () => {
    const { from, plan } = await webStepPlan(world);

    // The first attempt takes the step (then, say, dies at the Slack post: the event is retried).
    const first = await applyRightsize(world.clients.ecs, plan, {
      state: world.state,
      holder: WEEKLY_EVENT,
      at: AT,
    });
    expect(first.applied.length).toBe(1);
    expect(await serviceSize(world, "fleet", "web")).toBe("1024/4096");

    // ECS rolls the failed deployment back (or an operator restores the old size).
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "fleet", service: "web", taskDefinition: from }),
    );
    expect(await serviceSize(world, "fleet", "web")).toBe("2048/4096");

    // The retry of the same weekly event plans the same step from the same revision.
    const retry = await applyRightsize(
      world.clients.ecs,
      plan,
      { state: world.state, holder: WEEKLY_EVENT, at: AT },
      world.clients.ecsSingleAttempt,
    );
    // Observed: applied 1, alreadyThisWeek [] and the service at 1024/4096 again — a second step.
    // Now: not stepped again, and told as the earlier attempt's step, undone since.
    expect({ applied: retry.applied.length, steppedEarlier: retry.steppedEarlier }).toEqual({
      applied: 0,
      steppedEarlier: [
        "fleet/web: 2048/4096 → 1024/4096 (by an earlier attempt of this run; undone since, it runs another revision now)",
      ],
    });
    expect(await serviceSize(world, "fleet", "web")).toBe("2048/4096");
  }, 120_000);
});
