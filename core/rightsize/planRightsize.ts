import type { DeploymentConfiguration } from "@aws-sdk/client-ecs";
import { FARGATE_TASK_SIZES, type FargateSize } from "../ecs/FargateSize.ts";
import { copyTaskDefinition, mergeTags } from "../ecs/TaskDefinitionCopy.ts";
import { REVISION_TAGS } from "../tags.ts";
import type { FleetState } from "./analyzeFleet.ts";
import type { PriceBook, Recommendation } from "./recommend.ts";

/*
 * What `autopilot:rightsize=apply` changes, decided without AWS: the step down and the services
 * left alone (applyRightsize.ts rolls the plan out). Its own module so that mutation testing
 * (group `rightsize-apply`) mutates the decision and nothing else.
 */

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
