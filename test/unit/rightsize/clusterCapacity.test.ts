import { describe, expect, it } from "vitest";
import {
  type ClusterFacts,
  type ContainerInstanceFacts,
  planClusterCapacity,
} from "../../../core/rightsize/clusterCapacity.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";

// us-east-1 bundled prices (Karpenter's table, 2026-07-20): m6i.xlarge $0.192/hour.
const PRICES = bundledPriceBook("us-east-1").ec2;
const M6I_XLARGE_MONTHLY = 0.192 * 730;
const round = (n: number) => Math.round(n * 100) / 100;

/** An m6i.xlarge as ECS registers one: 4 vCPU, 15,000-odd MiB after the OS and agent. */
const instance = (
  id: string,
  tasks: number,
  remaining = { cpu: 4096, memory: 15_000 },
  extra: Partial<ContainerInstanceFacts> = {},
): ContainerInstanceFacts => ({
  arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${id}`,
  ec2InstanceId: `i-${id}`,
  instanceType: "m6i.xlarge",
  status: "ACTIVE",
  agentConnected: true,
  registered: { cpu: 4096, memory: 15_000 },
  remaining,
  runningTasks: tasks,
  ...extra,
});
const task = (id: string, group: string) => ({
  containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${id}`,
  group,
  reservation: { cpu: 1024, memory: 2048 },
});

describe("planClusterCapacity", () => {
  it("calls idle instances idle when every service already bin packs, and names the fix", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [instance("a", 2, { cpu: 2048, memory: 10_904 }), instance("b", 0), instance("c", 0)],
      tasks: [task("a", "service:api"), task("a", "service:api")],
      providers: [],
      services: [
        {
          serviceName: "api",
          placementStrategy: [{ type: "binpack", field: "memory" }],
          placementConstraints: [],
        },
      ],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.neededInstances).toBe(1);
    expect(report.findings).toEqual([
      {
        kind: "idle",
        monthly: round(2 * M6I_XLARGE_MONTHLY),
        freedInstances: 2,
        message: `2 of 3 instances are not needed by the running tasks ($${round(2 * M6I_XLARGE_MONTHLY).toFixed(2)}/month): turn on managed scaling for the cluster's capacity provider, or lower the Auto Scaling group's desired and minimum size`,
      },
    ]);
  });

  it("prices instances whose agent is disconnected, and leaves them out of packing", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [
        instance("a", 1, { cpu: 3072, memory: 12_952 }),
        instance("b", 1, { cpu: 3072, memory: 12_952 }, { agentConnected: false }),
      ],
      tasks: [task("a", "service:api"), task("b", "service:api")],
      providers: [{ name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 100 } }],
      services: [
        {
          serviceName: "api",
          placementStrategy: [{ type: "binpack", field: "cpu" }],
          placementConstraints: [],
        },
      ],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: "agent-disconnected",
        ec2InstanceIds: ["i-b"],
        monthly: round(M6I_XLARGE_MONTHLY),
      }),
    ]);
  });

  it("finds no stranded capacity where a task still fits, and says which types it could not price", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [instance("a", 1, { cpu: 3072, memory: 12_952 }, { instanceType: "x9z.huge" })],
      tasks: [task("a", "service:api")],
      providers: [],
      services: [{ serviceName: "api", placementStrategy: [], placementConstraints: [] }],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.findings).toEqual([]);
    expect(report.unpriced).toEqual(["x9z.huge"]);
    expect(report.monthly).toBe(0);
  });
});
