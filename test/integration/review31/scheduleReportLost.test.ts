/**
 * Review 31 (issue 11, Must show 2 "its outcome is reported truthfully … a retry after any fault
 * completes the work" and 3 "alerts are delivered at least once"): the schedule flow applies a
 * service's schedule (scheduled actions created, target registered), then its Slack message cannot
 * be queued (the outbox's SendMessage fails): the invocation fails with DeliveryError and Lambda
 * retries the same event. The retry plans from what Application Auto Scaling holds now — nothing
 * left to write — and `scheduleMessages` tells only services with writes, so "Schedule applied"
 * is never told, by this event or by any later reconcile (which also finds nothing to write).
 * The service's scaling changed and Slack never hears of it. Against moto; the outbox failure is
 * a queue URL that does not exist, as in test/integration/redeploy/unreadRetryReport.test.ts.
 *
 * Fixed: runtime/deliver.ts keeps a report-keeping flow's report that the outbox did not take
 * under the event id, and the retry tells it instead of planning again (runtime/flowHandler.ts).
 */
import { DescribeScheduledActionsCommand } from "@aws-sdk/client-application-auto-scaling";
import { TagResourceCommand } from "@aws-sdk/client-ecs";
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createScheduleHandler } from "../../../functions/schedule.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { drainOutbox } from "../../support/outbox.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

describe("review 31: a schedule applied whose message could not be queued", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "r31sched");
  });

  it("is still told by the retry of the same event", async () => {
    const service = await createService(world.clients, {
      cluster: "r31sched",
      name: "reports",
      containers: [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }],
    });
    const serviceArn = service.serviceArn ?? "";
    await world.clients.ecs.send(
      new TagResourceCommand({
        resourceArn: serviceArn,
        tags: [{ key: "autopilot:schedule", value: "Mon-Fri 08:00-18:00 America/New_York" }],
      }),
    );
    // The CloudTrail TagResource record, derived from AWS's sample record.
    const event = {
      ...cloudTrailEnvelope({
        ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
        eventName: "TagResource",
        awsRegion: REGION,
        requestParameters: {
          resourceArn: serviceArn,
          tags: [{ key: "autopilot:schedule", value: "Mon-Fri 08:00-18:00 America/New_York" }],
        },
      }),
      id: "00000000-0000-4000-8000-0000000r3102",
    };
    const outbox =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: `outbox-r31-sched-${process.pid}` })))
        .QueueUrl ?? "";
    const handlerWith = (outboxQueueUrl: string) =>
      createScheduleHandler(
        createRuntime("schedule", { clients: world.clients, tableName: world.tableName, outboxQueueUrl }),
      );

    // First attempt: applies the schedule, then its message cannot be queued → the invocation fails.
    const first = await handlerWith(outbox.replace(/outbox-r31-sched-\d+$/, "missing-outbox-r31"))(
      event,
      localContext("schedule"),
    ).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(DeliveryError);
    const actions = await world.clients.autoscaling.send(
      new DescribeScheduledActionsCommand({
        ServiceNamespace: "ecs",
        ResourceId: "service/r31sched/reports",
      }),
    );
    expect(actions.ScheduledActions?.map((a) => a.ScheduledActionName).sort()).toEqual([
      "autopilot-down-1800-MON-FRI",
      "autopilot-up-0800-MON-FRI",
    ]);

    // Lambda's retry of the same event, the outbox working again.
    await handlerWith(outbox)(event, localContext("schedule"));
    const told = await drainOutbox(world.clients.sqs, outbox);
    // The schedule was applied by this event: Slack must hear it once.
    expect(told.filter((t) => t.includes("Schedule applied: r31sched/reports"))).toHaveLength(1);
  });
});
