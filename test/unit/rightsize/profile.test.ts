import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { distribution } from "../../../core/rightsize/percentiles.ts";
import {
  metricsSpan,
  profileService,
  type ServiceFacts,
  serviceFacts,
  spanText,
} from "../../../core/rightsize/profile.ts";
import type { ServiceUsage } from "../../../core/rightsize/usageSeries.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";

const SERVICE: Service = {
  serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
  clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
  serviceName: "api",
  desiredCount: 3,
  launchType: "FARGATE",
};
const TASK: TaskDefinition = {
  family: "api",
  networkMode: "awsvpc",
  cpu: "512",
  memory: "1024",
  containerDefinitions: [{ name: "app", image: "public.ecr.aws/nginx/nginx:1.27" }],
};
const facts = (service: Partial<Service> = {}, task: Partial<TaskDefinition> = {}) =>
  serviceFacts({ ...SERVICE, ...service }, { ...TASK, ...task });

describe("serviceFacts: where the service runs", () => {
  it("reads the launch type when the service has no capacity provider strategy", () => {
    expect(facts().runsOn).toBe("FARGATE");
    expect(facts({ launchType: "EC2" }).runsOn).toBe("EC2");
    // ECS Anywhere: external instances are priced and packed like EC2, never Fargate.
    expect(facts({ launchType: "EXTERNAL" }).runsOn).toBe("EC2");
    // Neither a launch type nor a strategy: ECS's default is Fargate when the cluster has no default strategy.
    expect(facts({ launchType: undefined }).runsOn).toBe("FARGATE");
    expect(facts({ launchType: "EC2", capacityProviderStrategy: [] }).runsOn).toBe("EC2");
  });

  it("reads the capacity provider strategy before the launch type: Spot only, Fargate mixed with Spot, Auto Scaling groups", () => {
    const strategy = (...names: string[]) => ({
      launchType: undefined,
      capacityProviderStrategy: names.map((capacityProvider) => ({ capacityProvider, weight: 1 })),
    });
    expect(facts(strategy("FARGATE_SPOT")).runsOn).toBe("FARGATE_SPOT");
    expect(facts(strategy("FARGATE_SPOT", "FARGATE_SPOT")).runsOn).toBe("FARGATE_SPOT");
    // Some tasks on on-demand Fargate: priced as Fargate, not as Spot.
    expect(facts(strategy("FARGATE", "FARGATE_SPOT")).runsOn).toBe("FARGATE");
    expect(facts(strategy("FARGATE_SPOT", "FARGATE")).runsOn).toBe("FARGATE");
    expect(facts(strategy("FARGATE")).runsOn).toBe("FARGATE");
    expect(facts(strategy("prod-asg")).runsOn).toBe("EC2");
    expect(facts(strategy("prod-asg-a", "prod-asg-b")).runsOn).toBe("EC2");
    // A strategy wins over a launch type the service also reports.
    expect(facts({ ...strategy("prod-asg"), launchType: "FARGATE" }).runsOn).toBe("EC2");
  });
});

describe("serviceFacts: what only EC2 gives the service", () => {
  it("says nothing for an awsvpc task without host resources", () => {
    expect(facts().ec2Only).toEqual([]);
  });

  it("names host and bridge networking", () => {
    expect(facts({}, { networkMode: "host" }).ec2Only).toEqual(["host networking"]);
    expect(facts({}, { networkMode: "bridge" }).ec2Only).toEqual(["bridge networking"]);
    expect(facts({}, { networkMode: "none" }).ec2Only).toEqual([]);
    expect(facts({}, { networkMode: undefined }).ec2Only).toEqual([]);
  });

  it("names privileged containers once, whichever container is privileged", () => {
    const containers = [
      { name: "app", privileged: false },
      { name: "agent", privileged: true },
      { name: "probe", privileged: true },
    ];
    expect(facts({}, { containerDefinitions: containers }).ec2Only).toEqual(["privileged containers"]);
    expect(facts({}, { containerDefinitions: [{ name: "app", privileged: false }] }).ec2Only).toEqual([]);
  });

  it("names host volumes with a source path and Docker volumes, each by name; a bind mount without a path is Fargate's too", () => {
    const ec2Only = facts(
      {},
      {
        volumes: [
          { name: "data", host: { sourcePath: "/var/lib/data" } },
          { name: "scratch", host: {} },
          { name: "cache", dockerVolumeConfiguration: { scope: "task", driver: "local" } },
          { name: "efs", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0" } },
        ],
      },
    ).ec2Only;
    expect(ec2Only).toEqual(["host volume data (persistent host storage)", "Docker volume cache"]);
    expect(
      facts(
        {},
        {
          volumes: [{ host: { sourcePath: "/var/log" } }, { dockerVolumeConfiguration: { scope: "shared" } }],
        },
      ).ec2Only,
    ).toEqual(["host volume (persistent host storage)", "Docker volume"]);
  });

  it("names GPUs (not other resource requirements) and daemon scheduling", () => {
    const gpu = facts(
      {},
      {
        containerDefinitions: [
          { name: "app", resourceRequirements: [{ type: "InferenceAccelerator", value: "device_1" }] },
          { name: "trainer", resourceRequirements: [{ type: "GPU", value: "1" }] },
        ],
      },
    );
    expect(gpu.ec2Only).toEqual(["GPUs"]);
    expect(
      facts(
        {},
        {
          containerDefinitions: [
            { name: "app", resourceRequirements: [{ type: "InferenceAccelerator", value: "device_1" }] },
          ],
        },
      ).ec2Only,
    ).toEqual([]);
    expect(facts({ schedulingStrategy: "DAEMON" }).ec2Only).toEqual(["daemon scheduling"]);
    expect(facts({ schedulingStrategy: "REPLICA" }).ec2Only).toEqual([]);
  });

  it("lists every reason in a fixed order", () => {
    const all = facts(
      { launchType: "EC2", schedulingStrategy: "DAEMON" },
      {
        networkMode: "host",
        containerDefinitions: [
          { name: "agent", privileged: true, resourceRequirements: [{ type: "GPU", value: "1" }] },
        ],
        volumes: [
          { name: "proc", host: { sourcePath: "/proc" } },
          { name: "docker", dockerVolumeConfiguration: { scope: "shared", autoprovision: true } },
        ],
      },
    );
    expect(all.ec2Only).toEqual([
      "host networking",
      "privileged containers",
      "host volume proc (persistent host storage)",
      "Docker volume docker",
      "GPUs",
      "daemon scheduling",
    ]);
  });
});

describe("serviceFacts: task size, platform and tags", () => {
  it("takes the task-level CPU and memory, in units and MiB", () => {
    expect(facts({}, { cpu: "1 vCPU", memory: "2 GB" })).toMatchObject({ taskCpu: 1024, taskMemory: 2048 });
    expect(facts()).toMatchObject({ taskCpu: 512, taskMemory: 1024 });
  });

  it("sums the containers' CPU and memory when the task sets none, its memory or, without one, its reservation", () => {
    const f = facts(
      {},
      {
        cpu: undefined,
        memory: undefined,
        containerDefinitions: [
          { name: "app", cpu: 256, memory: 512 },
          { name: "sidecar", cpu: 128, memoryReservation: 128 },
          { name: "init" },
        ],
      },
    );
    expect(f).toMatchObject({ taskCpu: 384, taskMemory: 640 });
    expect(facts({}, { cpu: undefined, memory: undefined, containerDefinitions: undefined })).toMatchObject({
      taskCpu: 0,
      taskMemory: 0,
      ec2Only: [],
    });
  });

  it("reads ARM64 from the runtime platform; anything else is x86-64", () => {
    expect(facts({}, { runtimePlatform: { cpuArchitecture: "ARM64" } }).architecture).toBe("ARM64");
    expect(facts({}, { runtimePlatform: { cpuArchitecture: "X86_64" } }).architecture).toBe("X86_64");
    expect(facts({}, { runtimePlatform: { operatingSystemFamily: "LINUX" } }).architecture).toBe("X86_64");
    expect(facts().architecture).toBe("X86_64");
  });

  it(`is interruptible only when tagged ${SERVICE_TAGS.interruptible}=true`, () => {
    const tagged = (value: string) => facts({ tags: [{ key: SERVICE_TAGS.interruptible, value }] });
    expect(tagged("true").interruptible).toBe(true);
    expect(tagged("false").interruptible).toBe(false);
    expect(tagged("yes").interruptible).toBe(false);
    expect(facts().interruptible).toBe(false);
  });

  it(`reads the right-sizing mode from ${SERVICE_TAGS.rightsize}: apply, off, anything else reports`, () => {
    const tagged = (value: string) => facts({ tags: [{ key: SERVICE_TAGS.rightsize, value }] });
    expect(tagged("apply").rightsizeMode).toBe("apply");
    expect(tagged("off").rightsizeMode).toBe("off");
    expect(tagged("report").rightsizeMode).toBe("report");
    expect(tagged("Apply").rightsizeMode).toBe("report");
    expect(facts().rightsizeMode).toBe("report");
  });

  it("carries ephemeral storage only when the task asks for some", () => {
    expect(facts({}, { ephemeralStorage: { sizeInGiB: 50 } }).ephemeralStorageGiB).toBe(50);
    expect("ephemeralStorageGiB" in facts()).toBe(false);
  });

  it("takes the service's deployment limits, ECS's defaults (100 / 200) for those it does not set", () => {
    expect(facts().deployment).toEqual({ minimumHealthyPercent: 100, maximumPercent: 200 });
    expect(
      facts({ deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 150 } }).deployment,
    ).toEqual({ minimumHealthyPercent: 50, maximumPercent: 150 });
    expect(facts({ deploymentConfiguration: { maximumPercent: 100 } }).deployment).toEqual({
      minimumHealthyPercent: 100,
      maximumPercent: 100,
    });
    expect(facts({ deploymentConfiguration: { minimumHealthyPercent: 0 } }).deployment).toEqual({
      minimumHealthyPercent: 0,
      maximumPercent: 200,
    });
  });

  it("names the service and its cluster, and reads its whole facts", () => {
    expect(facts({ tags: [{ key: "team", value: "payments" }] })).toStrictEqual({
      serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
      clusterName: "prod",
      serviceName: "api",
      runsOn: "FARGATE",
      desiredCount: 3,
      taskCpu: 512,
      taskMemory: 1024,
      architecture: "X86_64",
      ec2Only: [],
      interruptible: false,
      rightsizeMode: "report",
      deployment: { minimumHealthyPercent: 100, maximumPercent: 200 },
    });
    expect(serviceFacts({}, {})).toStrictEqual({
      serviceArn: "",
      clusterName: "",
      serviceName: "",
      runsOn: "FARGATE",
      desiredCount: 0,
      taskCpu: 0,
      taskMemory: 0,
      architecture: "X86_64",
      ec2Only: [],
      interruptible: false,
      rightsizeMode: "report",
      deployment: { minimumHealthyPercent: 100, maximumPercent: 200 },
    });
  });
});

const FACTS: ServiceFacts = {
  serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/api",
  clusterName: "prod",
  serviceName: "api",
  runsOn: "FARGATE",
  desiredCount: 2,
  taskCpu: 1024,
  taskMemory: 2048,
  architecture: "X86_64",
  ec2Only: [],
  interruptible: false,
  rightsizeMode: "report",
};
const T0 = Date.parse("2026-11-20T00:00:00Z");
const HOUR = 3_600_000;

/** Hourly Container Insights usage (per task), one value per period. */
const perTask = (
  cpu: number[],
  memory: number[],
  runningTasks: number[],
  memoryMax: number[] = memory,
): ServiceUsage => ({
  target: { clusterName: "prod", serviceName: "api", containerInsights: true },
  timestamps: cpu.map((_, i) => T0 + i * HOUR),
  cpu,
  memory,
  memoryMax,
  runningTasks,
  unit: "per-task",
  periodSeconds: 3600,
});

describe("profileService", () => {
  it("profiles per-task usage as it is, and leaves periods without running tasks out of the task's size", () => {
    // Night periods (0 tasks) report 0 CPU and memory: they are not a small task.
    const usage = perTask(
      [0, 200, 400, 600, 0],
      [0, 500, 700, 900, 0],
      [0, 2, 4, 2, 0],
      [0, 600, 1100, 950, 4000],
    );
    const p = profileService(FACTS, usage, 3);
    expect(p).toStrictEqual({
      facts: FACTS,
      cpu: distribution([200, 400, 600]),
      memory: distribution([500, 700, 900]),
      // The 4000 MiB maximum fell in a period without tasks: not a task's peak.
      memoryPeak: 1100,
      burstiness: (400 + 200 * (2 * 0.99 - 1)) / 400,
      dutyCycle: 3 / 5,
      tasks: { min: 0, max: 4, mean: 8 / 5 },
      oomKills: 3,
      // CPU's coefficient of variation is sqrt(80000/3) / 400 = 0.408: not steady.
      steady: false,
      data: { from: "2026-11-20T00:00:00.000Z", to: "2026-11-20T05:00:00.000Z", hours: 5 },
    });
    expect(p?.cpu).toMatchObject({ p50: 400, max: 600, mean: 400, samples: 3 });
    expect(p?.cpu.p99).toBeCloseTo(596, 9);
    expect(p?.burstiness).toBeCloseTo(1.49, 9);
  });

  it("turns percents of the reservation into per-task units with the task's size, every period counting the desired tasks", () => {
    const usage: ServiceUsage = {
      target: { clusterName: "prod", serviceName: "api", containerInsights: false },
      timestamps: [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR],
      cpu: [25, 50, 50, 75],
      memory: [50, 50, 50, 50],
      memoryMax: [50, 60, 80, 50],
      runningTasks: [],
      unit: "percent-of-reservation",
      periodSeconds: 3600,
    };
    const p = profileService(FACTS, usage, 0);
    // 1024 units × 25 / 50 / 50 / 75 % = 256 / 512 / 512 / 768; 2048 MiB × 50 % = 1024.
    expect(p?.cpu).toMatchObject({ p50: 512, max: 768, mean: 512, samples: 4 });
    expect(p?.cpu.p99).toBeCloseTo(768 - 256 * 0.03, 9);
    expect(p?.memory).toMatchObject({
      p50: 1024,
      p95: 1024,
      max: 1024,
      mean: 1024,
      variation: 0,
      samples: 4,
    });
    // 80 % of 2048 MiB.
    expect(p?.memoryPeak).toBe(1638.4);
    expect(p?.dutyCycle).toBe(1);
    expect(p?.tasks).toEqual({ min: 2, max: 2, mean: 2 });
    // sqrt(32768) / 512 = 0.354.
    expect(p?.steady).toBe(false);

    // A service scaled to zero: every period counts 0 tasks, so there is no task to size.
    expect(profileService({ ...FACTS, desiredCount: 0 }, usage, 0)).toBeUndefined();
  });

  it("counts the desired tasks for periods the task count does not reach", () => {
    // RunningTaskCount has fewer data points than CpuUtilized: the later periods fall back on desiredCount.
    const usage = perTask([100, 300, 500], [400, 400, 400], [0]);
    expect(profileService(FACTS, usage, 0)?.cpu).toMatchObject({ p50: 400, mean: 400, samples: 2 });
    expect(profileService({ ...FACTS, desiredCount: 0 }, usage, 0)).toBeUndefined();
  });

  it("has no profile without metrics, nor without memory metrics", () => {
    expect(profileService(FACTS, perTask([], [], []), 0)).toBeUndefined();
    expect(profileService(FACTS, perTask([300, 300], [], [1, 1]), 0)).toBeUndefined();
    expect(profileService(FACTS, perTask([], [300, 300], [1, 1]), 0)).toBeUndefined();
  });

  it("takes the highest of the averages and the maxima as the memory peak, averages when no maximum is reported", () => {
    expect(profileService(FACTS, perTask([100, 100], [700, 900], [1, 1], []), 0)?.memoryPeak).toBe(900);
    expect(profileService(FACTS, perTask([100, 100], [700, 900], [1, 1], [800, 850]), 0)?.memoryPeak).toBe(
      900,
    );
    expect(profileService(FACTS, perTask([100, 100], [700, 900], [1, 1], [1200, 850]), 0)?.memoryPeak).toBe(
      1200,
    );
  });

  it("calls CPU that idles at the median and spikes infinitely bursty, and CPU always at 0 flat", () => {
    const spiky = profileService(FACTS, perTask([0, 0, 0, 800], [500, 500, 500, 500], [1, 1, 1, 1]), 0);
    expect(spiky?.cpu.p50).toBe(0);
    expect(spiky?.burstiness).toBe(Number.POSITIVE_INFINITY);
    const idle = profileService(FACTS, perTask([0, 0, 0, 0], [500, 500, 500, 500], [1, 1, 1, 1]), 0);
    expect(idle?.burstiness).toBe(1);
    expect(idle?.steady).toBe(true);
    const flat = profileService(FACTS, perTask([300, 300, 300], [500, 500, 500], [1, 1, 1]), 0);
    expect(flat?.burstiness).toBe(1);
  });

  it("is steady below a CPU coefficient of variation of 0.25, not at it", () => {
    // 768 and 1280: mean 1024, standard deviation 256, variation exactly 0.25.
    const at = profileService(FACTS, perTask([768, 1280], [500, 500], [1, 1]), 0);
    expect(at?.cpu.variation).toBe(0.25);
    expect(at?.steady).toBe(false);
    // 800 and 1248: standard deviation 224, variation 0.219.
    expect(profileService(FACTS, perTask([800, 1248], [500, 500], [1, 1]), 0)?.steady).toBe(true);
  });

  it("gives no metrics span without timestamps", () => {
    const usage = { ...perTask([300], [500], [1]), timestamps: [] };
    const p = profileService(FACTS, usage, 0);
    expect(p?.cpu.p50).toBe(300);
    expect(p && "data" in p).toBe(false);
  });
});

describe("metricsSpan", () => {
  it("runs from the first period's start to the last period's end, whatever the order", () => {
    expect(
      metricsSpan({ timestamps: [T0 + 2 * HOUR, T0, T0 + 30 * 60_000 + HOUR], periodSeconds: 300 }),
    ).toEqual({ from: "2026-11-20T00:00:00.000Z", to: "2026-11-20T02:05:00.000Z", hours: 125 / 60 });
    expect(metricsSpan({ timestamps: [T0], periodSeconds: 3600 })).toEqual({
      from: "2026-11-20T00:00:00.000Z",
      to: "2026-11-20T01:00:00.000Z",
      hours: 1,
    });
    expect(metricsSpan({ timestamps: [], periodSeconds: 300 })).toBeUndefined();
  });
});

describe("spanText", () => {
  it("says hours below 48 and days from 48, to one decimal", () => {
    expect(spanText(6)).toBe("6 h");
    expect(spanText(6.26)).toBe("6.3 h");
    expect(spanText(6.24)).toBe("6.2 h");
    expect(spanText(47.9)).toBe("47.9 h");
    expect(spanText(47.96)).toBe("48 h");
    expect(spanText(48)).toBe("2 days");
    expect(spanText(60)).toBe("2.5 days");
    expect(spanText(14 * 24)).toBe("14 days");
    expect(spanText(50)).toBe("2.1 days");
  });
});
