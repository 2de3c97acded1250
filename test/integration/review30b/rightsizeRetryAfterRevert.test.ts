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
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { applyRightsize } from "../../../core/rightsize/applyRightsize.ts";
import type { RightsizePlan } from "../../../core/rightsize/planRightsize.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const AT = new Date();
const WEEKLY_EVENT = "review30b-weekly-event";
const container = { name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true };

async function runs() {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "fleet", services: ["web"] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition }),
  );
  return `${definition.taskDefinition?.cpu}/${definition.taskDefinition?.memory}`;
}

describe("review 30b: a retry of the weekly event after the week's step was taken and undone", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "fleet");
  });

  it("does not step the service down a second time this week", async () => {
    const service = await createService(world.clients, {
      cluster: "fleet",
      name: "web",
      containers: [container],
      taskDefinition: { cpu: "2048", memory: "4096" },
    });
    const from = service.taskDefinition ?? "";
    const register: RegisterTaskDefinitionCommandInput = {
      family: "web",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "1024",
      memory: "4096",
      containerDefinitions: [container],
    };
    const plan: RightsizePlan = {
      actions: [
        {
          clusterName: "fleet",
          serviceName: "web",
          serviceArn: service.serviceArn ?? "",
          clusterArn: service.clusterArn ?? "",
          fromTaskDefinitionArn: from,
          from: { cpu: 2048, memory: 4096 },
          to: { cpu: 1024, memory: 4096 },
          register,
          deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
        },
      ],
      skipped: [],
    };

    // The first attempt takes the step (then, say, dies at the Slack post: the event is retried).
    const first = await applyRightsize(world.clients.ecs, plan, {
      state: world.state,
      holder: WEEKLY_EVENT,
      at: AT,
    });
    expect(first.applied.length).toBe(1);
    expect(await runs()).toBe("1024/4096");

    // ECS rolls the failed deployment back (or an operator restores the old size).
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "fleet", service: "web", taskDefinition: from }),
    );
    expect(await runs()).toBe("2048/4096");

    // The retry of the same weekly event plans the same step from the same revision.
    const retry = await applyRightsize(
      world.clients.ecs,
      plan,
      { state: world.state, holder: WEEKLY_EVENT, at: AT },
      world.clients.ecsSingleAttempt,
    );
    // Observed: applied 1, alreadyThisWeek [] and the service at 1024/4096 again — a second step.
    expect({ applied: retry.applied.length, alreadyThisWeek: retry.alreadyThisWeek }).toEqual({
      applied: 0,
      alreadyThisWeek: ["fleet/web"],
    });
    expect(await runs()).toBe("2048/4096");
  }, 120_000);
});
