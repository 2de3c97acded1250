/**
 * The index build `sst deploy` asks for (infra/redeploy.ts) reports and never fails: the
 * Terraform provider fails the whole deploy on a function error, after everything else was
 * applied. Built, failed (a real connection refusal, not a mock) and out of time.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { DEPLOY_BUILD_SOURCE } from "../../../core/events/index.ts";
import { pushFromEvent, redeployPush, ServiceIndex } from "../../../core/redeploy/index.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { createServiceIndexHandler } from "../../../functions/service-index.ts";
import { DEPLOY_BUILD_MARGIN_MS, reportDeployBuild } from "../../../runtime/deployTimeBuild.ts";
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
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

/** The event infra/redeploy.ts gives the Invocation resource. */
const deployEvent = () => ({
  ...sampleEvent("scheduled-event.json"),
  id: "ecs-autopilot-deploy-build",
  region: REGION,
  account: "123456789012",
  time: "1970-01-01T00:00:00Z",
  resources: [DEPLOY_BUILD_SOURCE],
});

const runtimeWith = (clients = world.clients) =>
  createRuntime("service-index", { clients, tableName: world.tableName, notifier: { post: async () => {} } });

describe("the deploy-time index build", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/web");
    await pushImage(world.clients, "shop/web", "1.0.0");
    await createService(world.clients, {
      cluster: "prod",
      name: "web",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "web", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }],
    });
  });

  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL_ECS;
  });

  it("reports what it built when it can", async () => {
    const runtime = runtimeWith();
    const report = await reportDeployBuild(createServiceIndexHandler(runtime), runtime)(
      deployEvent(),
      localContext("service-index"),
    );
    expect(report).toMatchObject({ status: "built", result: { action: "rebuilt", services: 1 } });
    expect(await new ServiceIndex(world.clients, world.state).isBuilt()).toBe(true);
  });

  it("reports a failure instead of throwing it (ECS unreachable), and the first push builds the index", async () => {
    // A real failure: the ECS endpoint refuses connections (nothing listens on port 1).
    process.env.AWS_ENDPOINT_URL_ECS = "http://127.0.0.1:1";
    const unreachable = createAwsClients({ region: REGION, maxAttempts: 1 });
    await world.state.delete(stateKeys.indexBuilt());
    const runtime = createRuntime("service-index", {
      clients: unreachable,
      tableName: world.tableName,
      notifier: { post: async () => {} },
    });
    const report = await reportDeployBuild(createServiceIndexHandler(runtime), runtime)(
      deployEvent(),
      localContext("service-index"),
    );
    expect(report).toMatchObject({
      status: "failed",
      next: expect.stringContaining("first push builds the index"),
    });
    expect((report as { reason: string }).reason).toMatch(/ECONNREFUSED|connect/);
    delete process.env.AWS_ENDPOINT_URL_ECS;

    const digest = await pushImage(world.clients, "shop/web", "1.1.0");
    const push = pushFromEvent(
      ecrPushEvent({
        region: REGION,
        repository: "shop/web",
        digest,
        tag: "1.1.0",
        id: "deploy-build-push-1",
      }),
    );
    const result = await redeployPush(
      push,
      { clients: world.clients, state: world.state, config: DEFAULT_CONFIG },
      { dryRun: true },
    );
    expect(result.plan.actions.map((a) => a.service.serviceName)).toEqual(["web"]);
    expect(await new ServiceIndex(world.clients, world.state).isBuilt()).toBe(true);
  });

  it("answers before the function's timeout when the build takes longer", async () => {
    const never = () => new Promise<never>(() => {});
    const context = {
      ...localContext("service-index"),
      getRemainingTimeInMillis: () => DEPLOY_BUILD_MARGIN_MS + 100,
    };
    const started = Date.now();
    const report = await reportDeployBuild(never, runtimeWith())(deployEvent(), context);
    expect(report).toMatchObject({ status: "incomplete", reason: "not finished within 0 s" });
    expect(Date.now() - started).toBeLessThan(DEPLOY_BUILD_MARGIN_MS);
  });

  it("leaves every other event to the handler, errors included", async () => {
    const failing = async () => {
      throw new Error("boom");
    };
    await expect(
      reportDeployBuild(failing, runtimeWith())(
        sampleEvent("scheduled-event.json"),
        localContext("service-index"),
      ),
    ).rejects.toThrow("boom");
  });
});
