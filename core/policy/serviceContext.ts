import type { Service } from "@aws-sdk/client-ecs";
import { tagMap } from "../ecs/describe.ts";
import { SERVICE_TAGS } from "../tags.ts";
import type { RunContext } from "./types.ts";

/** Service exemptions from its `autopilot:policy-exempt` tag (`ECS004 ECS011`). */
export function serviceExemptions(service: Service | undefined): Array<{ ruleId: string; by: string }> {
  const value = tagMap(service?.tags)[SERVICE_TAGS.policyExempt] ?? "";
  return value
    .split(/\s+/)
    .filter((id) => /^ECS\d{3}$/.test(id))
    .map((ruleId) => ({ ruleId, by: `service tag ${SERVICE_TAGS.policyExempt}` }));
}

/** How a service runs a task definition: the context rules like ECS008 and ECS019 need. */
export function runContextOf(service: Service | undefined): RunContext {
  if (!service) return {};
  return {
    ...((service.loadBalancers ?? []).length > 0 ? { behindLoadBalancer: true } : {}),
    ...(service.platformVersion ? { platformVersion: service.platformVersion } : {}),
    ...(service.launchType ? { launchType: service.launchType } : {}),
  };
}
