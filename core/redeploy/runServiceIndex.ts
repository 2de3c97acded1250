import type { CloudTrailApiCallEvent, ScheduledEvent } from "../events/schemas.ts";
import { type FlowContext, type FlowResult, quietResult } from "../flow.ts";
import { ServiceIndex } from "./ServiceIndex.ts";
import { serviceChangeFromCloudTrail } from "./serviceChange.ts";

/**
 * The service index's entry: a scheduled event rebuilds the whole index; a CloudTrail
 * CreateService / UpdateService / DeleteService refreshes that one service. Never tells Slack.
 */
export async function runServiceIndex(
  event: CloudTrailApiCallEvent | ScheduledEvent,
  context: Pick<FlowContext, "clients" | "state" | "log">,
): Promise<FlowResult> {
  const index = new ServiceIndex(context.clients, context.state);
  if (event["detail-type"] === "Scheduled Event") {
    const summary = await index.rebuild();
    context.log.info("service index rebuilt", { ...summary });
    return quietResult({ action: "rebuilt", ...summary });
  }
  const change = serviceChangeFromCloudTrail(event.detail);
  if (change.kind === "ignore") {
    context.log.info("nothing to index", { reason: change.reason });
    return quietResult({ action: "ignored", reason: change.reason });
  }
  const result = await index.refreshService(change.cluster, change.service);
  context.log.info("service index updated", { ...change, result });
  return quietResult({ action: result, cluster: change.cluster, service: change.service });
}
