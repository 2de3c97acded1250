import { DescribeTaskDefinitionCommand, type ECSClient, type Service } from "@aws-sdk/client-ecs";
import { describeClusters, evaluateService } from "./auditResources.ts";
import type { Evaluation, PolicySettings } from "./evaluate.ts";

/**
 * On CreateService/UpdateService: the service itself (and its task sets) against the service and
 * task-set rules, with its cluster (DescribeClusters) and task definition. These findings are
 * reported, never acted on: enforce mode only acts on task definitions. A cluster or task
 * definition that cannot be read leaves the rules that need it unknown, not passed.
 *
 * @example
 * const resources = await checkServiceCall(clients.ecs, described, config.policy);
 */
export async function checkServiceCall(
  ecs: ECSClient,
  service: Service,
  settings: PolicySettings,
): Promise<Evaluation[]> {
  const cluster = service.clusterArn
    ? await describeClusters(ecs, [service.clusterArn])
        .then((clusters) => clusters[0])
        .catch(() => undefined)
    : undefined;
  const taskDefinition = service.taskDefinition
    ? await ecs
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }))
        .then((r) => r.taskDefinition)
        .catch(() => undefined)
    : undefined;
  return evaluateService(service, cluster, taskDefinition, settings).map((e) => e.evaluation);
}
