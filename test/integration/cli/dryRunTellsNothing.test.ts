/**
 * A dry run on the command line (`invoke --dry-run`, and `dlq redrive --dry-run`, which replays each
 * letter through the same path) "prints the plan, changes nothing" (README): with a Slack target
 * configured it must not post to the team's channel, nor record the message as told — otherwise
 * the real run afterwards stays quiet about what it does. Against moto and a loopback Slack
 * stand-in; the handler is the real one, in process.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invokeEvent } from "../../../cli/invoke.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { SlackStandIn } from "../../faults/SlackStandIn.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let slack: SlackStandIn;
const saved = { ...process.env };

const running = async () =>
  (await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["cart"] })))
    .services?.[0]?.taskDefinition;

describe("a CLI dry run with Slack configured", () => {
  beforeAll(async () => {
    world = await createWorld();
    slack = await SlackStandIn.start();
    process.env.SLACK_WEBHOOK_URL = slack.webhookUrl;
    process.env.AWS_REGION = REGION;
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/cart");
    await pushImage(world.clients, "shop/cart", "1.0.0");
    await createService(world.clients, {
      cluster: "prod",
      name: "cart",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "cart", image: ecrImage(REGION, "shop/cart", "1.0.0"), essential: true }],
    });
  });
  afterAll(async () => {
    process.env = saved;
    await slack.close();
  });

  it("posts nothing and records nothing as told; the real run then deploys and says so once", async () => {
    const digest = await pushImage(world.clients, "shop/cart", "1.1.0");
    const push = ecrPushEvent({
      region: REGION,
      repository: "shop/cart",
      digest,
      tag: "1.1.0",
      id: "dry-run-push-1",
    });
    const before = await running();

    const dry = await invokeEvent("redeploy", push, { dryRun: true, table: world.tableName }, world.clients);
    expect(dry.exitCode).toBe(0);
    expect(slack.shown()).toEqual([]);
    expect(await running()).toBe(before);

    const real = await invokeEvent("redeploy", push, { table: world.tableName }, world.clients);
    expect(real.exitCode).toBe(0);
    expect(await running()).not.toBe(before);
    expect(slack.shown().map((m) => m.text)).toEqual([
      "shop/cart:1.1.0: deployed to 1 service(s), 0 failed, 0 skipped",
    ]);
  }, 60_000);
});
