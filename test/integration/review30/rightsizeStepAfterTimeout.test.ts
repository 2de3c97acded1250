import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { applyRightsize } from "../../../core/rightsize/applyRightsize.ts";
import { serviceSize, webStepPlan } from "../../support/rightsizeScene.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const AT = new Date();
/** The weekly event's id: its retry keeps it (the claim's holder since the fix). */
const WEEKLY_EVENT = "review30-weekly-event";

describe("review 30: a right-sizing step whose run died after claiming it", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
  });

  it("is taken by the retried run, not called 'already this week'", async () => {
    const { plan } = await webStepPlan(world);

    // The first run: its UpdateService never answers (the function times out there).
    const dying = createAwsClients({ region: REGION });
    let reached = false;
    dying.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "UpdateServiceCommand") return next(args);
        reached = true;
        return new Promise<never>(() => {});
      },
      { step: "initialize", name: "review30-hang-update" },
    );
    void applyRightsize(
      dying.ecs,
      plan,
      { state: world.state, holder: WEEKLY_EVENT, at: AT, leaseSeconds: 1 },
      dying.ecs,
    );
    for (let i = 0; i < 200 && !reached; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reached).toBe(true);
    expect(await serviceSize(world, "fleet", "web")).toBe("2048/4096");
    // Its service lease (1 s here; the remaining time + 30 s deployed) runs out before the retry.
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    // The retry of the same weekly event.
    const retry = await applyRightsize(
      world.clients.ecs,
      plan,
      { state: world.state, holder: WEEKLY_EVENT, at: AT },
      world.clients.ecsSingleAttempt,
    );
    // Observed: { applied: [], alreadyThisWeek: ["fleet/web"] } and the service still at 2048/4096.
    expect({ applied: retry.applied.length, alreadyThisWeek: retry.alreadyThisWeek }).toEqual({
      applied: 1,
      alreadyThisWeek: [],
    });
    expect(await serviceSize(world, "fleet", "web")).toBe("1024/4096");
  }, 60_000);
});
