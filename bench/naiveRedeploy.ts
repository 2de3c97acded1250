/**
 * The baseline a push is measured against: what a straightforward "redeploy on ECR push" Lambda
 * does without an index — list every cluster and service, describe each, compare the images,
 * and roll out the ones that use the pushed repository. It is written here, in the bench, only
 * to be counted; it has none of ecs-autopilot's checks (tag policy, platform, signature,
 * policy gate, queued pushes, leases).
 */
import {
  type ContainerDefinition,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  type TaskDefinition,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { chunk } from "../core/aws/concurrency.ts";
import type { AwsClients } from "../core/aws/index.ts";

export interface NaivePush {
  readonly registry: string;
  readonly repository: string;
  /** The pushed tag: the naive roll-out writes `repository:tag`, as a hand-written script would. */
  readonly tag: string;
}

/** Every cluster ARN of the region (100 per page). */
async function listClusters(clients: AwsClients): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.ecs.send(new ListClustersCommand({ maxResults: 100, nextToken }));
    arns.push(...(page.clusterArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

/** Every service ARN of a cluster (100 per page, the API's maximum). */
async function listServices(clients: AwsClients, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.ecs.send(new ListServicesCommand({ cluster, maxResults: 100, nextToken }));
    arns.push(...(page.serviceArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

const usesRepository = (container: ContainerDefinition, push: NaivePush): boolean =>
  (container.image ?? "").startsWith(`${push.registry}/${push.repository}:`) ||
  (container.image ?? "").startsWith(`${push.registry}/${push.repository}@`);

/**
 * One push, the naive way. Returns the services it rolled out.
 *
 * Reads: 1 ListClusters page per 100 clusters, 1 ListServices page per 100 services of each
 * cluster, 1 DescribeServices per 10 services, 1 DescribeTaskDefinition per distinct revision.
 * Writes: RegisterTaskDefinition + UpdateService per service using the repository.
 */
export async function naiveRedeploy(clients: AwsClients, push: NaivePush): Promise<number> {
  let rolledOut = 0;
  const definitions = new Map<string, TaskDefinition>();
  for (const cluster of await listClusters(clients)) {
    const services: Service[] = [];
    for (const batch of chunk(await listServices(clients, cluster), 10)) {
      const described = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
      services.push(...(described.services ?? []));
    }
    for (const service of services) {
      const arn = service.taskDefinition ?? "";
      let definition = definitions.get(arn);
      if (!definition) {
        definition = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })))
          .taskDefinition;
        if (!definition) continue;
        definitions.set(arn, definition);
      }
      const containers = definition.containerDefinitions ?? [];
      if (!containers.some((c) => usesRepository(c, push))) continue;
      const registered = await clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: definition.family,
          networkMode: definition.networkMode,
          requiresCompatibilities: definition.requiresCompatibilities,
          cpu: definition.cpu,
          memory: definition.memory,
          containerDefinitions: containers.map((c) =>
            usesRepository(c, push) ? { ...c, image: `${push.registry}/${push.repository}:${push.tag}` } : c,
          ),
        }),
      );
      await clients.ecs.send(
        new UpdateServiceCommand({
          cluster,
          service: service.serviceName,
          taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        }),
      );
      rolledOut++;
    }
  }
  return rolledOut;
}
