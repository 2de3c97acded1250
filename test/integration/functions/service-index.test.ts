import { DeleteServiceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { repositoryKey, ServiceIndex } from "../../../core/redeploy/index.ts";
import { createServiceIndexHandler } from "../../../functions/service-index.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let handler: ReturnType<typeof createServiceIndexHandler>;
let index: ServiceIndex;
const key = repositoryKey("123456789012", REGION, "shop/search");

/** An "AWS API Call via CloudTrail" event derived from AWS's sample record. */
const call = (eventName: string, requestParameters: Record<string, unknown>) =>
  cloudTrailEnvelope({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName,
    awsRegion: REGION,
    requestParameters,
  });

describe("functions/service-index", () => {
  beforeAll(async () => {
    world = await createWorld();
    handler = createServiceIndexHandler(
      createRuntime("service-index", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => {}),
      }),
    );
    index = new ServiceIndex(world.clients, world.state);
    await createCluster(world.clients, "search");
  });

  it("rebuilds the index on the schedule (the real Scheduled Event sample)", async () => {
    await createService(world.clients, {
      cluster: "search",
      name: "indexer",
      containers: [{ name: "indexer", image: ecrImage(REGION, "shop/search", "7.1.0"), essential: true }],
    });
    const response = await handler(loadFixture("scheduled-event.json"), localContext("service-index"));
    expect(response).toMatchObject({ action: "rebuilt", clusters: 1, services: 1, repositories: 1 });
    expect((await index.lookup(key)).map((e) => e.serviceArn)).toEqual([
      "arn:aws:ecs:eu-west-1:123456789012:service/search/indexer",
    ]);
  });

  it("indexes a service created after the build from its CloudTrail CreateService call", async () => {
    await createService(world.clients, {
      cluster: "search",
      name: "query",
      containers: [{ name: "query", image: ecrImage(REGION, "shop/search", "7.1.0"), essential: true }],
    });
    const response = await handler(
      call("CreateService", { cluster: "search", serviceName: "query" }),
      localContext("service-index"),
    );
    expect(response).toMatchObject({ action: "indexed", service: "query" });
    expect((await index.lookup(key)).map((e) => e.serviceArn).sort()).toEqual([
      "arn:aws:ecs:eu-west-1:123456789012:service/search/indexer",
      "arn:aws:ecs:eu-west-1:123456789012:service/search/query",
    ]);
  });

  it("removes a deleted service on its DeleteService call", async () => {
    await world.clients.ecs.send(
      new DeleteServiceCommand({ cluster: "search", service: "query", force: true }),
    );
    const response = await handler(
      call("DeleteService", { cluster: "search", service: "query" }),
      localContext("service-index"),
    );
    expect(response).toMatchObject({ action: "removed" });
    expect((await index.lookup(key)).map((e) => e.serviceArn)).toEqual([
      "arn:aws:ecs:eu-west-1:123456789012:service/search/indexer",
    ]);
  });

  it("ignores ECS calls that do not change which images a service uses", async () => {
    const response = await handler(
      cloudTrailEnvelope(loadFixture("cloudtrail-record-ecs-createcluster.json")),
      localContext("service-index"),
    );
    expect(response).toMatchObject({ action: "ignored" });
  });
});
