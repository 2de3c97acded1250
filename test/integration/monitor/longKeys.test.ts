/**
 * Keys that join several event fields (review 37, seen and left, now fixed): each field is bounded
 * at the edge, but a standalone task's subject joins its cluster ARN and its group, and a placement
 * failure's "tell once" id joins the service and ECS's reason. Longer than DynamoDB's 2,048-byte
 * partition key, they were refused (ValidationException, no field named, retried, dead-lettered);
 * now such a key is cut and completed by its SHA-256, against moto.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import { EcsServiceActionEvent, EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import {
  type MonitorContext,
  MonitorLookups,
  MonitorState,
  monitorServiceAction,
  monitorTaskStateChange,
} from "../../../core/monitor/index.ts";
import {
  acquireLease,
  fittedPartitionKey,
  MAX_PARTITION_KEY_BYTES,
  StateTable,
  stateKeys,
} from "../../../core/state/index.ts";
import { serviceActionEvent, stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { createWorld } from "../../support/world.ts";

let context: MonitorContext;

beforeEach(async () => {
  const world = await createWorld();
  const table = new StateTable(world.clients.documents, world.tableName);
  context = {
    state: new MonitorState(table),
    lookups: new MonitorLookups(world.clients.ecs, world.clients.ecr, "667471847564", "us-east-2"),
    config: parseConfig(JSON.stringify({ monitor: { alertOnFirstStop: ["application-error"] } }), "test")
      .monitor,
    table,
  };
});

describe("state keys longer than DynamoDB's partition key", () => {
  it("keeps short keys as they are and fits long ones, the same for the same text", () => {
    expect(fittedPartitionKey("svc#arn:aws:ecs:us-east-2:1:service/c/s")).toBe(
      "svc#arn:aws:ecs:us-east-2:1:service/c/s",
    );
    const long = `once#alert#${"é".repeat(1500)}`;
    const fitted = fittedPartitionKey(long);
    expect(Buffer.byteLength(fitted, "utf8")).toBeLessThanOrEqual(MAX_PARTITION_KEY_BYTES);
    expect(fitted).toBe(fittedPartitionKey(long));
    expect(fitted).not.toBe(fittedPartitionKey(`${long}x`));
    expect(fitted.startsWith(long.slice(0, 512))).toBe(true);
  });

  it("counts and alerts a standalone task whose cluster ARN and group fill a key each", async () => {
    const event = stoppedTaskEvent({ id: "long-group", taskId: "t1", exitCode: 1 }) as {
      detail: Record<string, unknown>;
    };
    // Each at the edge's bound (1,024 characters): joined, 2,053 bytes with the key's prefix.
    event.detail.group = `family:${"g".repeat(1017)}`;
    event.detail.clusterArn = `arn:aws:ecs:us-east-2:667471847564:cluster/${"c".repeat(980)}`;
    const first = await monitorTaskStateChange(EcsTaskStateChangeEvent.parse(event), context);
    expect(first.action).toBe("alerted");
    const taskArn = String(event.detail.taskArn);
    expect(await context.table.get(stateKeys.taskStop(taskArn))).toMatchObject({ countedBy: "long-group" });
  });

  it("tells a placement failure whose reason is longer than a key, with a tell-once claim that fits", async () => {
    const event = serviceActionEvent({
      id: "long-reason",
      sample: "ecs-service-action-task-placement-failure-fargate-spot.json",
      account: "667471847564",
      region: "us-east-2",
      cluster: "primary-cluster",
      service: "api",
    }) as { detail: Record<string, unknown> };
    event.detail.reason = `RESOURCE:MEMORY ${"x".repeat(4000)}`;
    const result = await monitorServiceAction(EcsServiceActionEvent.parse(event), context);
    expect(result.action).toBe("placement-failure");
    const once = result.messages[0]?.once;
    expect(once).toBeDefined();
    expect(await context.state.told(once?.kind ?? "", once?.id ?? "")).toBe(false);
    // The claim the delivery step takes for it (runtime/deliver.ts) is written under a key that fits.
    const claim = stateKeys.once(once?.kind ?? "", once?.id ?? "");
    expect(await acquireLease(context.table, claim, "test", { leaseSeconds: 60 })).toMatchObject({
      acquired: true,
    });
  });
});
