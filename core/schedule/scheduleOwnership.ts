import type { ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import type { AutopilotConfig } from "../config/index.ts";
import { tagMap } from "../ecs/describe.ts";
import { ACTION_PREFIX } from "./planScheduledActions.ts";
import { resourceIdOf, scheduleSource } from "./scheduleSource.ts";

/*
 * Which scheduled actions are ecs-autopilot's and which services a reconcile looks at: the pure
 * half of loadScheduleInputs.ts (which reads them from ECS and Application Auto Scaling).
 */

/** The Application Auto Scaling namespace of ECS services. */
export const NAMESPACE = "ecs";
/** The only dimension a schedule scales: a service's desired count. */
export const DIMENSION = "ecs:service:DesiredCount";

/**
 * Whether a scheduled action is ours: its name starts with `autopilot-` (ACTION_PREFIX) and it
 * scales a service's desired count. Every other action (a hand-made one, another tool's, one of
 * ours renamed) is never changed nor deleted.
 */
export function isOwnAction(action: ScheduledAction): boolean {
  return (
    action.ScheduledActionName?.startsWith(ACTION_PREFIX) === true && action.ScalableDimension === DIMENSION
  );
}

/**
 * Our scheduled actions by their ResourceId (`service/<cluster>/<service>`), in the order they
 * were read; the others are left out.
 *
 * @example
 * ownActionsByResource(page.ScheduledActions ?? []).get("service/prod/web"); // [autopilot-up-0700-MON-FRI, …]
 */
export function ownActionsByResource(actions: Iterable<ScheduledAction>): Map<string, ScheduledAction[]> {
  const byResource = new Map<string, ScheduledAction[]>();
  for (const action of actions) {
    if (!isOwnAction(action)) continue;
    const resource = action.ResourceId ?? "";
    byResource.set(resource, [...(byResource.get(resource) ?? []), action]);
  }
  return byResource;
}

/**
 * The services a reconcile plans: the ACTIVE ones that ask for a schedule (their tag or a config
 * rule) or that still have actions of ours (a schedule removed: its actions are deleted).
 */
export function servicesToReconcile(
  services: readonly Service[],
  ownActions: ReadonlyMap<string, readonly ScheduledAction[]>,
  schedule: AutopilotConfig["schedule"],
): Service[] {
  return services.filter(
    (s) =>
      s.status === "ACTIVE" &&
      (scheduleSource(s, tagMap(s.tags), schedule) !== undefined || ownActions.has(resourceIdOf(s))),
  );
}
