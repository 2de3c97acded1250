/**
 * One acting stage per account and region: two stages' handlers — `production` (acting) and a
 * teammate's `alice` (dry-run, as infra/ deploys every other stage) — get the same events in one
 * moto account, each with its own state table. Only production changes the account.
 */
import { DescribeScheduledActionsCommand } from "@aws-sdk/client-application-auto-scaling";
import { DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createScheduleHandler } from "../../../functions/schedule.ts";
import { createRuntime, type FlowRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let production: World;
let alice: World;
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

/** A runtime as a deployed function builds it: its stage and mode come from the environment infra/ sets. */
function deployedRuntime(
  flow: string,
  world: World,
  stage: string,
  mode: string,
  config = ENFORCE,
): FlowRuntime {
  const previous = { stage: process.env.AUTOPILOT_STAGE, mode: process.env.AUTOPILOT_MODE };
  process.env.AUTOPILOT_STAGE = stage;
  process.env.AUTOPILOT_MODE = mode;
  try {
    return createRuntime(flow, {
      clients: world.clients,
      tableName: world.tableName,
      config,
      notifier: { post: async () => {} },
    });
  } finally {
    for (const [key, value] of [
      ["AUTOPILOT_STAGE", previous.stage],
      ["AUTOPILOT_MODE", previous.mode],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  }
}

const revisions = async (family: string) =>
  (
    await production.clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE" }),
    )
  ).taskDefinitionArns ?? [];

describe("stages: one acts, the others run the same code in dry-run", () => {
  beforeAll(async () => {
    await resetMoto();
    production = await createWorld();
    alice = await createWorld();
    await createCluster(production.clients, "prod");
    await createRepository(production.clients, "shop/web");
    await pushImage(production.clients, "shop/web", "1.0.0");
    await createService(production.clients, {
      cluster: "prod",
      name: "web",
      tags: { "autopilot:redeploy": "minor", "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" },
      containers: [{ name: "web", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }],
    });
  });

  it("a push: the dry-run stage plans the redeploy, only production registers and rolls out", async () => {
    const digest = await pushImage(production.clients, "shop/web", "1.1.0");
    const event = ecrPushEvent({
      region: REGION,
      repository: "shop/web",
      digest,
      tag: "1.1.0",
      id: "stages-push-1",
    });
    const planned = await createRedeployHandler(deployedRuntime("redeploy", alice, "alice", "dry-run"))(
      structuredClone(event),
      localContext("redeploy"),
    );
    expect(planned).toMatchObject({ dryRun: true, deployed: 1, services: [{ result: "would-deploy" }] });
    expect(await revisions("web")).toHaveLength(1);

    const deployed = await createRedeployHandler(
      deployedRuntime("redeploy", production, "production", "act"),
    )(structuredClone(event), localContext("redeploy"));
    expect(deployed).toMatchObject({ dryRun: false, deployed: 1, services: [{ result: "deployed" }] });
    expect(await revisions("web")).toHaveLength(2);
  });

  it("the 15-minute schedule: only production writes scheduled actions", async () => {
    const scheduled = { ...sampleEvent("scheduled-event.json"), region: REGION };
    const actions = async () =>
      (
        await production.clients.autoscaling.send(
          new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: "service/prod/web" }),
        )
      ).ScheduledActions ?? [];
    const planned = await createScheduleHandler(deployedRuntime("schedule", alice, "alice", "dry-run"))(
      { ...scheduled, id: "stages-schedule-1" },
      localContext("schedule"),
    );
    expect(planned).toMatchObject({ dryRun: true });
    expect((planned as { writes: number }).writes).toBeGreaterThan(0);
    expect(await actions()).toEqual([]);
    await createScheduleHandler(deployedRuntime("schedule", production, "production", "act"))(
      { ...scheduled, id: "stages-schedule-2" },
      localContext("schedule"),
    );
    // The tag's "Mon-Fri 07:00-19:00 Europe/Berlin" with the service's 2 tasks as the up capacity.
    expect(
      (await actions()).map((a) => [a.ScheduledActionName, a.Schedule, a.Timezone, a.ScalableTargetAction]),
    ).toEqual([
      [
        "autopilot-up-0700-MON-FRI",
        "cron(0 7 ? * MON-FRI *)",
        "Europe/Berlin",
        { MinCapacity: 2, MaxCapacity: 2 },
      ],
      [
        "autopilot-down-1900-MON-FRI",
        "cron(0 19 ? * MON-FRI *)",
        "Europe/Berlin",
        { MinCapacity: 0, MaxCapacity: 0 },
      ],
    ]);
  });

  it("enforcement: a dry-run stage (or a mistyped mode) reports, it never deregisters", async () => {
    const bad = (
      await createService(production.clients, {
        cluster: "prod",
        name: "privileged",
        containers: [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), privileged: true }],
      })
    ).taskDefinition as string;
    const registered = cloudTrailEnvelope({
      ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
      eventName: "RegisterTaskDefinition",
      awsRegion: REGION,
      requestParameters: { family: "privileged" },
      responseElements: { taskDefinition: { taskDefinitionArn: bad } },
    });
    const status = async () =>
      (await production.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: bad })))
        .taskDefinition?.status;
    for (const mode of ["dry-run", "acting"]) {
      const response = await createPolicyHandler(deployedRuntime("policy", alice, "alice", mode))(
        registered,
        localContext("policy"),
      );
      expect(response, mode).toMatchObject({
        dryRun: true,
        compliant: false,
        actions: [{ kind: "tag" }, { kind: "deregister" }],
      });
      expect(await status()).toBe("ACTIVE");
    }
    await createPolicyHandler(deployedRuntime("policy", production, "production", "act"))(
      registered,
      localContext("policy"),
    );
    expect(await status()).toBe("INACTIVE");
  });
});
