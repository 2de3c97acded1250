import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DescribeServicesCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { mapWithConcurrency } from "../aws/concurrency.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { rollOut, rolloutIdOf } from "../ecs/rollOut.ts";
import { describeError } from "../errors.ts";
import {
  acquireLease,
  completeLease,
  type ItemKey,
  releaseLease,
  type StateTable,
  stateKeys,
} from "../state/index.ts";
import { queuePendingPush } from "./pendingPushes.ts";
import type { DeployAction, DeployOutcome, QueueAction, RedeployPlan } from "./types.ts";

/**
 * How long a (service, images) roll-out is remembered: a digest that failed and rolled back is not
 * retried within it — unless the service has run a later revision since (a revert to that digest).
 */
export const DIGEST_CLAIM_SECONDS = 24 * 60 * 60;

export interface ApplyOptions {
  readonly ecs: ECSClient;
  /** ECS without SDK retries, for RegisterTaskDefinition (see `AwsClients.ecsSingleAttempt`). */
  readonly ecsSingleAttempt?: ECSClient;
  /** Roll-out leases and queued pushes live here. */
  readonly state: StateTable;
  readonly concurrency?: number;
  /** Time left in the invocation (Lambda's `getRemainingTimeInMillis`): a roll-out's lease lasts as long. */
  readonly remainingTimeMs?: () => number;
}

/** Without a Lambda deadline (CLI, sandbox), a roll-out's lease lasts this long. */
const LOCAL_DEADLINE_MS = 15 * 60 * 1000;

/** The roll-out id of a deploy action: the service and the images it moves to. */
export const rolloutIdOfAction = (action: DeployAction): string =>
  rolloutIdOf(
    action.service.serviceArn,
    action.updates.map((u) => `${u.container}=${u.toImage}`),
  );

/**
 * Whether the service ran a later revision of the family than `deployed` (the revision a done
 * roll-out registered) when the plan was made: the roll-out was replaced since, so a push of its
 * digest again (a mutable tag reverted to an earlier image) is new work, not a duplicate.
 */
function replacedSince(deployed: string | undefined, from: string): boolean {
  const [family, revision] = nameFromArn(deployed ?? "").split(":");
  const [fromFamily, fromRevision] = nameFromArn(from).split(":");
  return family !== "" && family === fromFamily && Number(fromRevision) > Number(revision);
}

async function deployOne(
  action: DeployAction,
  owner: string,
  options: ApplyOptions,
  remainingMs: () => number,
): Promise<DeployOutcome> {
  const rolloutId = rolloutIdOfAction(action);
  const key = stateKeys.rollout(action.service.serviceArn, rolloutId);
  const digest = action.updates[0]?.toDigest;
  const acquire = () =>
    acquireLease<{ taskDefinitionArn?: string }>(options.state, key, owner, {
      leaseSeconds: Math.ceil(remainingMs() / 1000) + 30,
    });
  let lease = await acquire();
  if (
    !lease.acquired &&
    lease.holder.status === "done" &&
    replacedSince(lease.holder.taskDefinitionArn, action.fromTaskDefinitionArn)
  ) {
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
  if (!lease.acquired) {
    const reason =
      lease.holder.status === "done"
        ? `${digest} was already deployed here as ${lease.holder.taskDefinitionArn ?? "a new revision"}`
        : `another invocation is deploying ${digest} here right now`;
    return {
      kind: "skipped",
      action: { kind: "skip", service: action.service, category: "duplicate", reason },
    };
  }
  // One roll-out changes a service at a time: two different pushes handled at once (planned
  // before either had updated the service) must not both deploy, or the older may end up running.
  const updating = stateKeys.serviceUpdate(action.service.serviceArn);
  const giveBack = () =>
    Promise.all([
      releaseLease(options.state, key, owner).catch(() => undefined),
      releaseLease(options.state, updating, owner).catch(() => undefined),
    ]);
  const serviceLease = await acquireLease(options.state, updating, owner, {
    leaseSeconds: Math.ceil(remainingMs() / 1000) + 30,
  }).catch(async (error: unknown) => {
    await giveBack();
    throw error;
  });
  if (!serviceLease.acquired) {
    await releaseLease(options.state, key, owner).catch(() => undefined);
    return {
      kind: "failed",
      action,
      error: `another push (event ${serviceLease.holder.owner}) is rolling out to this service right now; the event is retried to decide again after it`,
    };
  }
  try {
    return await rollOutLeased(action, key, owner, rolloutId, lease.resumed, options);
  } finally {
    // Once UpdateService has answered, the service shows the roll-out: later plans see it.
    await releaseLease(options.state, updating, owner).catch(() => undefined);
  }
}

/** The service's task definition now (DescribeServices), or undefined when ECS does not say. */
async function currentTaskDefinition(ecs: ECSClient, action: DeployAction): Promise<string | undefined> {
  const response = await ecs.send(
    new DescribeServicesCommand({
      cluster: action.service.clusterArn,
      services: [action.service.serviceArn],
    }),
  );
  return response.services?.[0]?.taskDefinition;
}

async function rollOutLeased(
  action: DeployAction,
  key: ItemKey,
  owner: string,
  rolloutId: string,
  resumed: boolean,
  options: ApplyOptions,
): Promise<DeployOutcome> {
  try {
    // The plan was made from the service as it was. If another roll-out changed it since, this
    // push is decided again (queued, superseded or deployed) by the retry. Also when this
    // roll-out resumes an earlier attempt: if that attempt's update landed, the retry's plan says so.
    const now = await currentTaskDefinition(options.ecs, action);
    if (now !== action.fromTaskDefinitionArn) {
      await releaseLease(options.state, key, owner).catch(() => undefined);
      return {
        kind: "failed",
        action,
        error: `the service changed since this push was planned (it now runs ${now ?? "an unknown revision"}, not ${action.fromTaskDefinitionArn}); the event is retried to decide again`,
      };
    }
    const result = await rollOut(options.ecs, action, {
      rolloutId,
      ...(options.ecsSingleAttempt ? { registerWith: options.ecsSingleAttempt } : {}),
      resumed,
    });
    // Deployed: if remembering it fails, a duplicate event finds the digest running instead.
    await completeLease(options.state, key, owner, {
      ttlSeconds: DIGEST_CLAIM_SECONDS,
      attributes: { taskDefinitionArn: result.taskDefinitionArn },
    }).catch(() => undefined);
    return {
      kind: "deployed",
      action,
      taskDefinitionArn: result.taskDefinitionArn,
      ...(result.deploymentId ? { deploymentId: result.deploymentId } : {}),
    };
  } catch (error) {
    // Give the roll-out back so that the retry (or the next push of this digest) can do it.
    await releaseLease(options.state, key, owner).catch(() => undefined);
    return { kind: "failed", action, error: describeError(error) };
  }
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
      error:
        "another push changed this service's queue at the same time; the event is retried to decide again",
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
          return { kind: "skipped", action };
        case "queue":
          return queueOne(action, plan, options.state);
        case "deploy":
          return deployOne(action, plan.push.eventId, options, remainingMs);
      }
    },
  );
}
