import { loadSnapshots } from "./loadSnapshots.ts";
import { listPendingPushes, removePendingPush } from "./pendingPushes.ts";
import { planAndApply, type RedeployContext } from "./redeployPush.ts";
import type { PendingPush, RedeployReport } from "./types.ts";

/**
 * Plans a queued push again once the deployment it waited for is over (ECS reported it
 * COMPLETED or FAILED, or the sweep found the service idle): against what runs now, so it
 * deploys, stays queued behind a newer deployment, or is dropped with the reason (already
 * running, no longer accepted by the policy). The queue entry goes only when its fate is settled.
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
  },
): Promise<RedeployReport> {
  const { snapshots, missing } = await loadSnapshots(context.clients.ecs, [
    { serviceArn: pending.serviceArn, clusterArn: pending.clusterArn, taskDefinitionArn: "", containers: [] },
  ]);
  const report = await planAndApply(pending.push, snapshots, context, {
    ...(options.finishedDeployment ? { finishedDeployments: new Set([options.finishedDeployment]) } : {}),
    owner: `${pending.push.eventId} released by ${options.trigger}`,
  });
  const outcome = report.outcomes[0];
  // Settled: deployed, dropped with a reason, or the service is gone. Still waiting (behind another
  // deployment): the apply step has rewritten the entry. Failed, or another release of it rolling
  // it out right now: it stays, for the retry or for that release to settle.
  const settled =
    outcome?.kind === "deployed" ||
    (outcome?.kind === "skipped" && outcome.action.inProgressBy === undefined);
  if (missing.length > 0 || !outcome || settled)
    await removePendingPush(context.state, pending.serviceArn, pending.push.eventId);
  return { ...report, released: { behind: pending.behind } };
}

/**
 * The sweep: queued pushes older than `minAgeMs` whose release event never came (EventBridge
 * is at-least-once, but a missed rule or a deleted deployment happens) are planned again. Each
 * release stands alone: one that throws (a throttled read, a state write) is returned in
 * `errors` with its service, its queue entry stays for the next sweep, and the others still go.
 */
export async function sweepPendingPushes(
  context: RedeployContext,
  options: { minAgeMs?: number; now?: Date; trigger: string },
): Promise<{ reports: RedeployReport[]; errors: Array<{ serviceArn: string; error: unknown }> }> {
  const now = (options.now ?? new Date()).getTime();
  const due = (await listPendingPushes(context.state)).filter(
    (p) => now - Date.parse(p.queuedAt) >= (options.minAgeMs ?? 5 * 60_000),
  );
  const reports: RedeployReport[] = [];
  const errors: Array<{ serviceArn: string; error: unknown }> = [];
  for (const pending of due) {
    try {
      const report = await releasePendingPush(pending, context, { trigger: options.trigger });
      const [outcome] = report.outcomes;
      // Still waiting behind the same deployment (a long roll-out): nothing new to tell. Slack
      // heard "queued behind X" once; the next news is its release, or a new deployment to wait for.
      if (outcome?.kind === "queued" && outcome.action.behind === pending.behind) continue;
      // Another release (the deployment's end) is rolling it out right now: that one tells.
      if (outcome?.kind === "skipped" && outcome.action.inProgressBy !== undefined) continue;
      reports.push(report);
    } catch (error) {
      errors.push({ serviceArn: pending.serviceArn, error });
    }
  }
  return { reports, errors };
}
