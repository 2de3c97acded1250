/**
 * Services created before ECS's long ARN format became the default (2021) keep short ARNs
 * (`service/<name>`, no cluster). moto makes them with the account setting
 * serviceLongArnFormat=disabled. Redeploy, the index and schedules work with them, and the IAM
 * proof (test/proof/iamCalls.test.ts) sees these calls: `service/*` allows them, `service/*\/*` did not.
 */
import { DescribeScheduledActionsCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, PutAccountSettingCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createScheduleHandler } from "../../../functions/schedule.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const runtime = (flow: string) =>
  createRuntime(flow, {
    clients: world.clients,
    tableName: world.tableName,
    config: parseConfig("{}", "test"),
    notifier: { post: async () => {} },
  });

describe("pre-2021 short service ARNs", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(
      new PutAccountSettingCommand({ name: "serviceLongArnFormat", value: "disabled" }),
    );
    await createCluster(world.clients, "legacy");
    await createRepository(world.clients, "shop/legacy");
    await pushImage(world.clients, "shop/legacy", "2.0.0");
    // Two services, described in one DescribeServices batch (one unmatched ARN denies a whole batch).
    for (const name of ["old-web", "old-worker"])
      await createService(world.clients, {
        cluster: "legacy",
        name,
        tags: { "autopilot:redeploy": "minor", "autopilot:schedule": "Mon-Fri 08:00-18:00 Europe/Berlin" },
        containers: [{ name: "app", image: ecrImage(REGION, "shop/legacy", "2.0.0"), essential: true }],
        taskDefinition: { executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole" },
      });
  });

  it("really are short here", async () => {
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "legacy", services: ["old-web"] }),
    );
    expect(described.services?.[0]?.serviceArn).toBe(`arn:aws:ecs:${REGION}:123456789012:service/old-web`);
  });

  it("are redeployed on a push", async () => {
    const digest = await pushImage(world.clients, "shop/legacy", "2.1.0");
    const response = await createRedeployHandler(runtime("redeploy"))(
      ecrPushEvent({
        region: REGION,
        repository: "shop/legacy",
        digest,
        tag: "2.1.0",
        id: "short-arn-push-1",
      }),
      localContext("redeploy"),
    );
    expect(response).toMatchObject({ deployed: 2, failed: 0 });
  });

  it("get their schedules (the scalable target is named by cluster and service, whatever the ARN)", async () => {
    await createScheduleHandler(runtime("schedule"))(
      { ...sampleEvent("scheduled-event.json"), region: REGION, id: "short-arn-schedule-1" },
      localContext("schedule"),
    );
    const actions = await world.clients.autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: "service/legacy/old-web" }),
    );
    // The tag's "Mon-Fri 08:00-18:00 Europe/Berlin" on the service named by its short ARN.
    expect(
      (actions.ScheduledActions ?? []).map((a) => [
        a.ScheduledActionName,
        a.Schedule,
        a.Timezone,
        a.ScalableTargetAction,
      ]),
    ).toEqual([
      [
        "autopilot-up-0800-MON-FRI",
        "cron(0 8 ? * MON-FRI *)",
        "Europe/Berlin",
        { MinCapacity: 2, MaxCapacity: 2 },
      ],
      [
        "autopilot-down-1800-MON-FRI",
        "cron(0 18 ? * MON-FRI *)",
        "Europe/Berlin",
        { MinCapacity: 0, MaxCapacity: 0 },
      ],
    ]);
  });
});
