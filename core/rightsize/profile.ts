import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { tagMap } from "../ecs/describe.ts";
import { cpuUnits, memoryMiB } from "../ecs/units.ts";
import { SERVICE_TAGS } from "../tags.ts";
import { type DeploymentLimits, ECS_DEFAULT_DEPLOYMENT } from "./ec2Plan.ts";
import { type Distribution, distribution } from "./percentiles.ts";
import type { ServiceUsage } from "./usageSeries.ts";

/** What the recommendation needs to know of a service besides its usage. */
export interface ServiceFacts {
  readonly serviceArn: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** FARGATE, FARGATE_SPOT or EC2 (from launch type or capacity provider strategy). */
  readonly runsOn: "FARGATE" | "FARGATE_SPOT" | "EC2";
  readonly desiredCount: number;
  /** Task-level CPU units and MiB (container sums when the task sets none). */
  readonly taskCpu: number;
  readonly taskMemory: number;
  readonly architecture: "X86_64" | "ARM64";
  /** Reasons this service can only run on EC2. */
  readonly ec2Only: readonly string[];
  /** Interruption-tolerant: tagged `autopilot:interruptible=true`. */
  readonly interruptible: boolean;
  /** Fargate ephemeral storage the task asks for, GiB (20 are included in the task price). */
  readonly ephemeralStorageGiB?: number;
  readonly rightsizeMode: "report" | "apply" | "off";
  /** The service's rolling-update limits (absent: ECS's defaults, 100 / 200). */
  readonly deployment?: DeploymentLimits;
}

/** Facts from the service and its task definition. */
export function serviceFacts(service: Service, taskDefinition: TaskDefinition): ServiceFacts {
  const containers = taskDefinition.containerDefinitions ?? [];
  const tags = tagMap(service.tags);
  const strategy = service.capacityProviderStrategy ?? [];
  const runsOn =
    strategy.length > 0
      ? strategy.every((s) => s.capacityProvider === "FARGATE_SPOT")
        ? "FARGATE_SPOT"
        : strategy.some((s) => s.capacityProvider?.startsWith("FARGATE"))
          ? "FARGATE"
          : "EC2"
      : service.launchType === "EC2" || service.launchType === "EXTERNAL"
        ? "EC2"
        : "FARGATE";
  const ec2Only: string[] = [];
  if (taskDefinition.networkMode === "host" || taskDefinition.networkMode === "bridge")
    ec2Only.push(`${taskDefinition.networkMode} networking`);
  if (containers.some((c) => c.privileged)) ec2Only.push("privileged containers");
  for (const volume of taskDefinition.volumes ?? []) {
    if (volume.host?.sourcePath)
      ec2Only.push(`host volume${volume.name ? ` ${volume.name}` : ""} (persistent host storage)`);
    if (volume.dockerVolumeConfiguration) ec2Only.push(`Docker volume ${volume.name ?? ""}`.trim());
  }
  if (containers.some((c) => (c.resourceRequirements ?? []).some((r) => r.type === "GPU")))
    ec2Only.push("GPUs");
  if (service.schedulingStrategy === "DAEMON") ec2Only.push("daemon scheduling");
  const mode = tags[SERVICE_TAGS.rightsize];
  return {
    serviceArn: service.serviceArn ?? "",
    clusterName: (service.clusterArn ?? "").split("/").pop() ?? "",
    serviceName: service.serviceName ?? "",
    runsOn,
    desiredCount: service.desiredCount ?? 0,
    taskCpu: cpuUnits(taskDefinition.cpu) ?? containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0),
    taskMemory:
      memoryMiB(taskDefinition.memory) ??
      containers.reduce((sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0), 0),
    architecture: taskDefinition.runtimePlatform?.cpuArchitecture === "ARM64" ? "ARM64" : "X86_64",
    ec2Only,
    interruptible: tags[SERVICE_TAGS.interruptible] === "true",
    ...(taskDefinition.ephemeralStorage?.sizeInGiB
      ? { ephemeralStorageGiB: taskDefinition.ephemeralStorage.sizeInGiB }
      : {}),
    rightsizeMode: mode === "apply" || mode === "off" ? mode : "report",
    deployment: {
      minimumHealthyPercent:
        service.deploymentConfiguration?.minimumHealthyPercent ??
        ECS_DEFAULT_DEPLOYMENT.minimumHealthyPercent,
      maximumPercent:
        service.deploymentConfiguration?.maximumPercent ?? ECS_DEFAULT_DEPLOYMENT.maximumPercent,
    },
  };
}

export interface ServiceProfile {
  readonly facts: ServiceFacts;
  /** CPU units per task, per period. */
  readonly cpu: Distribution;
  /** MiB per task, per period (averages). */
  readonly memory: Distribution;
  /** The highest memory any period's maximum saw, MiB per task. */
  readonly memoryPeak: number;
  /** p99 CPU over median CPU: 1 is flat, 5 and more is bursty. */
  readonly burstiness: number;
  /** Share of periods with tasks running (1 for always-on services). */
  readonly dutyCycle: number;
  readonly tasks: { readonly min: number; readonly max: number; readonly mean: number };
  readonly oomKills: number;
  /** Steady: CPU varies little (coefficient of variation below 0.25). */
  readonly steady: boolean;
  /** The metrics the profile rests on: first period start to last period end (may be far less than the lookback). */
  readonly data?: MetricsSpan;
}

/** The time the metrics cover. */
export interface MetricsSpan {
  readonly from: string;
  readonly to: string;
  readonly hours: number;
}

/** `6 h`, `2.5 days`: how much metrics a figure rests on. */
export function spanText(hours: number): string {
  const one = (n: number) => Math.round(n * 10) / 10;
  return hours < 48 ? `${one(hours)} h` : `${one(hours / 24)} days`;
}

/** The span of a service's metrics: first timestamp to the end of the last period. */
export function metricsSpan(
  usage: Pick<ServiceUsage, "timestamps" | "periodSeconds">,
): MetricsSpan | undefined {
  if (usage.timestamps.length === 0) return undefined;
  const from = Math.min(...usage.timestamps);
  const to = Math.max(...usage.timestamps) + usage.periodSeconds * 1000;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    hours: (to - from) / 3_600_000,
  };
}

/**
 * The profile of a service from its usage: percentiles, peak memory, burstiness, duty cycle,
 * steadiness and task counts. Without Container Insights, percents of the reservation are
 * turned into per-task units with the task's size.
 */
export function profileService(
  facts: ServiceFacts,
  usage: ServiceUsage,
  oomKills: number,
): ServiceProfile | undefined {
  const toCpu = (v: number) => (usage.unit === "per-task" ? v : (v / 100) * facts.taskCpu);
  const toMemory = (v: number) => (usage.unit === "per-task" ? v : (v / 100) * facts.taskMemory);
  // Never empty past the CPU distribution below: the running task counts, else one per CPU period.
  const tasks = usage.runningTasks.length > 0 ? usage.runningTasks : usage.cpu.map(() => facts.desiredCount);
  // Periods without running tasks say nothing about a task's size.
  const running = (i: number) => (tasks[i] ?? facts.desiredCount) > 0;
  const cpu = distribution(usage.cpu.filter((_, i) => running(i)).map(toCpu));
  const memory = distribution(usage.memory.filter((_, i) => running(i)).map(toMemory));
  if (!cpu || !memory) return undefined;
  const peaks = usage.memoryMax.filter((_, i) => running(i)).map(toMemory);
  const data = metricsSpan(usage);
  return {
    facts,
    cpu,
    memory,
    memoryPeak: Math.max(memory.max, ...peaks),
    burstiness: cpu.p50 > 0 ? cpu.p99 / cpu.p50 : cpu.p99 > 0 ? Number.POSITIVE_INFINITY : 1,
    dutyCycle: tasks.filter((t) => t > 0).length / tasks.length,
    tasks: {
      min: Math.min(...tasks),
      max: Math.max(...tasks),
      mean: tasks.reduce((a, b) => a + b, 0) / tasks.length,
    },
    oomKills,
    steady: cpu.variation < 0.25,
    ...(data ? { data } : {}),
  };
}
