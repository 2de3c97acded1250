import { nameFromArn } from "../ecs/arns.ts";
import { loadSnapshotsOf } from "./loadSnapshots.ts";
import { listPendingPushes, removePendingPush } from "./pendingPushes.ts";
import { planAndApply, type RedeployContext } from "./redeployPush.ts";
import type { PendingPush, RedeployReport, SkipAction } from "./types.ts";

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
    /**
     * The event that releases it (a deployment's end, the sweep's schedule): the roll-out is that
     * release's own, so a deployment's end and the sweep releasing the same push at once deploy it once.
     */
    trigger: string;
    /** Plan the release only: nothing is applied and the queue entry stays. */
    dryRun?: boolean;
  },
): Promise<Release> {
  const { snapshots, missing } = await loadSnapshotsOf(context.clients.ecs, [pending]);
  // The deployment it waited for may have been deploying this very digest (a pipeline's own deploy
  // of the tag) and been rolled back: asked of ECS for the released service whatever it runs.
  const planned = await planAndApply(pending.push, snapshots, context, {
    release: true,
    ...(options.finishedDeployment ? { finishedDeployments: new Set([options.finishedDeployment]) } : {}),
    owner: `${pending.push.eventId} released by ${options.trigger}`,
    dryRun: options.dryRun ?? false,
  });
  if (options.dryRun) return { report: { ...planned, released: { behind: pending.behind } } };
  // The service is gone (deleted, or its cluster): Slack heard "queued", so it hears the end too.
  const gone: SkipAction = {
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
  const report =
    planned.outcomes.length === 0 && missing.length > 0
      ? {
          ...planned,
          plan: { ...planned.plan, actions: [gone] },
          outcomes: [{ kind: "skipped" as const, action: gone }],
        }
      : planned;
  const outcome = report.outcomes[0];
  // Settled: deployed, dropped with a reason, or the service is gone. Still waiting (behind another
  // deployment): the apply step has rewritten the entry. Failed, or another release of it rolling
  // it out right now or having deployed it (that one tells, and forgets the entry): it stays. Deployed
  // by the push's own event (a retry that found the service free): that event told it, and never
  // forgets queue entries, so this release does, quietly.
  const reportedBy = outcome?.kind === "skipped" ? outcome.action.reportedBy : undefined;
  const settled =
    outcome?.kind === "deployed" ||
    (outcome?.kind === "skipped" &&
      outcome.action.inProgressBy === undefined &&
      (reportedBy === undefined || reportedBy === pending.push.eventId));
  return {
    report: { ...report, released: { behind: pending.behind } },
    ...(missing.length > 0 || !outcome || settled
      ? { forget: () => removePendingPush(context.state, pending) }
      : {}),
  };
}

/** Runs every release's `forget`; throws the first failure after trying them all. */
export async function forgetReleased(releases: readonly Release[]): Promise<void> {
  const failures: unknown[] = [];
  for (const release of releases) await release.forget?.().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
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
  const due = (await listPendingPushes(context.state)).filter(
    (p) => now - Date.parse(p.queuedAt) >= (options.minAgeMs ?? 5 * 60_000),
  );
  const releases: Release[] = [];
  const errors: Array<{ serviceArn: string; error: unknown }> = [];
  for (const pending of due) {
    try {
      const release = await releasePendingPush(pending, context, {
        trigger: options.trigger,
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      const [outcome] = release.report.outcomes;
      // Still waiting behind the same deployment (a long roll-out): nothing new to tell. Slack
      // heard "queued behind X" once; the next news is its release, or a new deployment to wait for.
      if (outcome?.kind === "queued" && outcome.action.behind === pending.behind) continue;
      // (A dry run applies nothing: its plan says so.)
      const [planned] = release.report.plan.actions;
      if (options.dryRun && planned?.kind === "queue" && planned.behind === pending.behind) continue;
      // Another release (the deployment's end) is rolling it out right now: that one tells.
      if (outcome?.kind === "skipped" && outcome.action.inProgressBy !== undefined) continue;
      releases.push(release);
    } catch (error) {
      errors.push({ serviceArn: pending.serviceArn, error });
    }
  }
  return { releases, errors };
}
