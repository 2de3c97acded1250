import { serviceRef, serviceRefOf } from "../ecs/arns.ts";
import { rolledBackDigests } from "../ecs/serviceRevisions.ts";
import { describeError } from "../errors.ts";
import type { EcrImageActionEvent } from "../events/schemas.ts";
import type { FlowContext } from "../flow.ts";
import { recordRedeployments } from "../state/index.ts";
import { applyRedeployPlan } from "./applyRedeployPlan.ts";
import { redeploymentRecords } from "./deploymentRecords.ts";
import type { ImageFacts } from "./ImageFacts.ts";
import { loadImageFacts } from "./loadImageFacts.ts";
import { loadSnapshots, loadSnapshotsOf, type UnreadService, withRunningDigests } from "./loadSnapshots.ts";
import { loadPendingPushes } from "./pendingPushes.ts";
import { asksWhatRuns, imageChecksFor, type PlanOptions, planRedeploy, tracksPush } from "./planRedeploy.ts";
import { asksRolledBack, rolledBackSince } from "./rolledBackAsk.ts";
import { repositoryKey, ServiceIndex } from "./ServiceIndex.ts";
import type {
  DeployOutcome,
  ImagePush,
  RedeployPlan,
  RedeployReport,
  ServiceRef,
  ServiceSnapshot,
  UnreadAction,
} from "./types.ts";

export interface RedeployContext extends Pick<FlowContext, "clients" | "state" | "config"> {
  readonly log?: FlowContext["log"];
  /** Time left in the Lambda invocation, when there is one. */
  readonly remainingTimeMs?: () => number;
}

export { notAPush } from "./pushEvent.ts";

/** The push an "ECR Image Action" event describes. */
export function pushFromEvent(event: EcrImageActionEvent): ImagePush {
  return {
    account: event.account,
    region: event.region,
    repository: event.detail["repository-name"],
    digest: event.detail["image-digest"],
    ...(event.detail["image-tag"] !== undefined ? { tag: event.detail["image-tag"] } : {}),
    eventId: event.id,
    time: event.time,
  };
}

/**
 * Adds the pushes already queued for the services (one BatchGetItem per 100 services): for a
 * service rolling out, and for an idle one too — the end of its deployment may not be handled yet,
 * or the change its queued push waited for was given up — so that newest-wins holds either way.
 */
export async function withPendingPushes(
  context: Pick<RedeployContext, "state">,
  snapshots: readonly ServiceSnapshot[],
  /** The pushed repository: only its queued push competes with this one. */
  repository: string,
): Promise<ServiceSnapshot[]> {
  const pending = await loadPendingPushes(
    context.state,
    snapshots.map((s) => s.service.serviceArn ?? "").filter(Boolean),
    repository,
  );
  return snapshots.map((snapshot) => {
    const queued = pending.get(snapshot.service.serviceArn ?? "");
    return queued ? { ...snapshot, pending: queued } : snapshot;
  });
}

/**
 * What the plan needs beyond the snapshots, before the pushed image is read: the pushes queued for
 * the services, and which digest ECS runs where a tracked service runs the pushed repository on a tag.
 */
async function planInputs(
  context: RedeployContext,
  snapshots: readonly ServiceSnapshot[],
  push: ImagePush,
): Promise<ServiceSnapshot[]> {
  const queued = await withPendingPushes(context, snapshots, push.repository);
  return withRunningDigests(context.clients.ecs, queued, (s) => asksWhatRuns(push, s, context.config));
}

/**
 * Which deployments of the pushed digest ECS rolled back since the image was pushed: asked (one
 * ListServiceDeployments, where the service reports service revisions) for each tracked service,
 * and each service a queued push is released to (`release`), that has a deployment created since:
 * a rollback of the pushed image is one, and a service idle since before the push costs nothing.
 * "Since" is the earlier of the event's time and ECR's push time of the image (`image.pushedAt`,
 * read with where its tag points): a push that only added a tag to an image ECS rolled back here
 * (a promotion's `rc-…`) has a later event time than that rollback, not a later image.
 */
async function withRolledBack(
  context: RedeployContext,
  snapshots: readonly ServiceSnapshot[],
  push: ImagePush,
  release: boolean,
  image: ImageFacts,
): Promise<ServiceSnapshot[]> {
  const since = rolledBackSince(push.time, image.pushedAt);
  if (since === undefined) return [...snapshots];
  const result: ServiceSnapshot[] = [];
  for (const snapshot of snapshots) {
    if (!asksRolledBack(snapshot, since, release, () => tracksPush(push, snapshot, context.config))) {
      result.push(snapshot);
      continue;
    }
    const { digests, unresolved } = await rolledBackDigests(context.clients.ecs, snapshot.service, since);
    result.push({
      ...snapshot,
      rolledBack: digests,
      ...(unresolved.length > 0 ? { rolledBackUnresolved: unresolved } : {}),
    });
  }
  return result;
}

/**
 * The inputs, the pushed image's facts (read only when some service would take it; the services a
 * rollback rules out are still counted then, as the rollback is asked after the image is dated),
 * and the rollbacks since the image was pushed.
 */
async function prepare(
  context: RedeployContext,
  snapshots: readonly ServiceSnapshot[],
  push: ImagePush,
  release: boolean,
): Promise<{ candidates: ServiceSnapshot[]; image: ImageFacts }> {
  const inputs = await planInputs(context, snapshots, push);
  const image = await loadImageFacts(context.clients.ecr, push, imageChecksFor(push, inputs, context.config));
  return { candidates: await withRolledBack(context, inputs, push, release, image), image };
}

/** A service whose state could not be read: it fails this push (see {@link UnreadAction}). */
export function unreadAction(service: ServiceRef, error: string): UnreadAction {
  return {
    kind: "unread",
    service,
    reason: `its state could not be read (${error}); the push is retried for it`,
  };
}

/** The unread services of {@link loadSnapshots}, as actions. */
const unreadActions = (unread: readonly UnreadService[]): UnreadAction[] =>
  unread.map((u) => unreadAction(serviceRefOf(u), u.error));

/** The plan inputs of {@link prepare}, read for all services at once or, after a failure, for each alone. */
interface Prepared {
  readonly groups: ReadonlyArray<{ readonly candidates: ServiceSnapshot[]; readonly image: ImageFacts }>;
  readonly unread: readonly UnreadAction[];
}

/**
 * {@link prepare} for all services at once; when that fails, for each service alone, so that one
 * service's lasting failure (its running image's DescribeImages, its rollbacks' ListServiceDeployments,
 * a throttled read) does not hold back the others: the services whose reads fail alone are `unread`
 * (they fail the push, which is retried), the others are planned with what was read for them. A
 * failure no service escapes (the pushed image's own reads) is thrown as before, as is any failure
 * with one service (a release keeps its queue entry).
 */
async function prepareEach(
  context: RedeployContext,
  snapshots: readonly ServiceSnapshot[],
  push: ImagePush,
  release: boolean,
): Promise<Prepared> {
  try {
    return { groups: [await prepare(context, snapshots, push, release)], unread: [] };
  } catch (error) {
    if (snapshots.length < 2) throw error;
    const groups: Array<{ candidates: ServiceSnapshot[]; image: ImageFacts }> = [];
    const unread: UnreadAction[] = [];
    for (const snapshot of snapshots) {
      try {
        groups.push(await prepare(context, [snapshot], push, release));
      } catch (alone) {
        unread.push(unreadAction(serviceRef(snapshot.service), describeError(alone)));
      }
    }
    if (groups.length === 0) throw error;
    context.log?.warn("some services could not be read; the others go on", {
      error: describeError(error),
      unread: unread.map((u) => u.service.serviceArn),
    });
    return { groups, unread };
  }
}

/** The plan of a push from what was prepared for its services, with the services that could not be read. */
function planPrepared(
  push: ImagePush,
  prepared: Prepared,
  unread: readonly UnreadAction[],
  config: RedeployContext["config"],
  options: PlanOptions,
): RedeployPlan {
  const plans = prepared.groups.map(({ candidates, image }) =>
    planRedeploy(push, candidates, config, { ...options, image }),
  );
  const actions = [...plans.flatMap((p) => p.actions), ...prepared.unread, ...unread].sort((a, b) =>
    a.service.serviceArn.localeCompare(b.service.serviceArn),
  );
  const image = plans.find((p) => p.image)?.image;
  return { push, actions, ...(image ? { image } : {}) };
}

/** How many times a push is planned and applied for a service whose queue kept changing under it. */
const DECIDE_AGAIN_ROUNDS = 3;

/**
 * Plans and (unless `dryRun`) applies a push for the given services, and records the deployments
 * it started for the monitor to confirm. `unread` services (their state could not be read) fail;
 * the others are applied all the same.
 */
export async function planAndApply(
  push: ImagePush,
  snapshots: readonly ServiceSnapshot[],
  context: RedeployContext,
  options: {
    dryRun?: boolean;
    owner?: string;
    release?: boolean;
    unread?: readonly UnreadService[];
  } & PlanOptions = {},
): Promise<RedeployReport> {
  const { dryRun = false, owner, release = false, unread = [], ...planOptions } = options;
  // What the image checks need of the pushed image, read only when some service would take it.
  let plan = planPrepared(
    push,
    await prepareEach(context, snapshots, push, release),
    unreadActions(unread),
    context.config,
    planOptions,
  );
  if (dryRun) return { plan, outcomes: [], dryRun };
  const apply = (toApply: RedeployPlan) =>
    applyRedeployPlan(toApply, {
      ecs: context.clients.ecs,
      ecsSingleAttempt: context.clients.ecsSingleAttempt,
      state: context.state,
      concurrency: context.config.redeploy.concurrency,
      ...(context.remainingTimeMs ? { remainingTimeMs: context.remainingTimeMs } : {}),
      ...(owner ? { owner } : {}),
      ...(context.log ? { log: context.log } : {}),
    });
  let outcomes: DeployOutcome[] = await apply(plan);
  // A service whose queue or state changed while this push was applied (another push queued at
  // the same moment) is planned again at once against what holds now — not failed for Lambda to retry.
  for (let round = 2; round <= DECIDE_AGAIN_ROUNDS; round++) {
    const again = outcomes.filter((o) => o.kind === "failed" && o.decideAgain);
    if (again.length === 0) break;
    const fresh = await loadSnapshotsOf(
      context.clients.ecs,
      again.map((o) => o.action.service),
    );
    // Read again too: the race lost was another push of the image, which may have moved its tag.
    const replanned = planPrepared(
      push,
      await prepareEach(context, fresh.snapshots, push, release),
      unreadActions(fresh.unread),
      context.config,
      planOptions,
    );
    const redone = new Map((await apply(replanned)).map((o) => [o.action.service.serviceArn, o]));
    const action = new Map(replanned.actions.map((a) => [a.service.serviceArn, a]));
    outcomes = outcomes.map((o) => redone.get(o.action.service.serviceArn) ?? o);
    plan = {
      ...plan,
      actions: plan.actions.map((a) => action.get(a.service.serviceArn) ?? a),
    };
  }
  const records = redeploymentRecords(push, outcomes);
  const warnings: string[] = [];
  // The monitor flow confirms these deployments when ECS reports them COMPLETED. A record that
  // cannot be written (after batch retries) costs that confirmation its origin, never the deploy.
  if (records.length > 0)
    await recordRedeployments(context.state, records).catch((error: unknown) => {
      warnings.push(`the deployment records were not written: ${describeError(error)}`);
      context.log?.error("deployment records not written", { error: describeError(error) });
    });
  return { plan, outcomes, dryRun, ...(warnings.length > 0 ? { warnings } : {}) };
}

/**
 * The redeploy flow for one push: find the services using the repository through the index
 * (built on first use), read their fresh state, plan, and (unless `dryRun`) apply.
 *
 * @example
 * const report = await redeployPush(pushFromEvent(event), context, { dryRun: true });
 */
export async function redeployPush(
  push: ImagePush,
  context: RedeployContext,
  options: { dryRun?: boolean } = {},
): Promise<RedeployReport> {
  const index = new ServiceIndex(context.clients, context.state);
  const built = await index.ensureBuilt();
  if (built) context.log?.info("built the service index (first use)", { ...built });
  const entries = await index.lookup(repositoryKey(push.account, push.region, push.repository));
  const { snapshots, missing, unread } = await loadSnapshots(context.clients.ecs, entries);
  for (const serviceArn of missing) {
    context.log?.info("removing a service that no longer exists from the index", { serviceArn });
    if (!options.dryRun) await index.removeService(serviceArn);
  }
  // A service that could not be read fails this push; the others go on (it is retried for it).
  return planAndApply(push, snapshots, context, { ...options, unread });
}
