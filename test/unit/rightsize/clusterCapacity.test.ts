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

  it("prices the spread finding by packing within each Availability Zone, as the strategy it suggests does", () => {
    // web spreads one 1 vCPU / 2 GiB task onto each of 4 instances, 2 in each of 2 zones. Packed
    // across the cluster the 4 tasks fit one instance (3 freed); [spread AZ, binpack memory] keeps
    // 2 tasks in each zone, which fit one instance per zone: 2 freed.
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: ["a", "b", "c", "d"].map((id, i) =>
        instance(
          id,
          1,
          { cpu: 3072, memory: 12_952 },
          { availabilityZone: i < 2 ? "us-east-1a" : "us-east-1b" },
        ),
      ),
      tasks: ["a", "b", "c", "d"].map((id) => task(id, "service:web")),
      providers: [],
      services: [{ serviceName: "web", placementStrategy: [], placementConstraints: [] }],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.neededInstances).toBe(1);
    expect(report.findings).toEqual([
      {
        kind: "spread",
        monthly: round(2 * M6I_XLARGE_MONTHLY),
        services: ["web"],
        freedInstances: 2,
        suggestedStrategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        message: `web spreads tasks over instances; bin packing within each Availability Zone would free 2 of 4 instances ($${round(2 * M6I_XLARGE_MONTHLY).toFixed(2)}/month): use placementStrategy [spread attribute:ecs.availability-zone, binpack memory] to keep Availability Zone balance and pack within each zone (packing across zones would free 1 more, at the cost of that balance)`,
      },
    ]);
    // One instance per zone: nothing to free within a zone; said as a note, not priced as a finding.
    const oneEach = planClusterCapacity(
      {
        ...facts,
        instances: ["a", "b"].map((id, i) =>
          instance(
            id,
            1,
            { cpu: 3072, memory: 12_952 },
            { availabilityZone: i === 0 ? "us-east-1a" : "us-east-1b" },
          ),
        ),
        tasks: ["a", "b"].map((id) => task(id, "service:web")),
      },
      PRICES,
    );
    expect(oneEach.findings).toEqual([]);
    expect(oneEach.notes).toEqual([
      "web: bin packing within each Availability Zone frees no instance; only packing across zones would (1), at the cost of zone balance",
    ]);
  });
});
