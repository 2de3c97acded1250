/**
 * Lambda entry of the monitor flow: task state changes, deployment state changes, service actions
 * and container instance state changes from ECS, and the scheduled sweep of disconnected agents.
 * Composition only; the decisions live in core/monitor.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsClientClasses } from "../core/aws/clients.ts";
import {
  EcsContainerInstanceStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
  ScheduledEvent,
} from "../core/events/index.ts";
import { MonitorLookupsCache, runMonitor } from "../core/monitor/runMonitor.ts";
import * as z from "../core/zod.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const MonitorEvent = z.discriminatedUnion("detail-type", [
  EcsTaskStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsContainerInstanceStateChangeEvent,
  ScheduledEvent,
]);

export function createMonitorHandler(runtime: FlowRuntime): LambdaHandler {
  const lookups = new MonitorLookupsCache(runtime.clients);
  // No event claim: a stop is counted once (a marker in the same transaction as its counters)
  // and every message is told once, so a redelivered event is decided again and changes nothing.
  return flowHandler(runtime, { schema: MonitorEvent }, async (event) =>
    runtime.deliver(await runMonitor(event, await runtime.flowContext(), lookups), event.id),
  );
}

/** The AWS SDK clients this function calls, the only ones it bundles (equal to its IAM services). */
export const CLIENT_CLASSES: AwsClientClasses = {
  ecs: ECSClient,
  ecr: ECRClient,
  dynamodb: { client: DynamoDBClient, documents: DynamoDBDocumentClient },
  sqs: SQSClient,
  ssm: SSMClient,
};

export const handler = createMonitorHandler(createRuntime("monitor", { clientClasses: CLIENT_CLASSES }));
