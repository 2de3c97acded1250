import { describe, expect, it } from "vitest";
import { type InstanceNow, planAgentSweep } from "../../../core/monitor/index.ts";
import { isDue } from "../../../core/monitor/sweepAgentDisconnects.ts";

const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/batch-ec2";
const ARN = "arn:aws:ecs:eu-west-1:123456789012:container-instance/batch-ec2/a";

describe("planAgentSweep", () => {
  const stored = (since: string) => ({
    containerInstanceArn: ARN,
    since,
    clusterArn: CLUSTER,
    region: "eu-west-1",
  });
  const at = new Date("2026-11-26T12:00:00Z");
  const now = (state: InstanceNow) => new Map([[ARN, state]]);
  const away: InstanceNow = {
    known: true,
    status: "ACTIVE",
    agentConnected: false,
    runningTasks: 0,
    pendingTasks: 0,
  };

  it("waits within the grace period, tells an agent still away, forgets one that came back or left", () => {
    expect(planAgentSweep([stored("2026-11-26T11:55:00Z")], now(away), at).map((d) => d.kind)).toEqual([
      "wait",
    ]);
    expect(planAgentSweep([stored("2026-11-26T11:40:00Z")], now(away), at)).toMatchObject([
      { kind: "alert", minutes: 20 },
    ]);
    expect(
      planAgentSweep([stored("2026-11-26T11:40:00Z")], now({ ...away, status: "DRAINING" }), at),
    ).toMatchObject([{ kind: "alert", minutes: 20 }]);
    expect(
      planAgentSweep([stored("2026-11-26T11:40:00Z")], now({ ...away, agentConnected: true }), at),
    ).toMatchObject([{ kind: "forget", why: "reconnected" }]);
    expect(
      planAgentSweep([stored("2026-11-26T11:40:00Z")], now({ ...away, status: "INACTIVE" }), at),
    ).toMatchObject([{ kind: "forget", why: "instance INACTIVE" }]);
    expect(
      planAgentSweep([stored("2026-11-26T11:40:00Z")], now({ known: false, why: "ECS: MISSING" }), at),
    ).toMatchObject([{ kind: "forget", why: "ECS: MISSING" }]);
  });
  it("is due at exactly the grace period (10 min, rounded to the minute), not before", () => {
    expect(isDue(stored("2026-11-26T11:50:00Z"), at)).toBe(true);
    expect(isDue(stored("2026-11-26T11:50:31Z"), at)).toBe(false);
    expect(isDue(stored("2026-11-26T11:50:29Z"), at)).toBe(true);
    expect(planAgentSweep([stored("2026-11-26T11:51:00Z")], now(away), at)).toEqual([
      { kind: "wait", disconnect: stored("2026-11-26T11:51:00Z"), minutes: 9 },
    ]);
    expect(planAgentSweep([stored("2026-11-26T11:50:00Z")], now(away), at)).toEqual([
      { kind: "alert", disconnect: stored("2026-11-26T11:50:00Z"), minutes: 10, instance: away },
    ]);
  });

  it("says why it forgets: not described, unknown to ECS, reconnected, leaving the cluster", () => {
    const due = stored("2026-11-26T11:40:00Z");
    const why = (state: InstanceNow | undefined) =>
      planAgentSweep([due], state ? now(state) : new Map(), at).map((d) =>
        d.kind === "forget" ? d.why : d.kind,
      );
    expect(why(undefined)).toEqual(["not described"]);
    expect(why({ known: false, why: "cluster not found" })).toEqual(["cluster not found"]);
    expect(why({ ...away, agentConnected: true, status: "DRAINING" })).toEqual(["reconnected"]);
    expect(why({ ...away, status: "DEREGISTERING" })).toEqual(["instance DEREGISTERING"]);
    expect(why({ ...away, status: "ACTIVE" })).toEqual(["alert"]);
  });

  it("decides each remembered disconnect on its own, in order", () => {
    const other = "arn:aws:ecs:eu-west-1:123456789012:container-instance/batch-ec2/b";
    const recent = stored("2026-11-26T11:58:00Z");
    const old = { ...stored("2026-11-26T11:00:00Z"), containerInstanceArn: other };
    expect(
      planAgentSweep([recent, old], new Map([[other, { ...away, runningTasks: 3 }]]), at).map((d) => [
        d.kind,
        d.disconnect.containerInstanceArn,
      ]),
    ).toEqual([
      ["wait", ARN],
      ["alert", other],
    ]);
  });
});
