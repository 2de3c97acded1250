/**
 * Review 37 (issue 11, Must show 6: "any input yields a typed value or an error naming the field
 * and file … Oversized fields are rejected before any mutation"): a container name longer than a
 * state-table key can hold.
 *
 * The event schemas bound every string the flows write into a key (`KeyPart`: 1,024 printable
 * ASCII characters, core/events/schemas.ts) — but a container's `name` is a plain `z.string()`,
 * and the monitor keys the stop of a container that exited inside a running task by
 * `task#<taskArn>#<container name>` (monitorEvent.ts, `stopId`). ECS names are at most 255
 * characters; a container name of 2,100 characters passes the schema, and the counting
 * transaction is refused by DynamoDB (a partition key above 2,048 bytes: ValidationException).
 * The invocation fails with DynamoDB's words, naming no field, is retried twice by Lambda and
 * parked in the DLQ — where a redrive fails the same way. The decision at the edge is the one
 * every other oversized field gets: an InvalidEventError naming `detail.containers[0].name`,
 * before any AWS call.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { InvalidEventError } from "../../../runtime/rejectInvalidEvents.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;

/** AWS's 2016 sample (task RUNNING, its `xray` container STOPPED), the container exiting 137 under a long name. */
function containerDiedWithName(name: string) {
  const sample = loadFixture("ecs-task-state-change-ec2-container-stopped-2016.json");
  const detail = sample.detail as Record<string, unknown> & { containers: Array<Record<string, unknown>> };
  const taskArn = "arn:aws:ecs:us-east-1:111122223333:task/r37-long-name";
  return {
    ...sample,
    id: "r37-long-container-name",
    resources: [taskArn],
    detail: {
      ...detail,
      taskArn,
      group: "service:tracing",
      containers: [{ ...detail.containers[0], taskArn, name, exitCode: 137 }],
    },
  };
}

describe("a container name longer than a state-table key holds (review 37)", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("is refused at the edge naming the field, with no AWS call", async () => {
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      }),
    );
    world.counter.reset();
    const error = await handler(containerDiedWithName("x".repeat(2100)), localContext("monitor")).catch(
      (e: unknown) => e,
    );
    // Today: a DynamoDB ValidationException from the counting transaction (after its reads).
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toContain("detail.containers.0.name");
    expect(world.counter.total()).toBe(0);
  });
});
