import type { ContainerInstance, TaskDefinition } from "@aws-sdk/client-ecs";
import { cpuUnits, memoryMiB } from "./units.ts";

/*
 * What a container instance and a task are, in CPU and memory, as ECS describes them: the pure
 * half of containerInstances.ts (which reads them from ECS).
 */

/** CPU units (1024 = 1 vCPU) and MiB. */
export interface Resources {
  readonly cpu: number;
  readonly memory: number;
}

/** What a cluster's EC2 capacity is, per instance, as DescribeContainerInstances says. */
export interface ContainerInstanceFacts {
  readonly arn: string;
  readonly ec2InstanceId: string;
  /** From the `ecs.instance-type` attribute the agent registers. */
  readonly instanceType?: string;
  readonly status: string;
  readonly agentConnected: boolean;
  readonly registered: Resources;
  readonly remaining: Resources;
  readonly runningTasks: number;
  /** The capacity provider that launched it (absent for instances registered by hand). */
  readonly capacityProvider?: string;
  /** From the `ecs.availability-zone` attribute the agent registers. */
  readonly availabilityZone?: string;
}

function resources(
  instance: ContainerInstance,
  which: "registeredResources" | "remainingResources",
): Resources {
  const value = (name: string) => instance[which]?.find((r) => r.name === name)?.integerValue ?? 0;
  return { cpu: value("CPU"), memory: value("MEMORY") };
}

/** The facts of a described container instance. */
export function containerInstanceFacts(instance: ContainerInstance): ContainerInstanceFacts {
  const attribute = (name: string) => instance.attributes?.find((a) => a.name === name)?.value;
  const type = attribute("ecs.instance-type");
  const zone = attribute("ecs.availability-zone");
  return {
    arn: instance.containerInstanceArn ?? "",
    ec2InstanceId: instance.ec2InstanceId ?? "",
    ...(type ? { instanceType: type } : {}),
    status: instance.status ?? "",
    agentConnected: instance.agentConnected ?? false,
    registered: resources(instance, "registeredResources"),
    remaining: resources(instance, "remainingResources"),
    runningTasks: instance.runningTasksCount ?? 0,
    ...(instance.capacityProviderName ? { capacityProvider: instance.capacityProviderName } : {}),
    ...(zone ? { availabilityZone: zone } : {}),
  };
}

/**
 * What a task reserves on an EC2 container instance: its task-level CPU and memory, else the sum
 * of its containers' (memoryReservation before memory, as ECS places by the soft limit).
 *
 * @example
 * taskReservation({ containerDefinitions: [{ name: "app", cpu: 512, memory: 1024 }] }); // { cpu: 512, memory: 1024 }
 */
export function taskReservation(definition: TaskDefinition | undefined): Resources {
  const containers = definition?.containerDefinitions ?? [];
  return {
    cpu: cpuUnits(definition?.cpu) ?? containers.reduce((n, c) => n + (c.cpu ?? 0), 0),
    memory:
      memoryMiB(definition?.memory) ??
      containers.reduce((n, c) => n + (c.memoryReservation ?? c.memory ?? 0), 0),
  };
}
