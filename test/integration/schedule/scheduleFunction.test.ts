import { DescribeScheduledActionsCommand } from "@aws-sdk/client-application-auto-scaling";
import { TagResourceCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { schedule } from "../../../cli/schedule.ts";
import { renderPlainText, type SlackMessage } from "../../../core/notify/index.ts";
import { createScheduleHandler } from "../../../functions/schedule.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const posts: SlackMessage[] = [];
const arn = (service: string) => `arn:aws:ecs:${REGION}:123456789012:service/qa/${service}`;
const handler = () =>
  createScheduleHandler(
    createRuntime("schedule", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: { post: async (message) => void posts.push(message) },
    }),
  );
/** A TagResource call as CloudTrail delivers it, derived from AWS's CloudTrail sample record. */
const tagCall = (service: string) =>
  cloudTrailEnvelope({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName: "TagResource",
    awsRegion: REGION,
    requestParameters: { resourceArn: arn(service), tags: [{ key: "autopilot:schedule", value: "…" }] },
  });

describe("functions/schedule", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "qa");
    for (const name of ["checkout", "search"])
      await createService(world.clients, {
        cluster: "qa",
        name,
        containers: [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }],
      });
  });

  it("reconciles the one service whose tags changed, and reports it", async () => {
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: arn("checkout"),
        tags: [{ key: "autopilot:schedule", value: "Mon-Fri 08:00-18:00 America/New_York" }],
      }),
    );
    const response = await handler()(tagCall("checkout"), localContext("schedule"));
    expect(response).toMatchObject({
      action: "reconciled-service",
      services: [{ service: "qa/checkout", status: "scheduled" }],
    });
    const actions = await world.clients.autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: "service/qa/checkout" }),
    );
    expect(actions.ScheduledActions?.map((a) => a.Schedule).sort()).toEqual([
      "cron(0 18 ? * MON-FRI *)",
      "cron(0 8 ? * MON-FRI *)",
    ]);
    expect(renderPlainText(posts.at(-1) ?? { text: "", blocks: [] })).toContain(
      "`create autopilot-up-0800-MON-FRI: cron(0 8 ? * MON-FRI *) America/New_York → 2`",
    );
  });

  it("tells Slack once about an invalid schedule, however often it runs, and changes nothing", async () => {
    posts.length = 0;
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: arn("search"),
        tags: [{ key: "autopilot:schedule", value: "Weekdays 08:00-18:00 Europe/Paris" }],
      }),
    );
    const scheduled = loadFixture("scheduled-event.json");
    for (const id of ["s1", "s2", "s3"]) await handler()({ ...scheduled, id }, localContext("schedule"));
    expect(posts.map((p) => p.text)).toEqual(["Invalid schedule on qa/search: left untouched"]);
    expect(renderPlainText(posts[0] ?? { text: "", blocks: [] })).toContain(
      "'Weekdays': expected days first, e.g. Mon-Fri",
    );
    const actions = await world.clients.autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: "service/qa/search" }),
    );
    expect(actions.ScheduledActions).toEqual([]);
  });

  it("prints the capacity timeline with `schedule plan`", async () => {
    const { output } = await schedule("plan", { days: "2", table: world.tableName }, world.clients);
    expect(output).toContain("qa/checkout  Mon-Fri 08:00-18:00 America/New_York  · up 2 · off 0");
    expect(output).toMatch(/ {2}(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} {2}[█·]{48}/);
    expect(output).toContain("qa/search: INVALID, left untouched");
  });
});
