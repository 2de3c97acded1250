import type { Tag, UpdateServiceCommandInput } from "@aws-sdk/client-ecs";
import { nameFromArn } from "../ecs/arns.ts";
import type { GuardedChange } from "../ecs/guardedChange.ts";
import { REVISION_TAGS } from "../tags.ts";
import type { PolicyAction } from "./PolicyAction.ts";

/*
 * What enforce or audit mode's actions do to the account and report, without calling AWS: the
 * tags a checked revision gets, how a rollback names itself to other changes, and what a rollback
 * that met another change or a moved service reports instead. applyPolicyActions.ts makes the
 * calls. Its own module so that mutation testing (group `policy-apply`) mutates these decisions alone.
 */

/** The tags a checked revision gets: its number of findings, and when it was checked (UTC, to the second). */
export function policyRevisionTags(findings: number, now: Date): Tag[] {
  return [
    { key: REVISION_TAGS.policyFindings, value: String(findings) },
    { key: REVISION_TAGS.policyChecked, value: now.toISOString().slice(0, 19) },
  ];
}

type Rollback = Extract<PolicyAction, { kind: "rollback" }>;

/** How a rollback names itself in the service's lease: what another change finding it busy reads. */
export const rollbackChange = (action: Rollback): string =>
  `the policy's rollback of ${nameFromArn(action.from)} to ${nameFromArn(action.to)}`;

/** The rollback's UpdateService: the service back on the revision it ran before, nothing else changed. */
export const rollbackUpdateInput = (action: Rollback): UpdateServiceCommandInput => ({
  cluster: action.cluster,
  service: action.serviceArn,
  taskDefinition: action.to,
});

/**
 * What a rollback reports done: itself when it changed the service; a `no-rollback` saying why
 * when it did not — another change held the service (`retried`: the event fails, so it is checked
 * again once that change is done), or the service moved off the checked revision since (that
 * UpdateService is checked when its event comes).
 */
export function rollbackOutcome(action: Rollback, result: GuardedChange<unknown>): PolicyAction {
  if (result.kind === "changed") return action;
  if (result.kind === "busy")
    // Fails closed: the event is retried and checked again once that change is done (if it
    // never updates the service, the retry rolls back; if it does, that update is checked too).
    return {
      kind: "no-rollback",
      cluster: action.cluster,
      service: action.service,
      reason: `${action.reason}; not rolled back yet: ${result.change} is changing the service right now; this event is retried, then dead-lettered, to check again`,
      why: "held",
      retried: true,
    };
  // Someone's UpdateService moved it: that call is checked when its event comes.
  return {
    kind: "no-rollback",
    cluster: action.cluster,
    service: action.service,
    reason: `${action.reason}; not rolled back: the service moved off ${nameFromArn(action.from)} since it was checked (it runs ${result.runs ? nameFromArn(result.runs) : "an unknown revision"})`,
    why: "moved",
    ...(result.runs ? { runs: result.runs } : {}),
  };
}
