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
import { MonitorLookupsCache, runMonitor } from "../core/monitor/runMonitor.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const MonitorEvent = z.discriminatedUnion("detail-type", [
  EcsTaskStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
]);

export function createMonitorHandler(runtime: FlowRuntime): LambdaHandler {
  const lookups = new MonitorLookupsCache(runtime.clients);
  // The same event delivered twice changes nothing: it is answered from its record.
  return flowHandler(runtime, { schema: MonitorEvent, claims: true }, async (event) =>
    runtime.deliver(await runMonitor(event, await runtime.flowContext(), lookups), event.id),
  );
}

export const handler = createMonitorHandler(createRuntime("monitor"));
