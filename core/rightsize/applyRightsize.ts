import { randomUUID } from "node:crypto";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { nameFromArn } from "../ecs/arns.ts";
import type { FargateSize } from "../ecs/FargateSize.ts";
import { rollOut, rolloutIdOf } from "../ecs/rollOut.ts";
import { describeError } from "../errors.ts";
import type { FlowLog } from "../flow.ts";
import { changeServiceAlone, type GuardedChange } from "../serviceChange.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import { isoWeek } from "./isoWeek.ts";
import type { RightsizePlan } from "./planRightsize.ts";

/** How long a step's service lease holds if its run dies before giving it back. */
const DEFAULT_LEASE_SECONDS = 15 * 60;

/** How long a week's step claim is kept: past the end of any ISO week it was taken in. */
const STEP_CLAIM_SECONDS = 8 * 24 * 60 * 60;

export interface StepClaims {
  readonly state: StateTable;
  /** The run's time; its ISO week keys the claim. */
  readonly at: Date;
  /** How long a step's service lease holds if the run dies (default 15 min). */
  readonly leaseSeconds?: number;
  /** Where a lease that could not be given back is told (it runs out by itself). */
  readonly log?: Pick<FlowLog, "warn">;
}

/**
 * Rolls the right-sized revisions out, the same way as the redeploy flow. Each service is
 * stepped down at most once per ISO week whatever runs (a retry, a manual re-run): the step is
 * claimed in the state table before anything is registered, and a service already claimed this
 * week is left alone and listed in `alreadyThisWeek`. Each step changes its service alone and
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
): Promise<{ applied: string[]; alreadyThisWeek: string[]; deferred: string[]; failed: string[] }> {
  const applied: string[] = [];
  const alreadyThisWeek: string[] = [];
  const deferred: string[] = [];
  const failed: string[] = [];
  // This run's claims: a claim whose put reached DynamoDB but whose reply was lost (the SDK
  // sends it again) is this run's, not a step some other run took this week.
  const holder = randomUUID();
  for (const action of plan.actions) {
    const name = `${action.clusterName}/${action.serviceName}`;
    const step = stateKeys.rightsizeStep(action.serviceArn, isoWeek(claims.at));
    const giveBack = () => claims.state.delete(step).catch(() => undefined);
    if (
      !(await claims.state.claim(
        step,
        STEP_CLAIM_SECONDS,
        {
          kind: "rightsize-step",
          from: `${action.from.cpu}/${action.from.memory}`,
          to: `${action.to.cpu}/${action.to.memory}`,
        },
        holder,
      ))
    ) {
      alreadyThisWeek.push(name);
      continue;
    }
    const size = (s: FargateSize) => `${s.cpu}/${s.memory}`;
    let result: GuardedChange<Awaited<ReturnType<typeof rollOut>>>;
    try {
      result = await changeServiceAlone(
        {
          ecs,
          state: claims.state,
          service: { clusterArn: action.clusterArn, serviceArn: action.serviceArn },
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
              service: { clusterArn: action.clusterArn, serviceArn: action.serviceArn },
              deploymentConfiguration: action.deploymentConfiguration,
            },
            // The same step of the same service is one roll-out: a retry finds its revision, never registers twice.
            {
              rolloutId: rolloutIdOf(action.serviceArn, [size(action.to)]),
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
    applied.push(
      `${name}: ${size(action.from)} → ${size(action.to)} (${result.value.taskDefinitionArn.split("/").pop()})`,
    );
  }
  return { applied, alreadyThisWeek, deferred, failed };
}
