/**
 * Lambda entry of the monitor flow: task state changes, deployment state changes and service
 * actions from ECS. Composition only; the decisions live in core/monitor.
 */
import { z } from "zod";
import {
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
} from "../core/events/index.ts";
import {
  type MonitorContext,
  MonitorLookups,
  type MonitorResult,
  MonitorState,
  monitorDeploymentStateChange,
  monitorServiceAction,
  monitorTaskStateChange,
  routeFor,
} from "../core/monitor/index.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import { idempotentEvents } from "../runtime/idempotentEvents.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const MonitorEvent = z.discriminatedUnion("detail-type", [
  EcsTaskStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
]);

export function createMonitorHandler(runtime: FlowRuntime): LambdaHandler {
  const lookups = new Map<string, MonitorLookups>();
  const lookupsFor = (account: string, region: string) => {
    const key = `${account}/${region}`;
    let found = lookups.get(key);
    if (!found) {
      found = new MonitorLookups(runtime.clients.ecs, runtime.clients.ecr, account, region);
      lookups.set(key, found);
    }
    return found;
  };
  // The same event delivered twice changes nothing: it is answered from its record.
  return flowHandler(
    runtime,
    { schema: MonitorEvent, idempotency: idempotentEvents(runtime, "monitor") },
    async (event) => {
      const config = await runtime.config();
      const context: MonitorContext = {
        state: new MonitorState(runtime.clients.documents, runtime.tableName),
        lookups: lookupsFor(event.account, event.region),
        config: config.monitor,
        documents: runtime.clients.documents,
        tableName: runtime.tableName,
      };
      let result: MonitorResult;
      switch (event["detail-type"]) {
        case "ECS Task State Change":
          result = await monitorTaskStateChange(event, context);
          break;
        case "ECS Deployment State Change":
          result = await monitorDeploymentStateChange(event, context);
          break;
        case "ECS Service Action":
          result = await monitorServiceAction(event, context);
          break;
      }
      const sent: string[] = [];
      const dropped: string[] = [];
      for (const { subject, message } of result.messages) {
        const webhook = routeFor(subject, config.monitor.routes);
        if (!(await context.state.takeRateToken(webhook, config.monitor.rateLimitPerMinute))) {
          runtime.logger.warn("Slack rate limit reached: message dropped", { webhook, text: message.text });
          dropped.push(message.text);
          continue;
        }
        await runtime.notifierFor(webhook).post(message);
        sent.push(`${webhook}: ${message.text}`);
      }
      const summary = {
        action: result.action,
        ...(result.detail ? { detail: result.detail } : {}),
        sent,
        dropped,
      };
      runtime.logger.info("monitor event handled", summary);
      return summary;
    },
  );
}

export const handler = createMonitorHandler(createRuntime("monitor"));
