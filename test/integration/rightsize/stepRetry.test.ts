/**
 * The week's step claim is held by the triggering event's id (issue 11, Must show 2; review 30):
 * a retry or redrive of the same event resumes its own step and never takes a second one; another
 * event in the same week is refused. Against moto; a hanging UpdateService (the Lambda timeout
 * while it is answering) is a middleware, as moto cannot hang.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { applyRightsize } from "../../../core/rightsize/applyRightsize.ts";
import { isoWeek } from "../../../core/rightsize/isoWeek.ts";
import type { RightsizePlan } from "../../../core/rightsize/planRightsize.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const AT = new Date();
const container = { name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true };

async function runs(): Promise<{ arn: string; size: string }> {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "fleet", services: ["web"] }),
  );
  const arn = described.services?.[0]?.taskDefinition ?? "";
  const definition = await world.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  return { arn, size: `${definition.taskDefinition?.cpu}/${definition.taskDefinition?.memory}` };
}

const revisions = async () =>
  (await world.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }))).taskDefinitionArns;

/** The plan of one step of `web` from `fromArn` (sized `from`) to `to`. */
function planOf(
  service: { serviceArn?: string; clusterArn?: string },
  fromArn: string,
  from: { cpu: number; memory: number },
  to: { cpu: number; memory: number },
): RightsizePlan {
  const register: RegisterTaskDefinitionCommandInput = {
    family: "web",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: String(to.cpu),
    memory: String(to.memory),
    containerDefinitions: [container],
  };
  return {
    actions: [
      {
        clusterName: "fleet",
        serviceName: "web",
        serviceArn: service.serviceArn ?? "",
        clusterArn: service.clusterArn ?? "",
        fromTaskDefinitionArn: fromArn,
        from,
        to,
        register,
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      },
    ],
    skipped: [],
  };
}

describe("right-sizing's weekly step, held by the event that claimed it", () => {
  let service: Awaited<ReturnType<typeof createService>>;
  let plan: RightsizePlan;
  const step = (holder: string) =>
    applyRightsize(
      world.clients.ecs,
      plan,
      { state: world.state, holder, at: AT },
      world.clients.ecsSingleAttempt,
    );

  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "fleet");
    service = await createService(world.clients, {
      cluster: "fleet",
      name: "web",
      containers: [container],
      taskDefinition: { cpu: "2048", memory: "4096" },
    });
    plan = planOf(
      service,
      service.taskDefinition ?? "",
      { cpu: 2048, memory: 4096 },
      { cpu: 1024, memory: 4096 },
    );
  });

  it("a retry whose first attempt did update the service (and died after) does not step it again, and keeps the week's claim", async () => {
    const first = await step("weekly-event-a");
    expect(first.applied).toEqual([expect.stringMatching(/^fleet\/web: 2048\/4096 → 1024\/4096 \(web:2\)$/)]);
    const stepped = await runs();
    expect(stepped.size).toBe("1024/4096");

    // The same event again, with the plan it made before the update (the service has moved on to
    // its step): not stepped again, and listed as its earlier attempt's step (told, not hidden).
    const retry = await step("weekly-event-a");
    expect(retry).toEqual({
      applied: [],
      steppedEarlier: ["fleet/web: 2048/4096 → 1024/4096 (by an earlier attempt of this run)"],
      alreadyThisWeek: [],
      deferred: [],
      failed: [],
    });
    expect(await runs()).toEqual(stepped);
    expect(await revisions()).toHaveLength(2);
    // The claim is still the event's: another event of the week is refused.
    expect(
      await world.state.get(stateKeys.rightsizeStep(service.serviceArn ?? "", isoWeek(AT))),
    ).toMatchObject({
      claimedBy: "weekly-event-a",
    });
    expect((await step("weekly-event-b")).alreadyThisWeek).toEqual(["fleet/web"]);
  });

  it("a retry that measures the stepped service and plans a further step does not take it this week", async () => {
    await step("weekly-event-a");
    const stepped = await runs();
    plan = planOf(service, stepped.arn, { cpu: 1024, memory: 4096 }, { cpu: 512, memory: 4096 });
    const retry = await step("weekly-event-a");
    expect(retry).toEqual({
      applied: [],
      steppedEarlier: ["fleet/web: 2048/4096 → 1024/4096 (by an earlier attempt of this run)"],
      alreadyThisWeek: [],
      deferred: [],
      failed: [],
    });
    expect(await runs()).toEqual(stepped);
    expect(await revisions()).toHaveLength(2);
  });

  it("another event in the same week is refused the step an event claimed and never finished", async () => {
    // Event A's run hangs in UpdateService (its Lambda times out there).
    const dying = createAwsClients({ region: REGION });
    let reached = false;
    dying.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "UpdateServiceCommand") return next(args);
        reached = true;
        return new Promise<never>(() => {});
      },
      { step: "initialize", name: "hang-update" },
    );
    void applyRightsize(dying.ecs, plan, {
      state: world.state,
      holder: "weekly-event-a",
      at: AT,
      leaseSeconds: 1,
    });
    for (let i = 0; i < 200 && !reached; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reached).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    expect(await step("weekly-event-b")).toEqual({
      applied: [],
      steppedEarlier: [],
      alreadyThisWeek: ["fleet/web"],
      deferred: [],
      failed: [],
    });
    expect((await runs()).size).toBe("2048/4096");
    // Event A's own retry takes it, with the revision its first attempt registered.
    expect((await step("weekly-event-a")).applied).toEqual([
      expect.stringMatching(/^fleet\/web: 2048\/4096 → 1024\/4096 \(web:2\)$/),
    ]);
    expect((await runs()).size).toBe("1024/4096");
    expect(await revisions()).toHaveLength(2);
  }, 60_000);
});
