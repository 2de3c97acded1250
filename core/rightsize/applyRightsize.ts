import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { nameFromArn } from "../ecs/arns.ts";
import type { FargateSize } from "../ecs/FargateSize.ts";
import { rollOut, rolloutIdOf } from "../ecs/rollOut.ts";
import { isTaggedWith } from "../ecs/rollOutDecisions.ts";
import { describeError } from "../errors.ts";
import type { FlowLog } from "../flow.ts";
import { changeServiceAlone, type GuardedChange } from "../serviceChange.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import { isoWeek } from "./isoWeek.ts";
import type { RightsizePlan } from "./planRightsize.ts";

type RightsizeAction = RightsizePlan["actions"][number];

/** How long a step's service lease holds if its run dies before giving it back. */
const DEFAULT_LEASE_SECONDS = 15 * 60;

/** How long a week's step claim is kept: past the end of any ISO week it was taken in. */
const STEP_CLAIM_SECONDS = 8 * 24 * 60 * 60;

export interface StepClaims {
  readonly state: StateTable;
  /**
   * Who claims the week's steps: the triggering event's id. EventBridge's retries and a redrive
   * from the dead-letter queue keep it, so a retried run resumes the steps its earlier attempt
   * claimed; another event in the same week (a second schedule, a manual run) is refused them.
   */
  readonly holder: string;
  /** The run's time; its ISO week keys the claim. */
  readonly at: Date;
  /** How long a step's service lease holds if the run dies (default 15 min). */
  readonly leaseSeconds?: number;
  /** Where a lease that could not be given back is told (it runs out by itself). */
  readonly log?: Pick<FlowLog, "warn">;
}

/** What the state table keeps of a service's step of the week (its claim). */
interface StepClaim {
  readonly claimedBy?: string;
  /** Sizes as `cpu/memory`. */
  readonly from?: string;
  readonly to?: string;
  /** The revision the step was planned from, and the roll-out id its revision is tagged with. */
  readonly fromRevision?: string;
  readonly rolloutId?: string;
  /** Set once UpdateService answered: the step was taken, whatever runs by the time of a retry. */
  readonly stepped?: boolean;
}

/** The revision the service is set to, when it is the one the roll-out `rolloutId` registered. */
async function runsRollout(
  ecs: ECSClient,
  service: { readonly clusterArn: string; readonly serviceArn: string },
  rolloutId: string,
): Promise<string | undefined> {
  const described = await ecs.send(
    new DescribeServicesCommand({ cluster: service.clusterArn, services: [service.serviceArn] }),
  );
  const revision = described.services?.[0]?.taskDefinition;
  if (!revision) return undefined;
  const definition = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: revision, include: ["TAGS"] }),
  );
  return isTaggedWith(definition.tags, rolloutId) ? revision : undefined;
}

/**
 * Rolls the right-sized revisions out, the same way as the redeploy flow. Each service is
 * stepped down at most once per ISO week whatever runs (a retry, a manual re-run): the step is
 * claimed in the state table, under the triggering event's id, before anything is registered,
 * and a service another event claimed this week is left alone and listed in `alreadyThisWeek`.
 * A retry of the same event (its first attempt died, say, while UpdateService was answering)
 * first reads back what the service runs: a service that runs the revision its earlier attempt
 * rolled out, or whose claim says it was stepped, is not stepped again (even when the retry,
 * measuring the stepped service, plans another step) and is listed in `steppedEarlier`, told
 * again rather than never; a service whose claimed step was planned from another revision than it
 * runs now is listed in `alreadyThisWeek`; the same step, not taken yet, is taken. A claim that
 * cannot be read or written is that service's failure (`failed`). Each step changes its service alone and
 * only from the revision it was measured on (`changeServiceAlone`, shared with redeploy and the
 * policy's rollback): a service that another change holds or that moved since is left for the
 * next run, its claim given back, and listed in `deferred`. A step that fails gives its claim
 * back and is listed in `failed`; the other services are still stepped (the caller fails the run,
 * so that it is retried and dead-lettered; the retry steps only what is left).
 */
export async function applyRightsize(
  ecs: ECSClient,
  plan: RightsizePlan,
  claims: StepClaims,
  /** ECS without SDK retries, for RegisterTaskDefinition (`AwsClients.ecsSingleAttempt`, see rollOut). */
  registerWith?: ECSClient,
): Promise<{
  applied: string[];
  steppedEarlier: string[];
  alreadyThisWeek: string[];
  deferred: string[];
  failed: string[];
}> {
  const applied: string[] = [];
  const steppedEarlier: string[] = [];
  const alreadyThisWeek: string[] = [];
  const deferred: string[] = [];
  const failed: string[] = [];
  // The event's claims: a claim whose put reached DynamoDB but whose reply was lost (the SDK
  // sends it again), or that an earlier attempt of the same event took, is this event's, not a
  // step some other run took this week.
  const { holder } = claims;
  const size = (s: FargateSize) => `${s.cpu}/${s.memory}`;
  for (const action of plan.actions) {
    const name = `${action.clusterName}/${action.serviceName}`;
    const service = { clusterArn: action.clusterArn, serviceArn: action.serviceArn };
    const step = stateKeys.rightsizeStep(action.serviceArn, isoWeek(claims.at));
    const giveBack = () => claims.state.delete(step).catch(() => undefined);
    // The same step of the same service is one roll-out: a retry finds its revision, never registers twice.
    const rolloutId = rolloutIdOf(action.serviceArn, [size(action.to)]);
    try {
      const earlier = await earlierStep(ecs, claims, action);
      if (earlier.kind === "stepped-earlier") {
        steppedEarlier.push(earlier.line);
        continue;
      }
      if (earlier.kind === "already-this-week") {
        alreadyThisWeek.push(name);
        continue;
      }
    } catch (error) {
      // Cannot tell whether an earlier attempt stepped it: leave it (and any claim) to the retry.
      failed.push(`${name}: ${describeError(error)}`);
      continue;
    }
    let claimed: boolean;
    try {
      claimed = await claims.state.claim(
        step,
        STEP_CLAIM_SECONDS,
        {
          kind: "rightsize-step",
          from: size(action.from),
          to: size(action.to),
          fromRevision: action.fromTaskDefinitionArn,
          rolloutId,
        },
        holder,
      );
    } catch (error) {
      // Not claimed, not stepped: failed (the run fails, its retry claims it), and the other
      // services are still stepped and the run's report told.
      failed.push(`${name}: ${describeError(error)}`);
      continue;
    }
    if (!claimed) {
      alreadyThisWeek.push(name);
      continue;
    }
    let result: GuardedChange<Awaited<ReturnType<typeof rollOut>>>;
    try {
      result = await changeServiceAlone(
        {
          ecs,
          state: claims.state,
          service,
          expected: action.fromTaskDefinitionArn,
          owner: holder,
          change: `the right-sizing step ${size(action.from)} → ${size(action.to)}`,
          leaseSeconds: claims.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
          ...(claims.log ? { log: claims.log } : {}),
        },
        () =>
          rollOut(
            ecs,
            {
              register: action.register,
              service,
              deploymentConfiguration: action.deploymentConfiguration,
            },
            {
              rolloutId,
              resumed: true,
              ...(registerWith ? { registerWith } : {}),
            },
          ),
      );
    } catch (error) {
      // Not stepped: give the week's claim back, so that the retried run steps it instead of
      // calling it done this week. (If that fails too, the roll-out's own error is the one
      // worth reporting.) One service's failure never holds up the others.
      await giveBack();
      failed.push(`${name}: ${describeError(error)}`);
      continue;
    }
    if (result.kind !== "changed") {
      // Measured on a service that has changed since, or changing right now: next run measures again.
      await giveBack();
      deferred.push(
        result.kind === "busy"
          ? `${name}: ${result.change} is changing the service right now`
          : `${name}: the service changed since it was measured (it runs ${result.runs ? nameFromArn(result.runs) : "an unknown revision"}, not ${nameFromArn(action.fromTaskDefinitionArn)})`,
      );
      continue;
    }
    // Stepped: said on the claim, so that a retry of this event never steps the service again this
    // week, even after the step was undone. If this write fails, a retry still finds the roll-out's
    // revision running (unless it was undone too): told, never failed for it.
    await claims.state
      .update(step, {
        ConditionExpression: "claimedBy = :holder",
        UpdateExpression: "SET stepped = :stepped",
        ExpressionAttributeValues: { ":holder": holder, ":stepped": true },
      })
      .catch((error: unknown) =>
        claims.log?.warn("the week's step was taken but could not be marked so on its claim", {
          service: name,
          error: describeError(error),
        }),
      );
    applied.push(
      `${name}: ${size(action.from)} → ${size(action.to)} (${result.value.taskDefinitionArn.split("/").pop()})`,
    );
  }
  return { applied, steppedEarlier, alreadyThisWeek, deferred, failed };
}

type EarlierStep =
  | { readonly kind: "stepped-earlier"; readonly line: string }
  | { readonly kind: "already-this-week" }
  | { readonly kind: "free" };

/**
 * What this week's claim on a service says before a step is taken (reads only: the dry run asks it
 * too). Claimed by an earlier attempt of the same event that stepped it (its roll-out runs, or the
 * claim says `stepped`: taken and maybe undone since): that step, told again rather than never
 * (the attempt may have died before telling it). Claimed by it from another revision than the
 * service runs now, never stepped, or claimed by another event (live): not this week (the claim
 * itself decides the latter when the step is taken). Otherwise free.
 */
async function earlierStep(
  ecs: ECSClient,
  claims: StepClaims,
  action: RightsizeAction,
): Promise<EarlierStep> {
  const name = `${action.clusterName}/${action.serviceName}`;
  const earlier = await claims.state.get<StepClaim>(
    stateKeys.rightsizeStep(action.serviceArn, isoWeek(claims.at)),
  );
  if (!earlier) return { kind: "free" };
  if (earlier.claimedBy !== claims.holder) return { kind: "already-this-week" };
  // An earlier attempt of this event claimed it: did its roll-out reach the service?
  const service = { clusterArn: action.clusterArn, serviceArn: action.serviceArn };
  const stepped = earlier.rolloutId ? await runsRollout(ecs, service, earlier.rolloutId) : undefined;
  if (earlier.stepped === true || stepped)
    return {
      kind: "stepped-earlier",
      line: `${name}: ${earlier.from ?? "?"} → ${earlier.to ?? "?"} (by an earlier attempt of this run${stepped ? "" : "; undone since, it runs another revision now"})`,
    };
  return earlier.fromRevision !== action.fromTaskDefinitionArn
    ? { kind: "already-this-week" }
    : { kind: "free" };
}

/**
 * What `applyRightsize` would do with a plan, read without changing anything (the dry run, and so
 * `dlq redrive rightsize --dry-run`): the plan of the steps it would take, and the services it
 * would leave as stepped by an earlier attempt of the event or already stepped this week.
 */
export async function previewRightsize(
  ecs: ECSClient,
  plan: RightsizePlan,
  claims: StepClaims,
): Promise<{ plan: RightsizePlan; steppedEarlier: string[]; alreadyThisWeek: string[] }> {
  const actions: RightsizeAction[] = [];
  const steppedEarlier: string[] = [];
  const alreadyThisWeek: string[] = [];
  for (const action of plan.actions) {
    const earlier = await earlierStep(ecs, claims, action);
    if (earlier.kind === "stepped-earlier") steppedEarlier.push(earlier.line);
    else if (earlier.kind === "already-this-week")
      alreadyThisWeek.push(`${action.clusterName}/${action.serviceName}`);
    else actions.push(action);
  }
  return { plan: { ...plan, actions }, steppedEarlier, alreadyThisWeek };
}
