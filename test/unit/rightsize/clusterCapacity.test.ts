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

/** A service that bin packs: its cluster's surplus is idle, never a spread finding. */
const packed = (serviceName: string) => ({
  serviceName,
  placementStrategy: [{ type: "binpack", field: "memory" }],
  placementConstraints: [],
});
const spreading = (serviceName: string) => ({ serviceName, placementStrategy: [], placementConstraints: [] });
/** `n` tasks of one shape on instance `id`. */
const tasksOf = (
  id: string,
  n: number,
  reservation: { cpu: number; memory: number },
  group = "service:api",
) =>
  Array.from({ length: n }, () => ({
    containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${id}`,
    group,
    reservation,
  }));
const C6I_XLARGE_MONTHLY = 0.17 * 730;

describe("planClusterCapacity: the cluster's totals", () => {
  it("counts, prices and sums only ACTIVE instances, and names each type it cannot price once", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [
        instance("a", 1, { cpu: 3072, memory: 12_952 }),
        instance("b", 0, { cpu: 4096, memory: 15_000 }, { instanceType: "c6i.xlarge" }),
        instance("c", 1, { cpu: 3072, memory: 12_952 }, { status: "DRAINING" }),
        instance("d", 0, { cpu: 4096, memory: 15_000 }, { instanceType: "x9z.huge" }),
        instance("e", 0, { cpu: 4096, memory: 15_000 }, { instanceType: "x9z.huge" }),
        instance("f", 0, { cpu: 4096, memory: 15_000 }, { instanceType: undefined }),
        instance("g", 0, { cpu: 4096, memory: 15_000 }, { instanceType: undefined }),
      ],
      tasks: [task("a", "service:api"), task("c", "service:api")],
      providers: [],
      services: [packed("api")],
      notes: ["could not describe task definition api:7"],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report).toMatchObject({
      clusterName: "prod",
      instances: 6,
      instanceTypes: { "m6i.xlarge": 1, "c6i.xlarge": 1, "x9z.huge": 2, unknown: 2 },
      monthly: round(M6I_XLARGE_MONTHLY + C6I_XLARGE_MONTHLY),
      unpriced: ["x9z.huge", "unknown"],
      neededInstances: 1,
      registered: { cpu: 6 * 4096, memory: 6 * 15_000 },
      reserved: { cpu: 1024, memory: 2048 },
      notes: ["could not describe task definition api:7"],
    });
    // 5 of 6 instances idle, priced at the instances' average $/month (four of them without a price).
    expect(report.findings).toEqual([
      {
        kind: "idle",
        monthly: round((5 * (M6I_XLARGE_MONTHLY + C6I_XLARGE_MONTHLY)) / 6),
        freedInstances: 5,
        message: `5 of 6 instances are not needed by the running tasks ($${round((5 * (M6I_XLARGE_MONTHLY + C6I_XLARGE_MONTHLY)) / 6).toFixed(2)}/month): turn on managed scaling for the cluster's capacity provider, or lower the Auto Scaling group's desired and minimum size`,
      },
    ]);
  });
});

describe("planClusterCapacity: disconnected agents", () => {
  it("prices every instance whose agent is disconnected, in one finding", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [
        instance("a", 1, { cpu: 3072, memory: 12_952 }),
        instance("b", 1, { cpu: 3072, memory: 12_952 }, { agentConnected: false }),
        instance(
          "c",
          0,
          { cpu: 4096, memory: 15_000 },
          { agentConnected: false, instanceType: "c6i.xlarge" },
        ),
      ],
      tasks: [task("a", "service:api"), task("b", "service:api")],
      providers: [],
      services: [packed("api")],
    };
    const monthly = round(M6I_XLARGE_MONTHLY + C6I_XLARGE_MONTHLY);
    expect(planClusterCapacity(facts, PRICES).findings).toEqual([
      {
        kind: "agent-disconnected",
        monthly,
        ec2InstanceIds: ["i-b", "i-c"],
        message: `2 instances with a disconnected ECS agent (ECS places nothing there) cost $${monthly.toFixed(2)}/month: check the agent (systemctl status ecs) or replace the instance`,
      },
    ]);
    const one = planClusterCapacity({ ...facts, instances: facts.instances.slice(0, 2) }, PRICES);
    expect(one.findings.map((f) => f.message)).toEqual([
      `1 instance with a disconnected ECS agent (ECS places nothing there) cost $${round(M6I_XLARGE_MONTHLY).toFixed(2)}/month: check the agent (systemctl status ecs) or replace the instance`,
    ]);
  });
});

describe("planClusterCapacity: stranded capacity", () => {
  /** One m6i.xlarge with `n` tasks of one shape, its remaining resources what they leave. */
  const full = (id: string, n: number, shape: { cpu: number; memory: number }, extra = {}) => ({
    instance: instance(id, n, { cpu: 4096 - n * shape.cpu, memory: 15_000 - n * shape.memory }, extra),
    tasks: tasksOf(id, n, shape),
  });
  const cluster = (...parts: ReturnType<typeof full>[]): ClusterFacts => ({
    clusterName: "prod",
    instances: parts.map((p) => p.instance),
    tasks: parts.flatMap((p) => p.tasks),
    providers: [],
    services: [packed("api")],
  });

  it("finds CPU left where memory is full, and names an instance type with less CPU per memory", () => {
    // Three 1 vCPU / 4 GiB tasks leave 1 vCPU and 2,712 MiB: no 4 GiB task fits; a quarter of the CPU is stranded.
    const report = planClusterCapacity(cluster(full("a", 3, { cpu: 1024, memory: 4096 })), PRICES);
    const monthly = round(0.25 * M6I_XLARGE_MONTHLY);
    expect(report.findings).toEqual([
      {
        kind: "stranded",
        monthly,
        instances: [
          {
            ec2InstanceId: "i-a",
            instanceType: "m6i.xlarge",
            left: { cpu: 1024, memory: 2712 },
            strandedShare: 0.25,
          },
        ],
        message: `1 instance has room no task fits (CPU left, memory full): $${monthly.toFixed(2)}/month stranded; an instance type with a lower CPU-to-memory ratio (r or m instead of c) fits these tasks`,
      },
    ]);
  });

  it("finds memory left where CPU is full, on every such instance, and names an instance type with more CPU per memory", () => {
    // Two 2 vCPU / 1 GiB tasks leave no CPU and 12,952 MiB (86.3 % of the memory).
    const report = planClusterCapacity(
      cluster(full("a", 2, { cpu: 2048, memory: 1024 }), full("b", 2, { cpu: 2048, memory: 1024 })),
      PRICES,
    );
    const share = 12_952 / 15_000;
    const monthly = round(2 * share * M6I_XLARGE_MONTHLY);
    expect(report.findings).toEqual([
      {
        kind: "stranded",
        monthly,
        instances: ["a", "b"].map((id) => ({
          ec2InstanceId: `i-${id}`,
          instanceType: "m6i.xlarge",
          left: { cpu: 0, memory: 12_952 },
          strandedShare: 0.863,
        })),
        message: `2 instances have room no task fits (memory left, CPU full): $${monthly.toFixed(2)}/month stranded; an instance type with a higher CPU-to-memory ratio (c or m instead of r) fits these tasks`,
      },
    ]);
  });

  it("names the ratio most stranded instances need when some have CPU left and some memory", () => {
    const cpuLeft = full("a", 3, { cpu: 1024, memory: 4096 });
    const memoryLeft = (id: string) => full(id, 2, { cpu: 2048, memory: 1024 });
    const half = planClusterCapacity(cluster(cpuLeft, memoryLeft("b")), PRICES);
    expect(half.findings.map((f) => f.message)).toEqual([
      `2 instances have room no task fits (one resource full, the other not): $${round((0.25 + 12_952 / 15_000) * M6I_XLARGE_MONTHLY).toFixed(2)}/month stranded; an instance type with a lower CPU-to-memory ratio (r or m instead of c) fits these tasks`,
    ]);
    const third = planClusterCapacity(cluster(cpuLeft, memoryLeft("b"), memoryLeft("c")), PRICES);
    expect(third.findings.map((f) => f.message)).toEqual([
      `3 instances have room no task fits (one resource full, the other not): $${round((0.25 + (2 * 12_952) / 15_000) * M6I_XLARGE_MONTHLY).toFixed(2)}/month stranded; an instance type with a higher CPU-to-memory ratio (c or m instead of r) fits these tasks`,
    ]);
  });

  it("counts an instance with some CPU left, but a smaller share of it than of memory, as memory left", () => {
    // Two 1.75 vCPU / 1,000 MiB tasks leave 512 CPU units (12.5 %) and 13,000 MiB (86.7 %).
    const report = planClusterCapacity(cluster(full("a", 2, { cpu: 1792, memory: 1000 })), PRICES);
    const monthly = round((13_000 / 15_000) * M6I_XLARGE_MONTHLY);
    expect(report.findings.map((f) => f.message)).toEqual([
      `1 instance has room no task fits (memory left, CPU full): $${monthly.toFixed(2)}/month stranded; an instance type with a higher CPU-to-memory ratio (c or m instead of r) fits these tasks`,
    ]);
  });

  it("counts an instance with as much CPU left as memory, by share, as CPU left", () => {
    // Two 1.5 vCPU / 5,625 MiB tasks leave 1 vCPU and 3,750 MiB: a quarter of each.
    const report = planClusterCapacity(cluster(full("a", 2, { cpu: 1536, memory: 5625 })), PRICES);
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: "stranded",
        message: `1 instance has room no task fits (CPU left, memory full): $${round(0.25 * M6I_XLARGE_MONTHLY).toFixed(2)}/month stranded; an instance type with a lower CPU-to-memory ratio (r or m instead of c) fits these tasks`,
      }),
    ]);
  });

  it("strands nothing where a task fits exactly, where the instance is full, or where no task shape is known", () => {
    // Three 1 vCPU / 3,750 MiB tasks leave room for exactly a fourth.
    expect(planClusterCapacity(cluster(full("a", 3, { cpu: 1024, memory: 3750 })), PRICES).findings).toEqual(
      [],
    );
    // Two 2 vCPU / 7,500 MiB tasks fill the instance: nothing left to strand.
    expect(planClusterCapacity(cluster(full("a", 2, { cpu: 2048, memory: 7500 })), PRICES).findings).toEqual(
      [],
    );
    // The instance still counts 3 tasks, but they stopped before ListTasks: no shape to judge the room by.
    const stopped = { ...cluster(full("a", 3, { cpu: 1024, memory: 4096 })), tasks: [] };
    expect(planClusterCapacity(stopped, PRICES).findings.map((f) => f.kind)).toEqual(["idle"]);
  });

  it("leaves instances without tasks and instances whose agent is disconnected out of stranded capacity", () => {
    // An empty m6i.large that a 2 vCPU / 7,500 MiB task does not fit in is idle, not stranded.
    const small = instance(
      "s",
      0,
      { cpu: 2048, memory: 7000 },
      { instanceType: "m6i.large", registered: { cpu: 2048, memory: 7000 } },
    );
    const big = full("a", 2, { cpu: 2048, memory: 7500 });
    const report = planClusterCapacity({ ...cluster(big), instances: [big.instance, small] }, PRICES);
    expect(report.findings.map((f) => f.kind)).toEqual(["idle"]);
    const away = full("a", 3, { cpu: 1024, memory: 4096 }, { agentConnected: false });
    expect(planClusterCapacity(cluster(away), PRICES).findings.map((f) => f.kind)).toEqual([
      "agent-disconnected",
    ]);
  });
});

describe("planClusterCapacity: managed scaling's target capacity", () => {
  /** `busy` instances each full with two 2 vCPU / 7,500 MiB tasks, then `idle` empty ones. */
  const asg = (busy: number, idle: number, targetCapacity: number, status = "ENABLED"): ClusterFacts => {
    const ids = Array.from({ length: busy + idle }, (_, i) => String.fromCharCode(97 + i));
    return {
      clusterName: "prod",
      instances: ids.map((id, i) => (i < busy ? instance(id, 2, { cpu: 0, memory: 0 }) : instance(id, 0))),
      tasks: ids.slice(0, busy).flatMap((id) => tasksOf(id, 2, { cpu: 2048, memory: 7500 })),
      providers: [{ name: "asg-a", managedScaling: { status, targetCapacity } }],
      services: [packed("api")],
    };
  };

  it("prices the spare instances a target below 100 % keeps, and calls the rest idle", () => {
    // 2 instances needed at 50 %: managed scaling keeps 4, 2 of them spare; the 5th is idle.
    const report = planClusterCapacity(asg(2, 3, 50), PRICES);
    expect(report.neededInstances).toBe(2);
    expect(report.findings).toEqual([
      {
        kind: "target-capacity",
        monthly: round(2 * M6I_XLARGE_MONTHLY),
        provider: "asg-a",
        targetCapacity: 50,
        spareInstances: 2,
        message: `capacity provider asg-a keeps 2 spare instances with managed scaling target 50% ($${round(2 * M6I_XLARGE_MONTHLY).toFixed(2)}/month): set targetCapacity to 100 to run only what the tasks reserve, or keep the spare for faster scale-out`,
      },
      {
        kind: "idle",
        monthly: round(M6I_XLARGE_MONTHLY),
        freedInstances: 1,
        message: `1 of 5 instances of asg-a are not needed by the running tasks ($${round(M6I_XLARGE_MONTHLY).toFixed(2)}/month): managed scaling should scale them in; check the group's minimum size and scale-in protection`,
      },
    ]);
    expect(report.notes).toEqual([
      "no instance names its capacity provider; all 5 are taken as asg-a's, the cluster's only one",
    ]);
  });

  it("rounds the instances a target keeps up, and counts no more spare than there are", () => {
    // 3 needed at 80 %: 3.75, so managed scaling keeps 4: 1 spare.
    expect(planClusterCapacity(asg(3, 1, 80), PRICES).findings).toEqual([
      {
        kind: "target-capacity",
        monthly: round(M6I_XLARGE_MONTHLY),
        provider: "asg-a",
        targetCapacity: 80,
        spareInstances: 1,
        message: `capacity provider asg-a keeps 1 spare instance with managed scaling target 80% ($${round(M6I_XLARGE_MONTHLY).toFixed(2)}/month): set targetCapacity to 100 to run only what the tasks reserve, or keep the spare for faster scale-out`,
      },
    ]);
    // 2 needed at 25 % would keep 8; only 1 more runs.
    expect(planClusterCapacity(asg(2, 1, 25), PRICES).findings).toEqual([
      expect.objectContaining({
        kind: "target-capacity",
        spareInstances: 1,
        monthly: round(M6I_XLARGE_MONTHLY),
      }),
    ]);
  });

  it("calls the surplus idle at a 100 % target, or when managed scaling is off", () => {
    expect(planClusterCapacity(asg(2, 1, 100), PRICES).findings.map((f) => f.kind)).toEqual(["idle"]);
    expect(planClusterCapacity(asg(2, 1, 50, "DISABLED"), PRICES).findings).toEqual([
      {
        kind: "idle",
        monthly: round(M6I_XLARGE_MONTHLY),
        freedInstances: 1,
        message: `1 of 3 instances of asg-a are not needed by the running tasks ($${round(M6I_XLARGE_MONTHLY).toFixed(2)}/month): turn on managed scaling for the cluster's capacity provider, or lower the Auto Scaling group's desired and minimum size`,
      },
    ]);
  });

  it("finds nothing where the instances run no task", () => {
    const empty = { ...asg(0, 2, 50), tasks: [] };
    expect(planClusterCapacity(empty, PRICES).findings).toEqual([
      expect.objectContaining({ kind: "idle", freedInstances: 2 }),
    ]);
  });
});

describe("planClusterCapacity: providers", () => {
  it("judges each capacity provider's instances on their own", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [
        instance("a", 2, { cpu: 0, memory: 0 }, { capacityProvider: "asg-a" }),
        instance("b", 0, undefined, { capacityProvider: "asg-a" }),
        instance("c", 1, { cpu: 3072, memory: 12_952 }, { capacityProvider: "asg-b" }),
      ],
      tasks: [...tasksOf("a", 2, { cpu: 2048, memory: 7500 }), task("c", "service:api")],
      providers: [
        { name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 100 } },
        { name: "asg-b", managedScaling: { status: "ENABLED", targetCapacity: 100 } },
      ],
      services: [packed("api")],
    };
    const report = planClusterCapacity(facts, PRICES);
    // Packed across the cluster, c's task would fit on b: the providers are judged apart, so only b is surplus.
    expect(report.neededInstances).toBe(2);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: "idle", freedInstances: 1, monthly: round(M6I_XLARGE_MONTHLY) }),
    ]);
    expect(report.findings[0]?.message).toContain("1 of 2 instances of asg-a are not needed");
    expect(report.notes).toEqual([]);
  });

  it("takes unnamed instances as no provider's when the cluster has several", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [instance("a", 1, { cpu: 3072, memory: 12_952 }), instance("b", 0)],
      tasks: [task("a", "service:api")],
      providers: [
        { name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 50 } },
        { name: "asg-b", managedScaling: { status: "ENABLED", targetCapacity: 50 } },
      ],
      services: [packed("api")],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.notes).toEqual([]);
    expect(report.findings).toEqual([
      {
        kind: "idle",
        monthly: round(M6I_XLARGE_MONTHLY),
        freedInstances: 1,
        message: `1 of 2 instances are not needed by the running tasks ($${round(M6I_XLARGE_MONTHLY).toFixed(2)}/month): turn on managed scaling for the cluster's capacity provider, or lower the Auto Scaling group's desired and minimum size`,
      },
    ]);
  });
});

describe("planClusterCapacity: instances without a provider", () => {
  it("keeps instances registered by hand apart from the only provider's, and says nothing of taking them as its", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [
        instance("a", 1, { cpu: 3072, memory: 12_952 }, { capacityProvider: "asg-a" }),
        instance("b", 0),
      ],
      tasks: [task("a", "service:api")],
      providers: [{ name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 100 } }],
      services: [packed("api")],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.notes).toEqual([]);
    expect(report.findings).toEqual([
      {
        kind: "idle",
        monthly: round(M6I_XLARGE_MONTHLY),
        freedInstances: 1,
        message: `1 of 1 instances are not needed by the running tasks ($${round(M6I_XLARGE_MONTHLY).toFixed(2)}/month): turn on managed scaling for the cluster's capacity provider, or lower the Auto Scaling group's desired and minimum size`,
      },
    ]);
  });

  it("says no provider was assumed when no instance is connected", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [instance("a", 1, { cpu: 3072, memory: 12_952 }, { agentConnected: false })],
      tasks: [task("a", "service:api")],
      providers: [{ name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 100 } }],
      services: [packed("api")],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.notes).toEqual([]);
    expect(report.findings.map((f) => f.kind)).toEqual(["agent-disconnected"]);
  });

  it("names a stranded instance's type unknown when the agent did not register one", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [instance("a", 3, { cpu: 1024, memory: 2712 }, { instanceType: undefined })],
      tasks: tasksOf("a", 3, { cpu: 1024, memory: 4096 }),
      providers: [],
      services: [packed("api")],
    };
    expect(planClusterCapacity(facts, PRICES).findings).toEqual([
      expect.objectContaining({
        kind: "stranded",
        monthly: 0,
        instances: [
          {
            ec2InstanceId: "i-a",
            instanceType: "unknown",
            left: { cpu: 1024, memory: 2712 },
            strandedShare: 0.25,
          },
        ],
      }),
    ]);
  });
});

describe("planClusterCapacity: spread placement", () => {
  it("calls the surplus idle when empty instances make it up, even where services spread", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [instance("a", 2, { cpu: 2048, memory: 10_904 }), instance("b", 0), instance("c", 0)],
      tasks: [task("a", "service:web"), task("a", "service:web")],
      providers: [],
      services: [spreading("web")],
    };
    expect(planClusterCapacity(facts, PRICES).findings).toEqual([
      expect.objectContaining({ kind: "idle", freedInstances: 2, monthly: round(2 * M6I_XLARGE_MONTHLY) }),
    ]);
  });

  it("names every spreading service in order, of its provider, and says instances without a zone were packed as one", () => {
    // 3 instances of one zone-less provider each run one small task of web or api: one instance holds all three.
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: ["a", "b", "c"].map((id) =>
        instance(id, 1, { cpu: 3072, memory: 12_952 }, { capacityProvider: "asg-a" }),
      ),
      tasks: [task("a", "service:web"), task("b", "service:api"), task("c", "service:web")],
      providers: [{ name: "asg-a" }],
      // api spreads by an explicit strategy, web by ECS's default (none).
      services: [
        spreading("web"),
        packed("worker"),
        {
          serviceName: "api",
          placementStrategy: [{ type: "spread", field: "instanceId" }],
          placementConstraints: [],
        },
      ],
    };
    const report = planClusterCapacity(facts, PRICES);
    const monthly = round(2 * M6I_XLARGE_MONTHLY);
    expect(report.findings).toEqual([
      {
        kind: "spread",
        monthly,
        services: ["api", "web"],
        freedInstances: 2,
        suggestedStrategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        message: `api, web spread tasks over instances of asg-a; bin packing within each Availability Zone would free 2 of 3 instances ($${monthly.toFixed(2)}/month): use placementStrategy [spread attribute:ecs.availability-zone, binpack memory] to keep Availability Zone balance and pack within each zone`,
      },
    ]);
    expect(report.notes).toEqual([
      "3 instances of asg-a without an ecs.availability-zone attribute: packed as one zone",
    ]);
  });

  it("says a zone-less instance in the singular, and what packing across zones alone would free", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: [
        instance("a", 1, { cpu: 3072, memory: 12_952 }, { availabilityZone: "us-east-1a" }),
        instance("b", 1, { cpu: 3072, memory: 12_952 }),
      ],
      tasks: [task("a", "service:web"), task("b", "service:web")],
      providers: [],
      services: [spreading("web")],
    };
    expect(planClusterCapacity(facts, PRICES).notes).toEqual([
      "1 instance without an ecs.availability-zone attribute: packed as one zone",
      "web: bin packing within each Availability Zone frees no instance; only packing across zones would (1), at the cost of zone balance",
    ]);
  });
});

describe("planClusterCapacity: first-fit decreasing packing", () => {
  const on = (id: string, n: number, reservation: { cpu: number; memory: number }) =>
    tasksOf(id, n, reservation);
  const facts = (instances: ContainerInstanceFacts[], tasks: ReturnType<typeof tasksOf>): ClusterFacts => ({
    clusterName: "prod",
    instances,
    tasks,
    providers: [],
    services: [packed("api")],
  });

  it("places the tasks largest first, by their larger share of an instance", () => {
    // 3 vCPU / 512 MiB tasks (75 % of the CPU) go first, one per instance; the 1 vCPU / 4 GiB ones
    // (27 % of the memory) fill the vCPU left on each: 2 instances. Smallest first would need 3.
    const big = { cpu: 3072, memory: 512 };
    const small = { cpu: 1024, memory: 4096 };
    const report = planClusterCapacity(
      facts(
        [
          instance("a", 2, { cpu: 0, memory: 10_392 }),
          instance("b", 1, { cpu: 1024, memory: 14_488 }),
          instance("c", 1, { cpu: 3072, memory: 10_904 }),
        ],
        // Listed smallest first: the order the packing must not keep.
        [...on("c", 1, small), ...on("a", 1, small), ...on("a", 1, big), ...on("b", 1, big)],
      ),
      PRICES,
    );
    expect(report.neededInstances).toBe(2);
    // a has room for neither shape; b still fits a small task, c a big one.
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: "stranded",
        instances: [expect.objectContaining({ ec2InstanceId: "i-a" })],
      }),
      expect.objectContaining({ kind: "idle", freedInstances: 1, monthly: round(M6I_XLARGE_MONTHLY) }),
    ]);
  });

  it("places a memory-heavy task before a CPU-heavy one when it takes the larger share", () => {
    // 512 CPU / 12,000 MiB (80 % of the memory) before 2 vCPU / 1,000 MiB (50 % of the CPU): each
    // instance takes one of each. CPU-heavy first, two share one instance and the others need two more.
    const memoryHeavy = { cpu: 512, memory: 12_000 };
    const cpuHeavy = { cpu: 2048, memory: 1000 };
    const report = planClusterCapacity(
      facts(
        [instance("a", 2, { cpu: 1536, memory: 2000 }), instance("b", 2, { cpu: 1536, memory: 2000 })],
        [
          ...on("a", 1, cpuHeavy),
          ...on("b", 1, cpuHeavy),
          ...on("a", 1, memoryHeavy),
          ...on("b", 1, memoryHeavy),
        ],
      ),
      PRICES,
    );
    expect(report.neededInstances).toBe(2);
  });

  it("never packs past an instance's CPU or memory, though the other is left", () => {
    // Three 2 vCPU / 1,000 MiB tasks: two fill an instance's CPU, memory to spare.
    const cpuBound = planClusterCapacity(
      facts(
        [instance("a", 2, { cpu: 0, memory: 13_000 }), instance("b", 1, { cpu: 2048, memory: 14_000 })],
        [...on("a", 2, { cpu: 2048, memory: 1000 }), ...on("b", 1, { cpu: 2048, memory: 1000 })],
      ),
      PRICES,
    );
    expect(cpuBound.neededInstances).toBe(2);
    // Three 1 vCPU / 6,000 MiB tasks: two fill an instance's memory, CPU to spare.
    const memoryBound = planClusterCapacity(
      facts(
        [instance("a", 2, { cpu: 2048, memory: 3000 }), instance("b", 1, { cpu: 3072, memory: 9000 })],
        [...on("a", 2, { cpu: 1024, memory: 6000 }), ...on("b", 1, { cpu: 1024, memory: 6000 })],
      ),
      PRICES,
    );
    expect(memoryBound.neededInstances).toBe(2);
  });

  it("fills an instance to exactly its registered memory", () => {
    const half = { cpu: 1024, memory: 7500 };
    const report = planClusterCapacity(
      facts(
        [instance("a", 1, { cpu: 3072, memory: 7500 }), instance("b", 1, { cpu: 3072, memory: 7500 })],
        [...on("a", 1, half), ...on("b", 1, half)],
      ),
      PRICES,
    );
    expect(report.neededInstances).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ kind: "idle", freedInstances: 1 })]);
  });

  it("takes the largest instances first, weighing 1 vCPU as 4 GiB", () => {
    // A c6i.2xlarge (8 vCPU, 15,000 MiB registered) outweighs an r6i.xlarge (4 vCPU, 30,000 MiB):
    // 8192 + 15000 / 4 against 4096 + 30000 / 4. Four 2 vCPU / 2 GiB tasks all fit the c6i.
    const r6i = instance(
      "r",
      2,
      { cpu: 0, memory: 25_904 },
      { instanceType: "r6i.xlarge", registered: { cpu: 4096, memory: 30_000 } },
    );
    const c6i = instance(
      "c",
      2,
      { cpu: 4096, memory: 10_904 },
      { instanceType: "c6i.2xlarge", registered: { cpu: 8192, memory: 15_000 } },
    );
    const task2 = { cpu: 2048, memory: 2048 };
    const report = planClusterCapacity(
      facts([r6i, c6i], [...on("r", 2, task2), ...on("c", 2, task2)]),
      PRICES,
    );
    expect(report.neededInstances).toBe(1);
    const listedLargestFirst = planClusterCapacity(
      facts([c6i, r6i], [...on("r", 2, task2), ...on("c", 2, task2)]),
      PRICES,
    );
    expect(listedLargestFirst.neededInstances).toBe(1);
    // Two m6i.large and an m6i.2xlarge, one 2 vCPU task each: the m6i.2xlarge takes all three.
    const large = (id: string) =>
      instance(
        id,
        1,
        { cpu: 0, memory: 5000 },
        { instanceType: "m6i.large", registered: { cpu: 2048, memory: 7000 } },
      );
    const xl2 = instance(
      "x",
      1,
      { cpu: 6144, memory: 28_000 },
      { instanceType: "m6i.2xlarge", registered: { cpu: 8192, memory: 30_000 } },
    );
    const shape = { cpu: 2048, memory: 2000 };
    const mixed = planClusterCapacity(
      facts(
        [large("l1"), large("l2"), xl2],
        [...on("l1", 1, shape), ...on("l2", 1, shape), ...on("x", 1, shape)],
      ),
      PRICES,
    );
    expect(mixed.neededInstances).toBe(1);
  });

  it("counts a task that fits no instance as needing one of its own", () => {
    // The agent registered less memory than the task reserves (a changed ECS_RESERVED_MEMORY): it still runs.
    const report = planClusterCapacity(
      facts(
        [instance("a", 1, { cpu: 0, memory: 0 }, { registered: { cpu: 4096, memory: 15_000 } })],
        on("a", 1, { cpu: 4096, memory: 16_000 }),
      ),
      PRICES,
    );
    expect(report.neededInstances).toBe(1);
    expect(report.findings).toEqual([]);
  });
});

describe("planClusterCapacity: spread placement of a provider's instances", () => {
  it("names the provider when packing within zones frees none of its instances", () => {
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: ["a", "b"].map((id, i) =>
        instance(
          id,
          1,
          { cpu: 3072, memory: 12_952 },
          { capacityProvider: "asg-a", availabilityZone: i === 0 ? "us-east-1a" : "us-east-1b" },
        ),
      ),
      tasks: [task("a", "service:web"), task("b", "service:api")],
      providers: [{ name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 100 } }],
      services: [spreading("web"), spreading("api")],
    };
    const report = planClusterCapacity(facts, PRICES);
    expect(report.findings).toEqual([]);
    expect(report.notes).toEqual([
      "api, web: bin packing within each Availability Zone frees no instance of asg-a; only packing across zones would (1), at the cost of zone balance",
    ]);
  });
});

describe("planClusterCapacity: spread placement with managed scaling's spare", () => {
  it("frees within zones only what the target capacity does not keep, and says what packing across zones would free more", () => {
    // 6 instances in 3 zones, one 1 vCPU / 2 GiB task each. Across zones the 6 tasks need 2
    // instances; at a 50 % target managed scaling keeps 2 more (spare). Within each zone the 2 tasks
    // need 1 instance: 3 in all, so packing within zones frees 6 − 3 − 2 = 1; across zones 1 more.
    const ids = ["a", "b", "c", "d", "e", "f"];
    const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    const facts: ClusterFacts = {
      clusterName: "prod",
      instances: ids.map((id, i) =>
        instance(
          id,
          1,
          { cpu: 3072, memory: 12_952 },
          { capacityProvider: "asg-a", availabilityZone: zones[Math.floor(i / 2)] },
        ),
      ),
      tasks: ids.map((id) => task(id, "service:web")),
      providers: [{ name: "asg-a", managedScaling: { status: "ENABLED", targetCapacity: 50 } }],
      services: [spreading("web")],
    };
    const report = planClusterCapacity(facts, PRICES);
    const monthly = round(M6I_XLARGE_MONTHLY);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: "target-capacity", spareInstances: 2 }),
      {
        kind: "spread",
        monthly,
        services: ["web"],
        freedInstances: 1,
        suggestedStrategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "binpack", field: "memory" },
        ],
        message: `web spreads tasks over instances of asg-a; bin packing within each Availability Zone would free 1 of 6 instances ($${monthly.toFixed(2)}/month): use placementStrategy [spread attribute:ecs.availability-zone, binpack memory] to keep Availability Zone balance and pack within each zone (packing across zones would free 1 more, at the cost of that balance)`,
      },
    ]);
    expect(report.notes).toEqual([]);
  });
});
