import type { Service } from "@aws-sdk/client-ecs";
import { tagMap } from "../ecs/describe.ts";
import { SERVICE_TAGS } from "../tags.ts";
import { runOfRunners } from "./fields.ts";
import type { RunContext } from "./types.ts";

/** Service exemptions from its `autopilot:policy-exempt` tag (`ECS004 ECS011`). */
export function serviceExemptions(service: Service | undefined): Array<{ ruleId: string; by: string }> {
  const value = tagMap(service?.tags)[SERVICE_TAGS.policyExempt];
  if (value === undefined) return [];
  // Words split at each white-space character: the empty ones between two fail the id pattern.
  return value
    .split(/\s/)
    .filter((id) => /^ECS\d{3}$/.test(id))
    .map((ruleId) => ({ ruleId, by: `service tag ${SERVICE_TAGS.policyExempt}` }));
}

/**
 * How a service runs a task definition: the context rules like ECS008 and ECS019 need. Under the
 * external or CodeDeploy deployment controller DescribeServices also lists the service's task
 * sets, which carry their own load balancers, launch type and platform version: behind a load
 * balancer when the service or any of its task sets is.
 */
export function runContextOf(service: Service | undefined): RunContext {
  if (!service) return {};
  return runOfRunners([service, ...(service.taskSets ?? [])]);
}
