import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListTaskDefinitionsCommand, TagResourceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { runCli } from "../../support/cli.ts";
import { FIXTURE_DIR, fixtureFiles } from "../../support/fixtures.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let dir: string;
let digest: string;

const cli = (...args: string[]) =>
  runCli(args, { AUTOPILOT_STATE_TABLE: world.tableName, SLACK_WEBHOOK_URL: "" });

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};

const revisions = async () =>
  (await world.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "checkout" })))
    .taskDefinitionArns?.length;

describe("ecs-autopilot CLI", () => {
  beforeAll(async () => {
    world = await createWorld();
    dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-cli-"));
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/checkout");
    await createService(world.clients, {
      cluster: "prod",
      name: "checkout",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "app", image: ecrImage(REGION, "shop/checkout", "2.3.0"), essential: true }],
    });
    digest = await pushImage(world.clients, "shop/checkout", "2.4.0");
  });

  it("refuses an unreadable or non-JSON event file with one line and exit 2", async () => {
    const missing = await cli("invoke", "redeploy", "--event", join(dir, "nope.json"));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^ecs-autopilot: cannot read event file .*nope\.json: ENOENT$/);
    const broken = await cli("invoke", "redeploy", "--event", file("broken.json", "{ not json"));
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split("\n")).toHaveLength(1);
    expect(broken.stderr).toContain("is not valid JSON");
  });

  it("refuses bad arguments with one line and exit 2", async () => {
    const unknownFlow = await cli("invoke", "teleport", "--event", "x.json");
    expect(unknownFlow).toMatchObject({ code: 2 });
    expect(unknownFlow.stderr.trim()).toBe(
      "ecs-autopilot: unknown flow 'teleport'; flows: redeploy, monitor, policy, schedule, rightsize, service-index",
    );
    const missingOption = await cli("redeploy", "plan", "--repository", "shop/checkout");
    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr.trim()).toBe(
      "ecs-autopilot: required option '--digest <digest>' not specified",
    );
    const badDigest = await cli("redeploy", "plan", "--repository", "shop/checkout", "--digest", "latest");
    expect(badDigest.code).toBe(2);
    expect(badDigest.stderr.trim()).toBe(
      "ecs-autopilot: --digest 'latest' is not an image digest (sha256:<hex>)",
    );
  });

  it("exits non-zero naming the invalid field of an event that fails its schema, and changes nothing", async () => {
    const before = await revisions();
    const event = sampleEvent("ecr-image-action-push.json");
    (event.detail as Record<string, unknown>)["image-digest"] = 42;
    const result = await cli("invoke", "redeploy", "--event", file("invalid.json", event));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("detail.image-digest: Invalid input: expected string, received number");
    expect(await revisions()).toBe(before);
  });

  it("prints the plan on --dry-run and then deploys for real", async () => {
    const event = file(
      "push.json",
      ecrPushEvent({ region: REGION, repository: "shop/checkout", digest, tag: "2.4.0", id: "cli-push-1" }),
    );
    const before = await revisions();
    const dry = await cli("invoke", "redeploy", "--event", event, "--dry-run");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      deployed: 1,
      services: [{ service: "prod/checkout", result: "would-deploy" }],
    });
    expect(await revisions()).toBe(before);

    const real = await cli("invoke", "redeploy", "--event", event);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ dryRun: false, deployed: 1, failed: 0 });
    expect(real.stderr).toContain("Redeploy: shop/checkout:2.4.0");
    expect(await revisions()).toBe((before ?? 0) + 1);
  });

  it("prints a redeploy plan for an image", async () => {
    const next = await pushImage(world.clients, "shop/checkout", "2.5.0");
    const result = await cli(
      "redeploy",
      "plan",
      "--repository",
      "shop/checkout",
      "--tag",
      "2.5.0",
      "--digest",
      next,
      "--region",
      REGION,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Plan for shop/checkout:2.5.0");
    expect(result.stdout).toMatch(/deploy {2}prod\/checkout\s+app: 2\.4\.0 → 2\.5\.0/);
    expect(result.stdout.trim().endsWith("1 to deploy, 0 skipped")).toBe(true);
  });

  it("accepts every ECS sample event for the monitor, also for clusters and services it cannot find", async () => {
    const samples = fixtureFiles().filter((f) => /^ecs-(task-state|deployment-state|service-action)/.test(f));
    expect(samples).toHaveLength(12);
    for (const sample of samples) {
      const result = await cli("invoke", "monitor", "--event", join(FIXTURE_DIR, sample));
      expect({
        sample,
        code: result.code,
        stderr: result.stderr.split("\n").filter((l) => l.startsWith("ecs-autopilot:")),
      }).toEqual({
        sample,
        code: 0,
        stderr: [],
      });
      expect(JSON.parse(result.stdout)).toHaveProperty("action");
    }
  }, 60_000);

  it("plans and dry-runs schedules, and refuses a bad --days", async () => {
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: `arn:aws:ecs:${REGION}:123456789012:service/prod/checkout`,
        tags: [{ key: "autopilot:schedule", value: "Mon-Fri 07:00-19:00 Europe/Berlin" }],
      }),
    );
    const dry = await cli("schedule", "apply", "--dry-run", "--days", "1");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      "would create autopilot-up-0700-MON-FRI: cron(0 7 ? * MON-FRI *) Europe/Berlin → 2",
    );
    expect(dry.stdout).toMatch(/1 scheduled, 0 invalid, 0 unscheduled; 4 writes planned \(dry run\)/);
    const after = await cli("schedule", "plan", "--days", "1");
    expect(after.stdout).toContain("would register scalable target → ");
    const bad = await cli("schedule", "plan", "--days", "0");
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr.trim()).toBe("ecs-autopilot: --days must be a whole number from 1 to 31, not '0'");
  });
});
