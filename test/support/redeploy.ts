import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import type { World } from "./world.ts";

/** The image the service's current revision names for its first container (read from moto directly). */
export async function runningImage(world: World, service: string, cluster = "prod"): Promise<string> {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [service] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
  );
  return definition.taskDefinition?.containerDefinitions?.[0]?.image ?? "";
}
