import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ScheduledAction,
} from "@aws-sdk/client-application-auto-scaling";
import { TagResourceCommand, UntagResourceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { reconcileSchedules, type ScheduleReport } from "../../../core/schedule/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
// Wednesday 2026-11-25 13:00 in Berlin: inside the Mon-Fri 07:00-19:00 window.
const NOW = new Date("2026-11-25T12:00:00Z");
const ARN = (service: string) => `arn:aws:ecs:${REGION}:123456789012:service/dev/${service}`;

async function actionsOf(service: string): Promise<ScheduledAction[]> {
  const response = await world.clients.autoscaling.send(
    new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: `service/dev/${service}` }),
  );
  return (response.ScheduledActions ?? []).sort((a, b) =>
    (a.ScheduledActionName ?? "").localeCompare(b.ScheduledActionName ?? ""),
  );
}

const summary = (actions: ScheduledAction[]) =>
  actions.map((a) => [
    a.ScheduledActionName,
    a.Schedule,
    a.Timezone,
    a.ScalableTargetAction?.MinCapacity,
    a.ScalableTargetAction?.MaxCapacity,
  ]);

async function target(service: string) {
  const response = await world.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: [`service/dev/${service}`] }),
  );
  return response.ScalableTargets?.[0];
}

const writes = () =>
  world.counter.total((key) =>
    /^(ApplicationAutoScaling\.(Put|Delete|Register)|DynamoDB\.(Put|Delete|Update|BatchWrite))/.test(key),
  );

const tag = (service: string, value: string) =>
  world.clients.ecs.send(
    new TagResourceCommand({ resourceArn: ARN(service), tags: [{ key: "autopilot:schedule", value }] }),
  );

const reconcile = (options: { dryRun?: boolean } = {}): Promise<ScheduleReport> =>
  reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NOW, ...options });

describe("reconcileSchedules against moto", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "dev");
    const container = [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }];
    await createService(world.clients, {
      cluster: "dev",
      name: "web",
      containers: container,
      tags: { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" },
    });
    await createService(world.clients, {
      cluster: "dev",
      name: "api",
      containers: container,
      tags: {
        "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24",
        "autopilot:off-capacity": "1",
      },
    });
    await createService(world.clients, { cluster: "dev", name: "plain", containers: container });
    // api already scales with a target-tracking policy, and someone else has a scheduled action on it.
    const api = {
      ServiceNamespace: "ecs",
      ResourceId: "service/dev/api",
      ScalableDimension: "ecs:service:DesiredCount",
    } as const;
    await world.clients.autoscaling.send(
      new RegisterScalableTargetCommand({ ...api, MinCapacity: 2, MaxCapacity: 8 }),
    );
    await world.clients.autoscaling.send(
      new PutScalingPolicyCommand({
        ...api,
        PolicyName: "cpu-60",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        },
      }),
    );
    await world.clients.autoscaling.send(
      new PutScheduledActionCommand({
        ...api,
        ScheduledActionName: "black-friday",
        Schedule: "at(2026-11-27T06:00:00)",
        ScalableTargetAction: { MinCapacity: 6, MaxCapacity: 12 },
      }),
    );
  });

  it("creates exactly the planned actions, registers the target and keeps the current capacity", async () => {
    world.counter.reset();
    const dry = await reconcile({ dryRun: true });
    expect(writes()).toBe(0);
    const report = await reconcile();
    expect(report.services.map((s) => s.writes.length)).toEqual(dry.services.map((s) => s.writes.length));

    expect(summary(await actionsOf("web"))).toEqual([
      ["autopilot-down-1900-MON-FRI", "cron(0 19 ? * MON-FRI *)", "Europe/Berlin", 0, 0],
      ["autopilot-up-0700-MON-FRI", "cron(0 7 ? * MON-FRI *)", "Europe/Berlin", 2, 2],
    ]);
    const planned = report.services
      .find((s) => s.service.serviceName === "api")
      ?.actions?.map((a) => a.name)
      .sort();
    expect(
      (await actionsOf("api")).map((a) => a.ScheduledActionName).filter((n) => n?.startsWith("autopilot-")),
    ).toEqual(planned);
    // web had no scalable target: registered at the capacity the schedule wants now (up: 2).
    expect(await target("web")).toMatchObject({ MinCapacity: 2, MaxCapacity: 2 });
    // api's own min/max (2-8) is what it returns to; its policy and the other action are untouched.
    expect(await target("api")).toMatchObject({ MinCapacity: 2, MaxCapacity: 8 });
    expect(report.services.find((s) => s.service.serviceName === "api")?.capacity).toEqual({
      up: { min: 2, max: 8 },
      off: { min: 1, max: 1 },
    });
    const policies = await world.clients.autoscaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs", ResourceId: "service/dev/api" }),
    );
    expect(policies.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(["cpu-60"]);
    expect(summary((await actionsOf("api")).filter((a) => a.ScheduledActionName === "black-friday"))).toEqual(
      [["black-friday", "at(2026-11-27T06:00:00)", undefined, 6, 12]],
    );
    expect(report.services.map((s) => s.service.serviceName).sort()).toEqual(["api", "web"]);
  });

  it("makes zero write calls on a second run", async () => {
    world.counter.reset();
    const report = await reconcile();
    expect(report.services.flatMap((s) => s.writes)).toEqual([]);
    expect(writes()).toBe(0);
  });

  it("updates only what differs when the tag changes", async () => {
    await tag("web", "Mon-Fri 08:00-19:00 Europe/Berlin");
    world.counter.reset();
    const report = await reconcile();
    const web = report.services.find((s) => s.service.serviceName === "web");
    expect(
      web?.writes.map((w) =>
        w.kind === "put-action"
          ? `${w.reason} ${w.action.name}`
          : w.kind === "delete-action"
            ? `delete ${w.name}`
            : w.kind,
      ),
    ).toEqual(["delete autopilot-up-0700-MON-FRI", "create autopilot-up-0800-MON-FRI"]);
    expect(world.counter.byOperation()).toMatchObject({
      "ApplicationAutoScaling.PutScheduledAction": 1,
      "ApplicationAutoScaling.DeleteScheduledAction": 1,
    });
    expect(writes()).toBe(2);
  });

  it("repairs an action someone edited by hand, and only that one", async () => {
    await world.clients.autoscaling.send(
      new PutScheduledActionCommand({
        ServiceNamespace: "ecs",
        ResourceId: "service/dev/web",
        ScalableDimension: "ecs:service:DesiredCount",
        ScheduledActionName: "autopilot-down-1900-MON-FRI",
        Schedule: "cron(0 21 ? * MON-FRI *)",
        Timezone: "Europe/Berlin",
        ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 1 },
      }),
    );
    world.counter.reset();
    await reconcile();
    expect(writes()).toBe(1);
    expect(
      summary((await actionsOf("web")).filter((a) => a.ScheduledActionName?.startsWith("autopilot-down"))),
    ).toEqual([["autopilot-down-1900-MON-FRI", "cron(0 19 ? * MON-FRI *)", "Europe/Berlin", 0, 0]]);
  });

  it("leaves a service with an invalid schedule untouched and says what is wrong", async () => {
    const before = summary(await actionsOf("web"));
    await tag("web", "Mon-Fry 08:00-19:00 Europe/Berlin");
    world.counter.reset();
    const report = await reconcile();
    const web = report.services.find((s) => s.service.serviceName === "web");
    expect(web).toMatchObject({ status: "invalid", writes: [] });
    expect(web?.error).toBe(
      "invalid schedule 'Mon-Fry 08:00-19:00 Europe/Berlin': 'Mon-Fry': unknown day 'Fry' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
    );
    expect(writes()).toBe(0);
    expect(summary(await actionsOf("web"))).toEqual(before);
  });

  it("removes only its own actions and restores the remembered capacity when the tag goes", async () => {
    // Off-hours now: the reconciler scales web down, then the tag is removed.
    await tag("web", "Mon-Fri 08:00-19:00 Europe/Berlin");
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, {
      now: new Date("2026-11-25T22:00:00Z"),
    });
    expect(await target("web")).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });
    await world.clients.ecs.send(
      new UntagResourceCommand({ resourceArn: ARN("web"), tagKeys: ["autopilot:schedule"] }),
    );
    await world.clients.ecs.send(
      new UntagResourceCommand({
        resourceArn: ARN("api"),
        tagKeys: ["autopilot:schedule", "autopilot:off-capacity"],
      }),
    );

    const report = await reconcile();

    expect(report.services.map((s) => s.status)).toEqual(["unscheduled", "unscheduled"]);
    expect(await actionsOf("web")).toEqual([]);
    expect(await target("web")).toMatchObject({ MinCapacity: 2, MaxCapacity: 2 });
    expect((await actionsOf("api")).map((a) => a.ScheduledActionName)).toEqual(["black-friday"]);
    expect(await target("api")).toMatchObject({ MinCapacity: 2, MaxCapacity: 8 });
    world.counter.reset();
    expect((await reconcile()).services).toEqual([]);
    expect(writes()).toBe(0);
  });
});

describe("reconciling a cluster of 300 services", () => {
  it("reads in batches, never once per service, and writes nothing on the second run", async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "big");
    const container = [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }];
    for (let i = 0; i < 300; i++) {
      await createService(world.clients, {
        cluster: "big",
        name: `svc-${i}`,
        family: `svc-${i % 10}`,
        containers: container,
        ...(i % 3 === 0 ? { tags: { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" } } : {}),
      });
    }
    world.counter.reset();
    const first = await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NOW });
    expect(first.services).toHaveLength(100);
    const firstReads = world.counter.byOperation();
    world.counter.reset();
    await reconcileSchedules(world.clients, world.state, DEFAULT_CONFIG, { now: NOW });
    expect(writes()).toBe(0);
    // 300 services: 30 DescribeServices (10 each); 100 scheduled: 2 DescribeScalableTargets (50
    // each), 1 BatchGetItem (100 each); one DescribeScheduledActions for the whole namespace.
    expect(world.counter.byOperation()).toEqual({
      "ApplicationAutoScaling.DescribeScalableTargets": 2,
      "ApplicationAutoScaling.DescribeScheduledActions": 1,
      "DynamoDB.BatchGetItem": 1,
      "ECS.DescribeServices": 30,
      "ECS.ListClusters": 1,
      "ECS.ListServices": 1,
    });
    // First run: per scheduled service only its own writes (register target, 2 actions, remember capacity).
    expect(firstReads).toMatchObject({
      "ApplicationAutoScaling.RegisterScalableTarget": 100,
      "ApplicationAutoScaling.PutScheduledAction": 200,
      "DynamoDB.PutItem": 100,
    });
  }, 120_000);
});
