import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { mapWithConcurrency } from "../aws/concurrency.ts";
import { type Deployed, rollOut } from "../ecs/rollOut.ts";
import { describeError } from "../errors.ts";
import type { FlowLog } from "../flow.ts";
import { changeServiceAlone, type GuardedChange } from "../serviceChange.ts";
import { acquireLease, completeLease, releaseLease, type StateTable, stateKeys } from "../state/index.ts";
import {
  afterNotChanged,
  deployerToAsk,
  heldElsewhereSkip,
  type RolloutRecord,
  rolloutIdOfAction,
  takesBackDone,
  withDeployer,
} from "./applyDecisions.ts";
import { DIGEST_CLAIM_SECONDS } from "./digestClaim.ts";
import { queuePendingPush } from "./pendingPushes.ts";
import type { DeployAction, DeployOutcome, QueueAction, RedeployPlan, SkipAction } from "./types.ts";

export interface ApplyOptions {
  readonly ecs: ECSClient;
  /** ECS without SDK retries, for RegisterTaskDefinition (see `AwsClients.ecsSingleAttempt`). */
  readonly ecsSingleAttempt?: ECSClient;
  /** Roll-out leases and queued pushes live here. */
  readonly state: StateTable;
  readonly concurrency?: number;
  /** Time left in the invocation (Lambda's `getRemainingTimeInMillis`): a roll-out's lease lasts as long. */
  readonly remainingTimeMs?: () => number;
  /**
   * Who rolls out (the leases' owner): the push's event id by default. A queued push released by
   * a deployment's end or by the sweep is rolled out under `<push event> released by <trigger>`,
   * so that two releases of one push at once deploy it once, while each one's retry resumes its own.
   */
  readonly owner?: string;
  /** Where a lease that could not be given back is told (it runs out by itself). */
  readonly log?: Pick<FlowLog, "warn">;
}

/** Without a Lambda deadline (CLI, sandbox), a roll-out's lease lasts this long. */
const LOCAL_DEADLINE_MS = 15 * 60 * 1000;

async function deployOne(
  action: DeployAction,
  plan: RedeployPlan,
  owner: string,
  options: ApplyOptions,
  remainingMs: () => number,
): Promise<DeployOutcome> {
  const rolloutId = rolloutIdOfAction(action);
  const key = stateKeys.rollout(action.service.serviceArn, rolloutId);
  const leaseSeconds = () => Math.ceil(remainingMs() / 1000) + 30;
  const acquire = () =>
    acquireLease<{ taskDefinitionArn?: string }>(options.state, key, owner, { leaseSeconds: leaseSeconds() });
  let lease = await acquire();
  if (takesBackDone(lease, action.fromTaskDefinitionArn)) {
    // Forget that record (only if it is still the same one) and take the roll-out afresh.
    await options.state
      .delete(key, {
        ConditionExpression: "#owner = :owner AND #status = :done",
        ExpressionAttributeNames: { "#owner": "owner", "#status": "status" },
        ExpressionAttributeValues: { ":owner": lease.holder.owner, ":done": "done" },
      })
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
    lease = await acquire();
  }
  if (!lease.acquired) return { kind: "skipped", action: heldElsewhereSkip(action, lease.holder) };
  const giveBack = () =>
    releaseLease(options.state, key, owner).catch((error: unknown) =>
      options.log?.warn("a roll-out lease was not given back; it runs out by itself", {
        service: action.service.serviceArn,
        error: describeError(error),
      }),
    );
  let guarded: GuardedChange<Deployed>;
  try {
    // One change to a service at a time, and only to the service as it was planned from: two
    // pushes planned from the same idle service must not both deploy, or the older may end up running.
    guarded = await changeServiceAlone(
      {
        ecs: options.ecs,
        state: options.state,
        service: action.service,
        expected: action.fromTaskDefinitionArn,
        owner,
        change: `the roll-out of ${pushLabel(plan)} (event ${plan.push.eventId})`,
        leaseSeconds: leaseSeconds(),
        ...(options.log ? { log: options.log } : {}),
      },
      () =>
        rollOut(options.ecs, action, {
          rolloutId,
          ...(options.ecsSingleAttempt ? { registerWith: options.ecsSingleAttempt } : {}),
          resumed: lease.resumed,
        }),
    );
  } catch (error) {
    // Give the roll-out back so that the retry (or the next push of this digest) can do it.
    await giveBack();
    return { kind: "failed", action, error: describeError(error) };
  }
  if (guarded.kind !== "changed") {
    await giveBack();
    // This event's own earlier attempt may be what moved the service (it died after its update):
    // its retry's plan tells that apart (deployed earlier, or still to do). Another change that got
    // there first: this push waits for it like for any deployment, and is planned again against
    // what runs when it ends (deployed, superseded, or already running).
    const next = afterNotChanged(action, guarded, lease.resumed);
    return next.kind === "failed" ? next : queueOne(next, plan, options.state);
  }
  // Deployed: if remembering it fails, a duplicate event finds the digest running instead.
  await completeLease(options.state, key, owner, {
    ttlSeconds: DIGEST_CLAIM_SECONDS,
    attributes: { taskDefinitionArn: guarded.value.taskDefinitionArn },
  }).catch((error: unknown) =>
    options.log?.warn("a deployed roll-out was not recorded as done", {
      service: action.service.serviceArn,
      error: describeError(error),
    }),
  );
  return {
    kind: "deployed",
    action,
    taskDefinitionArn: guarded.value.taskDefinitionArn,
    ...(guarded.value.deploymentId ? { deploymentId: guarded.value.deploymentId } : {}),
  };
}

const pushLabel = (plan: RedeployPlan): string =>
  `${plan.push.repository}:${plan.push.tag ?? plan.push.digest}`;

/**
 * A `deployed-earlier` skip names who made the roll-out (its lease's owner): another invocation
 * than this one (the other release of a queued push released twice at once) reports it itself;
 * this one's earlier attempt may have reported it already (its record says `reported`).
 */
async function whoDeployed(action: SkipAction, owner: string, options: ApplyOptions): Promise<SkipAction> {
  const rolloutId = deployerToAsk(action);
  if (rolloutId === undefined) return action;
  const lease = await options.state
    .get<RolloutRecord>(stateKeys.rollout(action.service.serviceArn, rolloutId))
    .catch(() => undefined);
  return withDeployer(action, lease, owner);
}

async function queueOne(action: QueueAction, plan: RedeployPlan, state: StateTable): Promise<DeployOutcome> {
  const queued = await queuePendingPush(
    state,
    {
      push: plan.push,
      serviceArn: action.service.serviceArn,
      clusterArn: action.service.clusterArn,
      behind: action.behind,
      queuedAt: new Date().toISOString(),
    },
    action.supersedes,
  );
  if (!queued)
    return {
      kind: "failed",
      action,
      error: "another push changed this service's queue at the same time",
      decideAgain: true,
    };
  return { kind: "queued", action, ...(action.supersedes ? { superseded: action.supersedes } : {}) };
}

/**
 * Executes a plan: deploy actions roll out (one lease per service and images, so concurrent
 * events for the same digest deploy it once and a retry resumes its own roll-out), queue actions
 * wait for the running deployment, skips pass through. A failure of one service is reported and
 * does not stop the others.
 *
 * @example
 * const outcomes = await applyRedeployPlan(plan, { ecs, state });
 */
export async function applyRedeployPlan(plan: RedeployPlan, options: ApplyOptions): Promise<DeployOutcome[]> {
  const started = Date.now();
  const remainingMs = options.remainingTimeMs ?? (() => LOCAL_DEADLINE_MS - (Date.now() - started));
  return mapWithConcurrency(
    plan.actions,
    options.concurrency ?? 4,
    async (action): Promise<DeployOutcome> => {
      switch (action.kind) {
        case "skip":
          return {
            kind: "skipped",
            action: await whoDeployed(action, options.owner ?? plan.push.eventId, options),
          };
        case "queue":
          return queueOne(action, plan, options.state);
        case "deploy":
          return deployOne(action, plan, options.owner ?? plan.push.eventId, options, remainingMs);
        case "unread":
          return { kind: "failed", action, error: action.reason };
      }
    },
  );
}
