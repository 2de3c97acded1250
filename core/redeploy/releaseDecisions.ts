import { nameFromArn } from "../ecs/arns.ts";
import type { DeployOutcome, PendingPush, RedeployReport, SkipAction } from "./types.ts";

/*
 * What happens to a queued push when it is released (the end of the deployment it waited for, or
 * the sweep): how it is planned again, what is told when its service is gone, when its queue entry
 * goes, which queued pushes the sweep releases and which releases it tells. releasePendingPush.ts
 * reads the services and applies; these decisions are its own module so that mutation testing
 * (group `redeploy-release`) mutates them alone.
 */

/** How long a queued push waits before the sweep releases it when no deployment's end came. */
export const SWEEP_MIN_AGE_MS = 5 * 60_000;

/**
 * How a released push is planned again (`planAndApply`'s options): as a release, owned by this
 * release (`<push event> released by <trigger>`), so that a deployment's end and the sweep releasing
 * the same push at once roll it out once; with the deployment that ended, whose roll-back of this
 * very digest is asked of ECS (and, when it FAILED, whose rollback a lagging DescribeServices may
 * not show yet: planRedeploy's rollbackNotShown).
 *
 * @example
 * releasePlanOptions(pending, { finishedDeployment: "ecs-svc/1", trigger: "evt-9" });
 * // { release: true, finishedDeployments: Set { "ecs-svc/1" }, owner: "evt-1 released by evt-9", dryRun: false }
 */
export function releasePlanOptions(
  pending: PendingPush,
  options: { finishedDeployment?: string; failed?: boolean; trigger: string; dryRun?: boolean },
): {
  release: true;
  finishedDeployments?: ReadonlySet<string>;
  failedDeployments?: ReadonlySet<string>;
  owner: string;
  dryRun: boolean;
} {
  return {
    release: true,
    ...(options.finishedDeployment ? { finishedDeployments: new Set([options.finishedDeployment]) } : {}),
    ...(options.finishedDeployment && options.failed
      ? { failedDeployments: new Set([options.finishedDeployment]) }
      : {}),
    owner: `${pending.push.eventId} released by ${options.trigger}`,
    dryRun: options.dryRun ?? false,
  };
}

/** The skip told for a queued push whose service no longer exists: Slack heard "queued", so it hears the end too. */
export function serviceGoneSkip(pending: PendingPush): SkipAction {
  return {
    kind: "skip",
    service: {
      serviceArn: pending.serviceArn,
      clusterArn: pending.clusterArn,
      serviceName: nameFromArn(pending.serviceArn),
      clusterName: nameFromArn(pending.clusterArn),
    },
    category: "inactive",
    reason: "the service no longer exists (deleted, or its cluster is): the queued push was dropped",
  };
}

/**
 * The report of a release: the plan's, or — when the plan had nothing for the service (no outcome)
 * because the service is gone — the "no longer exists" skip of {@link serviceGoneSkip}.
 */
export function releaseReport(
  planned: RedeployReport,
  pending: PendingPush,
  serviceGone: boolean,
): RedeployReport {
  if (planned.outcomes.length > 0 || !serviceGone) return planned;
  const gone = serviceGoneSkip(pending);
  return {
    ...planned,
    plan: { ...planned.plan, actions: [gone] },
    outcomes: [{ kind: "skipped", action: gone }],
  };
}

/**
 * Whether a release settled the queued push, so its queue entry goes once the report is told:
 * deployed, or skipped with a reason (dropped, already running) — but not a skip that another
 * release is rolling out right now (`inProgressBy`) or that another release deployed and tells
 * (`reportedBy` another event): those keep the entry. Deployed by the push's own event (a retry
 * that found the service free, `reportedBy` the push's event): that event told it and never
 * forgets queue entries, so this release does. Queued again (behind another deployment: the apply
 * step rewrote the entry) or failed: not settled.
 */
export function releaseSettled(outcome: DeployOutcome | undefined, pushEventId: string): boolean {
  if (outcome?.kind === "deployed") return true;
  if (outcome?.kind !== "skipped") return false;
  const { inProgressBy, reportedBy } = outcome.action;
  return inProgressBy === undefined && (reportedBy === undefined || reportedBy === pushEventId);
}

/**
 * Whether the release forgets the queue entry (after its report is delivered): the service is gone,
 * the plan had no outcome for it (nothing left to do), or the push is settled ({@link releaseSettled}).
 */
export function forgetsEntry(
  outcome: DeployOutcome | undefined,
  pushEventId: string,
  serviceGone: boolean,
): boolean {
  return serviceGone || outcome === undefined || releaseSettled(outcome, pushEventId);
}

/** Whether the sweep releases a queued push: queued at least `minAgeMs` ago (its release event never came). */
export function dueForSweep(pending: PendingPush, nowMs: number, minAgeMs = SWEEP_MIN_AGE_MS): boolean {
  return nowMs - Date.parse(pending.queuedAt) >= minAgeMs;
}

/**
 * Whether a release (by the sweep, or by the end of a deployment) is told: not when the push still
 * waits behind the same deployment (a long roll-out, or the end of another deployment than the one
 * it waits behind: Slack heard "queued behind X" once; the next news is its release or a new
 * deployment to wait for) — in a dry run, when its plan queues it behind the same — and not when
 * another release is rolling it out right now: that one tells.
 */
export function releaseTells(report: RedeployReport, pending: PendingPush, dryRun: boolean): boolean {
  const [outcome] = report.outcomes;
  if (outcome?.kind === "queued" && outcome.action.behind === pending.behind) return false;
  const [planned] = report.plan.actions;
  if (dryRun && planned?.kind === "queue" && planned.behind === pending.behind) return false;
  return !(outcome?.kind === "skipped" && outcome.action.inProgressBy !== undefined);
}

/**
 * Forgets the queue entries of released pushes (each release's `forget`, run after delivery): every
 * one is tried, whatever fails before it, and the first failure is thrown after all were tried.
 */
export async function forgetReleased(
  releases: ReadonlyArray<{ readonly forget?: () => Promise<void> }>,
): Promise<void> {
  const failures: unknown[] = [];
  for (const release of releases) await release.forget?.().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}
