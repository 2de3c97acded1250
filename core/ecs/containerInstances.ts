import {
  DescribeContainerInstancesCommand,
  type ECSClient,
  paginateListContainerInstances,
} from "@aws-sdk/client-ecs";
import { chunk } from "../aws/concurrency.ts";
import { type ContainerInstanceFacts, containerInstanceFacts } from "./containerInstanceFacts.ts";

// The pure facts live in containerInstanceFacts.ts (mutation group ecs-facts).

/**
 * Every container instance of a cluster: ListContainerInstances (paged) and
 * DescribeContainerInstances, 100 a call. A Fargate-only cluster costs one call and returns none.
 *
 * @example
 * const instances = await listContainerInstances(ecs, "prod");
 */
export async function listContainerInstances(
  ecs: ECSClient,
  cluster: string,
): Promise<ContainerInstanceFacts[]> {
  const arns: string[] = [];
  for await (const page of paginateListContainerInstances({ client: ecs }, { cluster }))
    arns.push(...(page.containerInstanceArns ?? []));
  const instances: ContainerInstanceFacts[] = [];
  for (const batch of chunk(arns, 100)) {
    const described = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }),
    );
    instances.push(...(described.containerInstances ?? []).map(containerInstanceFacts));
  }
  return instances;
}
