/**
 * Review 30 (issue 11, Must show 2 "a retry after any fault completes the work"): right-sizing
 * claims a service's weekly step (core/rightsize/applyRightsize.ts) under a holder that is a
 * fresh randomUUID per run, before it registers and updates. When the run dies after the claim and
 * before the service is updated (the Lambda timeout while UpdateService is still retrying), the
 * claim stays for 8 days and the retried run — another holder — reads it as "already stepped this
 * week": the step is not taken, and the summary says it was. (The redeploy flow resumes its own
 * lease; this claim cannot be resumed.) Against moto; the dying run's UpdateService never answers.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { applyRightsize } from "../../../core/rightsize/applyRightsize.ts";
import type { RightsizePlan } from "../../../core/rightsize/planRightsize.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const AT = new Date();
/** The weekly event's id: its retry keeps it (the claim's holder since the fix). */
const WEEKLY_EVENT = "review30-weekly-event";
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

describe("review 30: a right-sizing step whose run died after claiming it", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "fleet");
  });

  it("is taken by the retried run, not called 'already this week'", async () => {
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
    expect(await runs()).toBe("2048/4096");
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
    expect(await runs()).toBe("1024/4096");
  }, 60_000);
});
