import { describe, expect, it } from "vitest";
import { type InstanceNow, planAgentSweep } from "../../../core/monitor/index.ts";

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
});
