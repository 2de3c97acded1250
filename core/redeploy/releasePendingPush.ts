import { loadSnapshotsOf } from "./loadSnapshots.ts";
import { listPendingPushes, removePendingPush } from "./pendingPushes.ts";
import { planAndApply, type RedeployContext } from "./redeployPush.ts";
import {
  dueForSweep,
  forgetReleased,
  forgetsEntry,
  releasePlanOptions,
  releaseReport,
  releaseTells,
} from "./releaseDecisions.ts";
import type { PendingPush, RedeployReport } from "./types.ts";

export { forgetReleased, releaseTells };

/** A released push: the report to tell, and (when its fate is settled) how to forget its queue entry. */
export interface Release {
  readonly report: RedeployReport;
  /**
   * Removes the queue entry: run only once the report is delivered (`FlowResult.afterDelivery`),
   * so that a release whose message could not be queued is retried with the entry still there and
   * tells its outcome then.
   */
  readonly forget?: () => Promise<void>;
}

/**
 * Plans a queued push again once the deployment it waited for is over (ECS reported it
 * COMPLETED or FAILED, or the sweep found the service idle): against what runs now, so it
 * deploys, stays queued behind a newer deployment, or is dropped with the reason (already
 * running, no longer accepted by the policy). The queue entry goes only when its fate is settled
 * and told.
 */
export async function releasePendingPush(
  pending: PendingPush,
  context: RedeployContext,
  options: {
    finishedDeployment?: string;
    /** ECS reported that deployment FAILED (not COMPLETED). */
    failed?: boolean;
    /**
     * The event that releases it (a deployment's end, the sweep's schedule): the roll-out is that
     * release's own, so a deployment's end and the sweep releasing the same push at once deploy it once.
     */
    trigger: string;
    /** Plan the release only: nothing is applied and the queue entry stays. */
    dryRun?: boolean;
  },
): Promise<Release> {
  const { snapshots, missing, unread } = await loadSnapshotsOf(context.clients.ecs, [pending]);
  // Not read: the push stays queued, and the caller reports the failure (retried, then dead-lettered).
  const [notRead] = unread;
  if (notRead) throw new Error(`its state could not be read: ${notRead.error}`);
  // The deployment it waited for may have been deploying this very digest (a pipeline's own deploy
  // of the tag) and been rolled back: asked of ECS for the released service whatever it runs.
  const planned = await planAndApply(pending.push, snapshots, context, releasePlanOptions(pending, options));
  if (options.dryRun) return { report: { ...planned, released: { behind: pending.behind } } };
  // The service is gone (deleted, or its cluster): Slack heard "queued", so it hears the end too.
  const serviceGone = missing.length > 0;
  const report = releaseReport(planned, pending, serviceGone);
  // Settled (deployed, dropped with a reason, the service gone): the entry goes once that is told.
  // Still waiting behind another deployment (the apply step has rewritten the entry), failed, or
  // another release rolling it out or having deployed it (that one tells and forgets): it stays.
  return {
    report: { ...report, released: { behind: pending.behind } },
    ...(forgetsEntry(report.outcomes[0], pending.push.eventId, serviceGone)
      ? { forget: () => removePendingPush(context.state, pending) }
      : {}),
  };
}

/**
 * The sweep: queued pushes older than `minAgeMs` whose release event never came (EventBridge
 * is at-least-once, but a missed rule or a deleted deployment happens) are planned again. Each
 * release stands alone: one that throws (a throttled read, a state write) is returned in
 * `errors` with its service, its queue entry stays for the next sweep, and the others still go.
 */
export async function sweepPendingPushes(
  context: RedeployContext,
  options: { minAgeMs?: number; now?: Date; trigger: string; dryRun?: boolean },
): Promise<{ releases: Release[]; errors: Array<{ serviceArn: string; error: unknown }> }> {
  const now = (options.now ?? new Date()).getTime();
  const due = (await listPendingPushes(context.state)).filter((p) => dueForSweep(p, now, options.minAgeMs));
  const releases: Release[] = [];
  const errors: Array<{ serviceArn: string; error: unknown }> = [];
  for (const pending of due) {
    try {
      const release = await releasePendingPush(pending, context, {
        trigger: options.trigger,
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      // Still waiting behind the same deployment, or another release rolling it out: nothing to tell.
      if (releaseTells(release.report, pending, options.dryRun ?? false)) releases.push(release);
    } catch (error) {
      errors.push({ serviceArn: pending.serviceArn, error });
    }
  }
  return { releases, errors };
}
