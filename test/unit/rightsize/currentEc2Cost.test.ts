import { describe, expect, it } from "vitest";
import type { ContainerInstanceFacts } from "../../../core/ecs/containerInstanceFacts.ts";
import type { ClusterFacts, RunningTaskFacts } from "../../../core/rightsize/clusterCapacity.ts";
import { currentEc2Cost } from "../../../core/rightsize/currentEc2Cost.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";

// eu-west-1 bundled EC2 prices (vantage-sh/ec2instances.info, 2024-04-04): c5.xlarge $0.192/hour,
// m5.large $0.107/hour; c5.metal is not bundled (metal sizes were dropped, core/pricing/data/SOURCES.md).
const PRICES = bundledPriceBook("eu-west-1").ec2;
const C5_XLARGE = 0.192;
const M5_LARGE = 0.107;
const HOURS = 730;

/** A c5.xlarge as moto registers one (4,096 CPU / 7,482 MiB). */
const C5_REGISTERED = { cpu: 4096, memory: 7482 };
const M5_REGISTERED = { cpu: 2048, memory: 7680 };

const arn = (id: string) => `arn:aws:ecs:eu-west-1:123456789012:container-instance/shop/${id}`;
const instance = (
  id: string,
  /** null: the agent registered no `ecs.instance-type` attribute. */
  instanceType: string | null = "c5.xlarge",
  extra: Partial<ContainerInstanceFacts> = {},
): ContainerInstanceFacts => ({
  arn: arn(id),
  ec2InstanceId: `i-${id}`,
  ...(instanceType ? { instanceType } : {}),
  status: "ACTIVE",
  agentConnected: true,
  registered: instanceType === "m5.large" ? M5_REGISTERED : C5_REGISTERED,
  remaining: { cpu: 0, memory: 0 },
  runningTasks: 0,
  ...extra,
});
const task = (id: string, group: string, cpu = 1024, memory = 2048): RunningTaskFacts => ({
  containerInstanceArn: arn(id),
  group,
  reservation: { cpu, memory },
});
const cluster = (instances: ContainerInstanceFacts[], tasks: RunningTaskFacts[]): ClusterFacts => ({
  clusterName: "shop",
  instances,
  tasks,
  providers: [],
  services: [],
});

describe("currentEc2Cost: what an EC2 service costs today", () => {
  it("reads the bundled prices it is tested with", () => {
    expect(PRICES.get("c5.xlarge")).toBe(C5_XLARGE);
    expect(PRICES.get("m5.large")).toBe(M5_LARGE);
    expect(PRICES.has("c5.metal")).toBe(false);
  });

  it("is undefined without a cluster", () => {
    expect(currentEc2Cost(undefined, "web", PRICES)).toBeUndefined();
  });

  it("is the whole of an instance the service has to itself, a month of its hourly price", () => {
    expect(currentEc2Cost(cluster([instance("a")], [task("a", "service:web")]), "web", PRICES)).toEqual({
      kind: "running",
      monthly: C5_XLARGE * HOURS,
      tasks: 1,
      instanceTypes: { "c5.xlarge": 1 },
      clusterName: "shop",
    });
  });

  it("splits a shared instance by what each task reserves, the larger of its CPU and memory share", () => {
    // web: 1,024 CPU (1/4) and 1,000 MiB: its CPU share, 0.25. cache: 512 CPU and 3,741 MiB (1/2): 0.5.
    const facts = cluster(
      [instance("a")],
      [task("a", "service:web", 1024, 1000), task("a", "service:cache", 512, 3741)],
    );
    const web = currentEc2Cost(facts, "web", PRICES);
    expect(web?.kind).toBe("running");
    expect(web?.kind === "running" && web.monthly).toBeCloseTo((0.25 / 0.75) * C5_XLARGE * HOURS, 9);
    const cache = currentEc2Cost(facts, "cache", PRICES);
    expect(cache?.kind === "running" && cache.monthly).toBeCloseTo((0.5 / 0.75) * C5_XLARGE * HOURS, 9);
  });

  it("adds up every instance the service runs on, and counts its tasks and instance types", () => {
    const facts = cluster(
      [instance("a"), instance("b", "m5.large"), instance("c"), instance("d")],
      [
        task("a", "service:web"),
        task("a", "service:web"),
        task("b", "service:web", 1024, 1920),
        task("b", "service:cache", 1024, 1920),
        task("c", "service:cache"),
      ],
    );
    const cost = currentEc2Cost(facts, "web", PRICES);
    expect(cost).toEqual({
      kind: "running",
      monthly: expect.closeTo((C5_XLARGE + 0.5 * M5_LARGE) * HOURS, 9),
      tasks: 3,
      instanceTypes: { "c5.xlarge": 1, "m5.large": 1 },
      clusterName: "shop",
    });
  });

  it("counts two instances of one type as two", () => {
    const facts = cluster(
      [instance("a"), instance("b")],
      [task("a", "service:web"), task("b", "service:web")],
    );
    expect(currentEc2Cost(facts, "web", PRICES)).toMatchObject({
      kind: "running",
      monthly: 2 * C5_XLARGE * HOURS,
      tasks: 2,
      instanceTypes: { "c5.xlarge": 2 },
    });
  });

  it("splits an instance whose tasks reserve nothing by task count", () => {
    const facts = cluster(
      [instance("a")],
      [task("a", "service:web", 0, 0), task("a", "service:cache", 0, 0), task("a", "family:cron", 0, 0)],
    );
    const cost = currentEc2Cost(facts, "web", PRICES);
    expect(cost?.kind === "running" && cost.monthly).toBeCloseTo((C5_XLARGE * HOURS) / 3, 9);
  });

  it("weighs by memory alone on an instance that registered no CPU, and by CPU alone without memory", () => {
    const noCpu = cluster(
      [instance("a", "c5.xlarge", { registered: { cpu: 0, memory: 8000 } })],
      [task("a", "service:web", 4096, 2000), task("a", "service:cache", 0, 6000)],
    );
    const web = currentEc2Cost(noCpu, "web", PRICES);
    expect(web?.kind === "running" && web.monthly).toBeCloseTo(0.25 * C5_XLARGE * HOURS, 9);
    const noMemory = cluster(
      [instance("a", "c5.xlarge", { registered: { cpu: 4096, memory: 0 } })],
      [task("a", "service:web", 1024, 7000), task("a", "service:cache", 3072, 0)],
    );
    const alone = currentEc2Cost(noMemory, "web", PRICES);
    expect(alone?.kind === "running" && alone.monthly).toBeCloseTo(0.25 * C5_XLARGE * HOURS, 9);
  });

  it("counts only the service's own tasks: the group is service:<name> exactly", () => {
    const facts = cluster(
      [instance("a"), instance("b")],
      [
        task("a", "service:web"),
        task("a", "service:web-worker"),
        task("b", "service:web-worker"),
        task("b", "family:web"),
      ],
    );
    expect(currentEc2Cost(facts, "web", PRICES)).toMatchObject({
      kind: "running",
      monthly: 0.5 * C5_XLARGE * HOURS,
      tasks: 1,
      instanceTypes: { "c5.xlarge": 1 },
    });
  });

  it("counts a draining instance, not one that is no longer active", () => {
    const facts = cluster(
      [instance("a", "c5.xlarge", { status: "DRAINING" }), instance("b", "m5.large", { status: "INACTIVE" })],
      [task("a", "service:web"), task("b", "service:web")],
    );
    expect(currentEc2Cost(facts, "web", PRICES)).toEqual({
      kind: "running",
      monthly: C5_XLARGE * HOURS,
      tasks: 1,
      instanceTypes: { "c5.xlarge": 1 },
      clusterName: "shop",
    });
  });

  describe("no task of the service running: today's size on the cluster's instance type", () => {
    it("is the cluster's most common priced type, as registered, with its hourly price", () => {
      const facts = cluster(
        [instance("a", "m5.large"), instance("b"), instance("c"), instance("d", "m5.large"), instance("e")],
        [task("a", "service:cache")],
      );
      expect(currentEc2Cost(facts, "web", PRICES)).toEqual({
        kind: "cluster-type",
        instanceType: "c5.xlarge",
        registered: C5_REGISTERED,
        hourly: C5_XLARGE,
        clusterName: "shop",
      });
    });

    it("is the most common type even when another comes first by name", () => {
      const facts = cluster([instance("a"), instance("b", "m5.large"), instance("c", "m5.large")], []);
      expect(currentEc2Cost(facts, "web", PRICES)).toEqual({
        kind: "cluster-type",
        instanceType: "m5.large",
        registered: M5_REGISTERED,
        hourly: M5_LARGE,
        clusterName: "shop",
      });
    });

    it("takes the first type by name when two are as common", () => {
      const facts = cluster([instance("a"), instance("b", "m5.large")], []);
      expect(currentEc2Cost(facts, "web", PRICES)).toMatchObject({
        kind: "cluster-type",
        instanceType: "c5.xlarge",
      });
      const reversed = cluster([instance("b", "m5.large"), instance("a")], []);
      expect(currentEc2Cost(reversed, "web", PRICES)).toMatchObject({
        kind: "cluster-type",
        instanceType: "c5.xlarge",
      });
    });

    it("leaves out unpriced types, instances without a type, inactive ones and ones that registered nothing", () => {
      const facts = cluster(
        [
          instance("a", "c5.metal"),
          instance("b", "c5.metal"),
          instance("c", null),
          instance("d", null),
          instance("e", "c5.xlarge", { status: "INACTIVE" }),
          instance("f", "c5.xlarge", { status: "DEREGISTERING" }),
          instance("g", "c5.xlarge", { registered: { cpu: 0, memory: 7482 } }),
          instance("h", "c5.xlarge", { registered: { cpu: 4096, memory: 0 } }),
          instance("i", "m5.large", { status: "DRAINING" }),
        ],
        [],
      );
      expect(currentEc2Cost(facts, "web", PRICES)).toEqual({
        kind: "cluster-type",
        instanceType: "m5.large",
        registered: M5_REGISTERED,
        hourly: M5_LARGE,
        clusterName: "shop",
      });
    });

    it("takes what an instance of that type registered, not one that registered nothing", () => {
      const facts = cluster(
        [instance("a", "c5.xlarge", { registered: { cpu: 0, memory: 0 } }), instance("b")],
        [],
      );
      expect(currentEc2Cost(facts, "web", PRICES)).toMatchObject({
        kind: "cluster-type",
        instanceType: "c5.xlarge",
        registered: C5_REGISTERED,
      });
    });

    it("is used when an instance the service runs on has an unpriced type", () => {
      const facts = cluster(
        [instance("a"), instance("b", "c5.metal"), instance("c", "m5.large")],
        [task("a", "service:web"), task("b", "service:web")],
      );
      expect(currentEc2Cost(facts, "web", PRICES)).toMatchObject({
        kind: "cluster-type",
        instanceType: "c5.xlarge",
      });
    });

    it("is used when the service's only tasks run on an instance without a type", () => {
      const facts = cluster([instance("a", null), instance("b", "m5.large")], [task("a", "service:web")]);
      expect(currentEc2Cost(facts, "web", PRICES)).toMatchObject({
        kind: "cluster-type",
        instanceType: "m5.large",
      });
    });

    it("is undefined when the cluster has no priced instance to go by", () => {
      expect(currentEc2Cost(cluster([], []), "web", PRICES)).toBeUndefined();
      expect(
        currentEc2Cost(cluster([instance("a", "c5.metal")], [task("a", "service:web")]), "web", PRICES),
      ).toBeUndefined();
    });
  });
});
