import {
  DescribeScalableTargetsCommand,
  paginateDescribeScheduledActions,
  type ScalableTarget,
  type ScheduledAction,
} from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { chunk } from "../aws/concurrency.ts";
import type { AutopilotConfig } from "../config/index.ts";
import { describeServices, listAllServices } from "../ecs/describe.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import { DIMENSION, NAMESPACE, ownActionsByResource, servicesToReconcile } from "./scheduleOwnership.ts";
import { resourceIdOf } from "./scheduleSource.ts";
import type { RememberedCapacity, ScheduleInputs } from "./types.ts";

// Which actions are ours and which services count: scheduleOwnership.ts (mutation group schedule-ownership).

/**
 * Reads what a reconcile plans from: the services (every service of every cluster, or one),
 * our scheduled actions, the scalable targets and the remembered up capacities. Reads are per
 * cluster and per 10 services (DescribeServices), per 50 targets (DescribeScalableTargets), per
 * 100 services (BatchGetItem) and one paginated DescribeScheduledActions for the namespace —
 * never one call per service.
 */
export async function loadScheduleInputs(
  clients: Pick<AwsClients, "ecs" | "autoscaling">,
  table: StateTable,
  config: AutopilotConfig,
  only?: { readonly cluster: string; readonly service: string },
): Promise<ScheduleInputs> {
  const services: Service[] = [];
  if (only) {
    services.push(...(await describeServices(clients.ecs, only.cluster, [only.service])).services);
  } else {
    for (const [cluster, arns] of await listAllServices(clients.ecs))
      services.push(...(await describeServices(clients.ecs, cluster, arns)).services);
  }
  const read: ScheduledAction[] = [];
  for await (const page of paginateDescribeScheduledActions(
    { client: clients.autoscaling },
    { ServiceNamespace: NAMESPACE },
  ))
    read.push(...(page.ScheduledActions ?? []));
  const actions = ownActionsByResource(read);
  const relevant = servicesToReconcile(services, actions, config.schedule);
  const targets = new Map<string, ScalableTarget>();
  for (const batch of chunk(relevant.map(resourceIdOf), 50)) {
    const response = await clients.autoscaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: NAMESPACE,
        ResourceIds: batch,
        ScalableDimension: DIMENSION,
      }),
    );
    for (const target of response.ScalableTargets ?? []) targets.set(target.ResourceId ?? "", target);
  }

  const arnByPartition = new Map(
    relevant.map((s) => [stateKeys.scheduleMemory(s.serviceArn ?? "").pk, s.serviceArn ?? ""]),
  );
  const items = await table.batchGetAll<RememberedCapacity>(
    relevant.map((s) => stateKeys.scheduleMemory(s.serviceArn ?? "")),
  );
  const remembered = new Map<string, RememberedCapacity>();
  for (const item of items) {
    const serviceArn = arnByPartition.get(item.pk);
    if (serviceArn)
      remembered.set(serviceArn, {
        upMin: item.upMin,
        upMax: item.upMax,
        source: item.source,
        ...(item.released === true ? { released: true } : {}),
      });
  }
  return { services: relevant, actions, targets, remembered };
}
