/**
 * What to do about a SERVICE_TASK_PLACEMENT_FAILURE, by its `reason` (RESOURCE:CPU,
 * RESOURCE:MEMORY, RESOURCE:FARGATE, …).
 */
export function capacityHint(reason: string | undefined): string {
  switch (reason) {
    case "RESOURCE:CPU":
    case "RESOURCE:MEMORY": {
      const what = reason === "RESOURCE:CPU" ? "CPU" : "memory";
      return `no container instance has enough free ${what} for the task: turn on managed scaling for the cluster's capacity provider (or raise the Auto Scaling group's maximum), or lower the task's ${what} reservation`;
    }
    case "RESOURCE:FARGATE":
      return "Fargate had no capacity for the task (Fargate Spot in these Availability Zones, or the account's Fargate vCPU quota): add FARGATE as a fallback in the capacity provider strategy, give the service subnets in more Availability Zones, and check the Service Quotas 'Fargate On-Demand vCPU resource count'";
    case "RESOURCE:ENI":
      return "the container instances have no free network interfaces for awsvpc tasks: turn on awsvpcTrunking or use larger instance types";
    case "RESOURCE:GPU":
      return "no container instance has a free GPU: add GPU capacity to the capacity provider";
    case "RESOURCE:PORTS":
      return "the host port is taken on every instance: use dynamic host ports (hostPort 0) or the awsvpc network mode";
    case "AGENT":
      return "the ECS agent of the container instances is disconnected: check the instances and the agent's log";
    case "ATTRIBUTE":
      return "no container instance satisfies the task's placement constraints or required attributes";
    default:
      return "ECS could not place the task: see the service's events";
  }
}
