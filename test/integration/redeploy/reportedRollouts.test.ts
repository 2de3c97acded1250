/**
 * The mark that a roll-out's report was queued (core/redeploy/reportedRollouts.ts): a conditional
 * UpdateItem on the roll-out's record, under the event that rolled it out — repeatable (a lost
 * reply retried), never creating a record, never touching another owner's.
 */
import { describe, expect, it } from "vitest";
import { recordReported } from "../../../core/redeploy/reportedRollouts.ts";
import { acquireLease, completeLease, stateKeys } from "../../../core/state/index.ts";
import { createWorld } from "../../support/world.ts";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";

describe("recordReported", () => {
  it("marks this event's done roll-out reported, again and again alike, and leaves the rest of the record", async () => {
    const world = await createWorld();
    const key = stateKeys.rollout(SERVICE, "rollout-1");
    await acquireLease(world.state, key, "evt-1", { leaseSeconds: 60 });
    await completeLease(world.state, key, "evt-1", {
      ttlSeconds: 3600,
      attributes: { taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8" },
    });
    const before = await world.state.get<Record<string, unknown>>(key);
    await recordReported(world.state, [{ serviceArn: SERVICE, rolloutId: "rollout-1" }], "evt-1");
    await recordReported(world.state, [{ serviceArn: SERVICE, rolloutId: "rollout-1" }], "evt-1");
    expect(await world.state.get(key)).toEqual({ ...before, reported: true });
  });

  it("leaves another owner's record alone and creates none where there is no record", async () => {
    const world = await createWorld();
    const other = stateKeys.rollout(SERVICE, "rollout-2");
    await acquireLease(world.state, other, "evt-2 released by evt-end", { leaseSeconds: 60 });
    const before = await world.state.get(other);
    await recordReported(
      world.state,
      [
        { serviceArn: SERVICE, rolloutId: "rollout-2" },
        { serviceArn: SERVICE, rolloutId: "rollout-none" },
      ],
      "evt-2",
    );
    expect(await world.state.get(other)).toEqual(before);
    expect(await world.state.get(stateKeys.rollout(SERVICE, "rollout-none"))).toBeUndefined();
  });
});
