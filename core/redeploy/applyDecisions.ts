import type { GuardedChange } from "../ecs/guardedChange.ts";
import { rolloutIdOf } from "../ecs/rollOutDecisions.ts";
import type { LeaseAcquisition, LeaseItem } from "../state/index.ts";
import { replacedSince } from "./digestClaim.ts";
import type { DeployAction, DeployOutcome, QueueAction, RedeployReport, SkipAction } from "./types.ts";

/*
 * What applying a redeploy plan makes of what it finds, without calling AWS: a done roll-out's
 * record taken back, the skip told when another holder has the roll-out, what a guarded change
 * that did not happen becomes, and who reports a revision deployed earlier. applyRedeployPlan.ts
 * takes the leases, rolls out and queues; these decisions are their own module so that mutation
 * testing (group `redeploy-apply`) mutates them alone.
 */

/** A roll-out's lease: its done record carries the revision the roll-out registered. */
export type RolloutLease = LeaseAcquisition<{ taskDefinitionArn?: string }>;

/**
 * Whether a roll-out's lease that was not acquired is a done record to take back: the service ran
 * a later revision since that roll-out (`replacedSince`), so this push of its digest is new work.
 *
 * @example
 * takesBackDone({ acquired: false, holder: { status: "done", owner: "evt-1", leaseUntil: 0, expiration: 0,
 *   taskDefinitionArn: "…:task-definition/web:7" } }, "…:task-definition/web:8"); // true
 */
export function takesBackDone(
  lease: RolloutLease,
  fromTaskDefinitionArn: string,
): lease is Extract<RolloutLease, { readonly acquired: false }> {
  return (
    !lease.acquired &&
    lease.holder.status === "done" &&
    replacedSince(lease.holder.taskDefinitionArn, fromTaskDefinitionArn)
  );
}

/**
 * The skip told when another holder has the roll-out: done (the digest was deployed here, as the
 * revision its record names), or another invocation deploying it right now (`inProgressBy`, so
 * that a queued push stays queued until that roll-out ends).
 */
export function heldElsewhereSkip(
  action: DeployAction,
  holder: LeaseItem & { readonly taskDefinitionArn?: string },
): SkipAction {
  const digest = action.updates[0]?.toDigest;
  const done = holder.status === "done";
  return {
    kind: "skip",
    service: action.service,
    category: "duplicate",
    reason: done
      ? `${digest} was already deployed here as ${holder.taskDefinitionArn ?? "a new revision"}`
      : `another invocation is deploying ${digest} here right now`,
    ...(done ? {} : { inProgressBy: holder.owner }),
  };
}

/** A guarded change that did not happen: the service was busy, or moved off the planned revision. */
export type NotChanged = Exclude<GuardedChange<unknown>, { readonly kind: "changed" }>;

/** A deploy action that failed, to be reported (and, with `decideAgain`, planned again at once). */
export type FailedOutcome = Extract<DeployOutcome, { readonly kind: "failed" }>;

/** A deploy that found the service busy or moved becomes a push queued behind what moved it. */
export function queueBehind(action: DeployAction, behind: string, why: string): QueueAction {
  return {
    kind: "queue",
    service: action.service,
    reason: `${action.reason}; ${why}, one deployment at a time`,
    policySource: action.policySource,
    updates: action.updates,
    behind,
    ...(action.supersedes ? { supersedes: action.supersedes } : {}),
  };
}

/**
 * What a deploy whose guarded change did not happen becomes. Moved while this event resumed its
 * own roll-out: failed, decided again at once (its own earlier attempt may be what moved the
 * service; the new plan tells deployed earlier from still to do). Otherwise it waits like for any
 * deployment, planned again when that ends: queued behind the change holding the service (busy),
 * or behind the deployment that moved it.
 */
export function afterNotChanged(
  action: DeployAction,
  guarded: NotChanged,
  resumed: boolean,
): FailedOutcome | QueueAction {
  if (guarded.kind === "moved" && resumed)
    return {
      kind: "failed",
      action,
      error: `the service changed since this push was planned (it now runs ${guarded.runs ?? "an unknown revision"}, not ${action.fromTaskDefinitionArn})`,
      decideAgain: true,
    };
  return guarded.kind === "busy"
    ? queueBehind(action, guarded.change, `${guarded.change} is changing this service right now`)
    : queueBehind(
        action,
        guarded.deploymentId ?? "?",
        `the service changed since this push was planned (it now runs ${guarded.runs ?? "an unknown revision"}); queued behind deployment ${guarded.deploymentId ?? "?"}`,
      );
}

/**
 * The roll-out whose lease names who made the revision a `deployed-earlier` skip found running;
 * undefined for any other skip, or one whose revision names no roll-out (nothing to ask).
 */
export function deployerToAsk(action: SkipAction): string | undefined {
  return action.category === "deployed-earlier" && action.rolloutId ? action.rolloutId : undefined;
}

/**
 * A roll-out's record in the state table: its lease, then `done` with the revision it registered;
 * `reported` once the report telling its outcome was handed to the outbox (redeploy's
 * reportedRollouts.ts), so that a retry of the same event does not tell it again.
 */
export type RolloutRecord = LeaseItem & { readonly taskDefinitionArn?: string; readonly reported?: boolean };

/** The words of a `deployed-earlier` skip whose earlier attempt's outcome may not have been told. */
const NOT_REPORTED = /\(an earlier attempt, whose outcome was not reported\)$/;

/**
 * A `deployed-earlier` skip, given its roll-out's record (undefined: none, or not read): when
 * another owner than this one holds it (the other release of a queued push released twice at
 * once), that owner reports the roll-out, and the skip says so (`reportedBy`). When this owner
 * holds it and its report was queued (`reported`: an earlier attempt told it, then failed for
 * another service), the skip says so (`reported`) and is not told again. Otherwise (no record, not
 * read, or never reported) it is told as planned: at worst twice, never lost.
 */
export function withDeployer(
  action: SkipAction,
  lease: Pick<RolloutRecord, "owner" | "reported"> | undefined,
  owner: string,
): SkipAction {
  if (!lease) return action;
  if (lease.owner === owner)
    return lease.reported === true
      ? {
          ...action,
          reason: action.reason.replace(NOT_REPORTED, "(an earlier attempt, which reported it)"),
          reported: true,
        }
      : action;
  return {
    ...action,
    reason: action.reason.replace(NOT_REPORTED, `(by ${lease.owner}, which reports it)`),
    reportedBy: lease.owner,
  };
}

/** The roll-out id of a deploy action: the service and the images it moves to. */
export const rolloutIdOfAction = (action: DeployAction): string =>
  rolloutIdOf(
    action.service.serviceArn,
    action.updates.map((u) => `${u.container}=${u.toImage}`),
  );

/** A roll-out a report tells: the service, and the roll-out id of its record. */
export interface ToldRollout {
  readonly serviceArn: string;
  readonly rolloutId: string;
}

/**
 * The roll-outs of this event a push's report tells as deployed: the deploys it made, and the
 * `deployed-earlier` skips it tells (an earlier attempt's deploy not reported before: not one
 * another owner reports, nor one reported already). None for a dry run.
 *
 * @example
 * toldRollouts(report); // [{ serviceArn: "arn:aws:ecs:…:service/prod/web", rolloutId: "…" }]
 */
export function toldRollouts(report: RedeployReport): ToldRollout[] {
  if (report.dryRun) return [];
  return report.outcomes.flatMap((outcome): ToldRollout[] => {
    const serviceArn = outcome.action.service.serviceArn;
    if (outcome.kind === "deployed") return [{ serviceArn, rolloutId: rolloutIdOfAction(outcome.action) }];
    if (outcome.kind !== "skipped") return [];
    const { category, rolloutId, reportedBy, reported } = outcome.action;
    return category === "deployed-earlier" && rolloutId && reportedBy === undefined && reported === undefined
      ? [{ serviceArn, rolloutId }]
      : [];
  });
}
