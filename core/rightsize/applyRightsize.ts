import { randomUUID } from "node:crypto";
import type { DeploymentConfiguration, ECSClient } from "@aws-sdk/client-ecs";
import { nameFromArn } from "../ecs/arns.ts";
import { FARGATE_TASK_SIZES, type FargateSize } from "../ecs/FargateSize.ts";
import { rollOut, rolloutIdOf } from "../ecs/rollOut.ts";
import { copyTaskDefinition, mergeTags } from "../ecs/TaskDefinitionCopy.ts";
import { describeError } from "../errors.ts";
import type { FlowLog } from "../flow.ts";
import { changeServiceAlone, type GuardedChange } from "../serviceChange.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import { REVISION_TAGS } from "../tags.ts";
import type { FleetState } from "./analyzeFleet.ts";
import type { PriceBook, Recommendation } from "./recommend.ts";

export interface RightsizeAction {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly serviceArn: string;
  readonly clusterArn: string;
  /** The revision the service ran when it was measured: the step is taken only from it. */
  readonly fromTaskDefinitionArn: string;
  readonly from: FargateSize;
  readonly to: FargateSize;
  readonly register: ReturnType<typeof copyTaskDefinition>;
  readonly deploymentConfiguration: DeploymentConfiguration;
}

export interface RightsizePlan {
  readonly actions: readonly RightsizeAction[];
  readonly skipped: ReadonlyArray<{ readonly service: string; readonly reason: string }>;
}

/**
 * The one step down for a service: of the valid Fargate sizes no larger in CPU or memory that
 * still cover its need and cost less than now, the most expensive — the smallest reduction. The
 * next run takes the next step.
 */
export function oneStepDown(
  current: FargateSize,
  need: { cpu: number; memory: number },
  prices: PriceBook,
  architecture: "X86_64" | "ARM64",
): FargateSize | undefined {
  const rate = prices.fargate[architecture] ?? { vcpuHour: 1, gbHour: 0.1 };
  const hourly = (s: FargateSize) => (s.cpu / 1024) * rate.vcpuHour + (s.memory / 1024) * rate.gbHour;
  const now = hourly(current);
  // A step never grows either dimension: CPU or memory (or both) go down, never up.
  return FARGATE_TASK_SIZES.filter(
    (s) =>
      s.cpu <= current.cpu &&
      s.memory <= current.memory &&
      s.cpu >= need.cpu &&
      s.memory >= need.memory &&
      hourly(s) < now,
  ).sort((a, b) => hourly(b) - hourly(a))[0];
}

/**
 * What `autopilot:rightsize=apply` changes: Fargate services that stay on Fargate get a revision
 * one step smaller, never below the need (peak memory, OOM floor). Launch-type moves and every
 * service without the tag stay report-only.
 */
export function planRightsize(
  recommendations: readonly Recommendation[],
  current: FleetState,
  prices: PriceBook,
): RightsizePlan {
  const actions: RightsizeAction[] = [];
  const skipped: Array<{ service: string; reason: string }> = [];
  for (const r of recommendations) {
    const f = r.profile.facts;
    const name = `${f.clusterName}/${f.serviceName}`;
    if (f.rightsizeMode !== "apply") continue;
    const state = current.get(f.serviceArn);
    if (!state) continue;
    if (f.runsOn === "EC2" || r.capacity === "EC2") {
      skipped.push({ service: name, reason: "moving between EC2 and Fargate is report-only" });
      continue;
    }
    const from = { cpu: f.taskCpu, memory: f.taskMemory };
    const to = oneStepDown(from, r.need, prices, f.architecture);
    if (!to) {
      skipped.push({ service: name, reason: "already the smallest size that covers its need" });
      continue;
    }
    const containerLimits = (state.taskDefinition.containerDefinitions ?? []).reduce(
      (sum, c) => sum + (c.memory ?? 0),
      0,
    );
    if (containerLimits > to.memory) {
      skipped.push({
        service: name,
        reason: `its containers' memory limits (${containerLimits} MiB) exceed ${to.memory} MiB`,
      });
      continue;
    }
    const base = copyTaskDefinition(
      state.taskDefinition,
      new Map(),
      mergeTags(state.tags, { [REVISION_TAGS.rightsizedFrom]: `${from.cpu}/${from.memory}` }),
    );
    actions.push({
      clusterName: f.clusterName,
      serviceName: f.serviceName,
      serviceArn: f.serviceArn,
      clusterArn: state.service.clusterArn ?? "",
      fromTaskDefinitionArn: state.service.taskDefinition ?? "",
      from,
      to,
      register: { ...base, cpu: String(to.cpu), memory: String(to.memory) },
      deploymentConfiguration: {
        ...state.service.deploymentConfiguration,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    });
  }
  return { actions, skipped };
}

/** The ISO 8601 week of an instant (`2026-W48`): weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

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
