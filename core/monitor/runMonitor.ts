import type {
  EcsContainerInstanceStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
  ScheduledEvent,
} from "../events/schemas.ts";
import type { FlowContext, FlowResult } from "../flow.ts";
import { monitorContainerInstanceStateChange } from "./containerInstanceEvent.ts";
import { MonitorLookups } from "./MonitorLookups.ts";
import { MonitorState } from "./MonitorState.ts";
import {
  type MonitorResult,
  monitorDeploymentStateChange,
  monitorServiceAction,
  monitorTaskStateChange,
} from "./monitorEvent.ts";
import { routeFor } from "./routeFor.ts";
import { sweepAgentDisconnects } from "./sweepAgentDisconnects.ts";

export type MonitorEvent =
  | EcsTaskStateChangeEvent
  | EcsDeploymentStateChangeEvent
  | EcsServiceActionEvent
  | EcsContainerInstanceStateChangeEvent
  /** `monitor-agent-sweep`: re-check the agents remembered as disconnected. */
  | ScheduledEvent;

export interface MonitorSummary {
  readonly action: string;
  readonly detail?: string;
}

/**
 * Keeps one {@link MonitorLookups} per account and region for the life of a warm Lambda
 * container: task-definition revisions are immutable, so their reads are cached there.
 */
export class MonitorLookupsCache {
  readonly #byRegion = new Map<string, MonitorLookups>();
  constructor(private readonly clients: Pick<FlowContext["clients"], "ecs" | "ecr">) {}

  for(account: string, region: string): MonitorLookups {
    const key = `${account}/${region}`;
    let found = this.#byRegion.get(key);
    if (!found) {
      found = new MonitorLookups(this.clients.ecs, this.clients.ecr, account, region);
      this.#byRegion.set(key, found);
    }
    return found;
  }
}

/**
 * The monitor's entry for one ECS event: classify and correlate it, and address each message to
 * its Slack route (first matching `monitor.routes` entry) under the per-webhook rate limit.
 */
export async function runMonitor(
  event: MonitorEvent,
  context: FlowContext,
  lookups: MonitorLookupsCache = new MonitorLookupsCache(context.clients),
): Promise<FlowResult<MonitorSummary>> {
  const config = context.config.monitor;
  const monitor = {
    state: new MonitorState(context.state),
    lookups: lookups.for(event.account, event.region),
    config,
    table: context.state,
  };
  let result: MonitorResult;
  switch (event["detail-type"]) {
    case "ECS Task State Change":
      result = await monitorTaskStateChange(event, monitor);
      break;
    case "ECS Deployment State Change":
      result = await monitorDeploymentStateChange(event, monitor);
      break;
    case "ECS Service Action":
      result = await monitorServiceAction(event, monitor);
      break;
    case "ECS Container Instance State Change":
      result = await monitorContainerInstanceStateChange(event, { ...monitor, ecs: context.clients.ecs });
      break;
    case "Scheduled Event":
      result = await sweepAgentDisconnects({ ...monitor, ecs: context.clients.ecs }, new Date(event.time));
      break;
  }
  const summary = { action: result.action, ...(result.detail ? { detail: result.detail } : {}) };
  context.log.info("monitor event handled", summary);
  return {
    summary,
    messages: result.messages.map(({ subject, message, once }) => ({
      message,
      channel: routeFor(subject, config.routes),
      once,
      rateLimitPerMinute: config.rateLimitPerMinute,
    })),
  };
}
