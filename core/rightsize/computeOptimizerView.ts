/**
 * What Compute Optimizer's answer says, without calling it: one ECS service recommendation as
 * GetECSServiceRecommendations gives it, the view of a whole read (its recommendations, the errors
 * it listed, or why there was no answer), and how its recommendation compares with ours.
 * computeOptimizer.ts does the reading (the calls, following `nextToken`).
 */
import {
  AccessDeniedException,
  type ECSServiceRecommendation,
  type GetECSServiceRecommendationsResponse,
  OptInRequiredException,
} from "@aws-sdk/client-compute-optimizer";
import { spanText } from "./profile.ts";
import type { Recommendation } from "./recommend.ts";

/** Compute Optimizer's view of one ECS service, as GetECSServiceRecommendations gives it. */
export interface ComputeOptimizerRecommendation {
  readonly serviceArn: string;
  /** Optimized, Overprovisioned or Underprovisioned. */
  readonly finding?: string;
  readonly findingReasonCodes: readonly string[];
  readonly current: { readonly cpu?: number; readonly memory?: number };
  /** Its first (best) option. */
  readonly recommended?: { readonly cpu?: number; readonly memory?: number };
  /** Its estimate of the saving, in its currency; priced as `savingsSource` says. */
  readonly estimatedMonthlySavings?: { readonly currency: string; readonly value: number };
  /**
   * What the saving is priced from, as the API states it in
   * `effectiveRecommendationPreferences.savingsEstimationMode.source`: PublicPricing,
   * CostExplorerRightsizing or CostOptimizationHub (absent when the API does not say).
   */
  readonly savingsSource?: string;
  readonly lookbackPeriodInDays?: number;
  /** Maximum utilisation it saw, percent. */
  readonly utilization: { readonly cpuMaximum?: number; readonly memoryMaximum?: number };
  /** Target tracking on CPU or memory (it then makes no recommendation for that resource). */
  readonly autoScaling: readonly string[];
  readonly lastRefresh?: string;
}

export interface ComputeOptimizerView {
  /** `not-enabled`: the account has not opted in; `unavailable`: no answer (permission, endpoint). */
  readonly status: "ok" | "not-enabled" | "unavailable";
  readonly detail: string;
  readonly recommendations: ReadonlyMap<string, ComputeOptimizerRecommendation>;
}

/** One service's recommendation as we keep it: its first (best) option, its maximum utilisation. */
export function recommendationFromApi(r: ECSServiceRecommendation): ComputeOptimizerRecommendation {
  const option = r.serviceRecommendationOptions?.[0];
  const metric = (name: string) =>
    r.utilizationMetrics?.find((m) => m.name === name && (m.statistic ?? "Maximum") === "Maximum")?.value;
  const cpuMaximum = metric("Cpu");
  const memoryMaximum = metric("Memory");
  const savings = option?.savingsOpportunity?.estimatedMonthlySavings;
  const savingsSource = r.effectiveRecommendationPreferences?.savingsEstimationMode?.source;
  return {
    serviceArn: r.serviceArn ?? "",
    ...(r.finding ? { finding: r.finding } : {}),
    findingReasonCodes: r.findingReasonCodes ?? [],
    current: {
      ...(r.currentServiceConfiguration?.cpu !== undefined ? { cpu: r.currentServiceConfiguration.cpu } : {}),
      ...(r.currentServiceConfiguration?.memory !== undefined
        ? { memory: r.currentServiceConfiguration.memory }
        : {}),
    },
    ...(option
      ? {
          recommended: {
            ...(option.cpu !== undefined ? { cpu: option.cpu } : {}),
            ...(option.memory !== undefined ? { memory: option.memory } : {}),
          },
        }
      : {}),
    ...(savings?.value !== undefined
      ? { estimatedMonthlySavings: { currency: savings.currency ?? "USD", value: savings.value } }
      : {}),
    ...(savingsSource ? { savingsSource } : {}),
    ...(r.lookbackPeriodInDays !== undefined ? { lookbackPeriodInDays: r.lookbackPeriodInDays } : {}),
    utilization: {
      ...(cpuMaximum !== undefined ? { cpuMaximum } : {}),
      ...(memoryMaximum !== undefined ? { memoryMaximum } : {}),
    },
    autoScaling: r.currentServiceConfiguration?.autoScalingConfiguration
      ? [r.currentServiceConfiguration.autoScalingConfiguration]
      : [],
    ...(r.lastRefreshTimestamp ? { lastRefresh: r.lastRefreshTimestamp.toISOString() } : {}),
  };
}

/** The recommendations of the pages read (by service ARN; one without an ARN is left out). */
function recommendationsOf(
  pages: readonly GetECSServiceRecommendationsResponse[],
): Map<string, ComputeOptimizerRecommendation> {
  const recommendations = new Map<string, ComputeOptimizerRecommendation>();
  for (const page of pages)
    for (const r of page.ecsServiceRecommendations ?? [])
      if (r.serviceArn) recommendations.set(r.serviceArn, recommendationFromApi(r));
  return recommendations;
}

/** Every page read: its recommendations, and the errors the API listed in them. */
export function computeOptimizerView(
  pages: readonly GetECSServiceRecommendationsResponse[],
): ComputeOptimizerView {
  const recommendations = recommendationsOf(pages);
  const errors: string[] = [];
  for (const page of pages)
    for (const e of page.errors ?? []) errors.push(`${e.code ?? "error"}: ${e.message ?? ""}`.trim());
  return {
    status: "ok",
    detail: `${recommendations.size} ECS service recommendation${recommendations.size === 1 ? "" : "s"}${errors.length ? `; errors: ${errors.join("; ")}` : ""}`,
    recommendations,
  };
}

/**
 * A read that failed after `pages`: an account that has not opted in, a role without
 * `compute-optimizer:GetECSServiceRecommendations` or an endpoint that is not Compute Optimizer is
 * a status in the report, not a failure of the run. The pages read before it are kept.
 */
export function computeOptimizerFailure(
  error: unknown,
  pages: readonly GetECSServiceRecommendationsResponse[],
): ComputeOptimizerView {
  const recommendations = recommendationsOf(pages);
  if (error instanceof OptInRequiredException)
    return {
      status: "not-enabled",
      detail: "the account has not opted in to AWS Compute Optimizer",
      recommendations,
    };
  const detail =
    error instanceof AccessDeniedException
      ? "no permission for compute-optimizer:GetECSServiceRecommendations"
      : error instanceof SyntaxError
        ? "the endpoint did not answer as Compute Optimizer (the response was not JSON)"
        : `GetECSServiceRecommendations failed (${(error as Error).name}: ${((error as Error).message ?? "").split("\n")[0]?.slice(0, 120)})`;
  return { status: "unavailable", detail, recommendations };
}

/** Compute Optimizer next to our recommendation for a service: its figures and why the two differ. */
export interface ComputeOptimizerComparison {
  readonly finding?: string;
  readonly recommended?: { readonly cpu?: number; readonly memory?: number };
  readonly estimatedMonthlySavings?: { readonly currency: string; readonly value: number };
  readonly lookbackPeriodInDays?: number;
  readonly differences: readonly string[];
}

/** Where Compute Optimizer's saving comes from, in words, with the API's own value. */
function savingsSourceText(source: string | undefined): string {
  switch (source) {
    case "PublicPricing":
      return "public On-Demand pricing (savingsEstimationMode PublicPricing)";
    case "CostExplorerRightsizing":
      return "Cost Explorer rightsizing, after the account's discounts (savingsEstimationMode CostExplorerRightsizing)";
    case "CostOptimizationHub":
      return "Cost Optimization Hub (savingsEstimationMode CostOptimizationHub)";
    case undefined:
      return "a source the API does not state (no savingsEstimationMode)";
    default:
      return `savingsEstimationMode ${source}`;
  }
}

const units = (cpu?: number, memory?: number) =>
  `${cpu !== undefined ? `${cpu} CPU units` : "CPU not sized"} / ${memory !== undefined ? `${memory} MiB` : "memory not sized"}`;

/**
 * Why our recommendation and Compute Optimizer's differ, in terms a person can check: what each
 * considers (Compute Optimizer sizes Fargate tasks only), the lookback, the sizing rule, the OOM
 * floor, Spot and Graviton, and where the money figures come from.
 */
export function compareWithComputeOptimizer(
  ours: Recommendation,
  theirs: ComputeOptimizerRecommendation,
  lookbackDays: number,
): ComputeOptimizerComparison {
  const differences: string[] = [];
  const p = ours.profile;
  if (ours.capacity === "EC2")
    differences.push(
      "we compare Fargate with EC2 capacity and recommend EC2; Compute Optimizer sizes Fargate tasks only",
    );
  if (ours.capacity === "FARGATE_SPOT")
    differences.push(
      "we price Fargate Spot (the service is tagged interruptible); Compute Optimizer prices On-Demand",
    );
  if (ours.architecture !== p.facts.architecture)
    differences.push(
      "we also price Graviton (the images have linux/arm64); Compute Optimizer keeps the architecture",
    );
  const ourData =
    p.data && p.data.hours < lookbackDays * 24 ? ` (${spanText(p.data.hours)} of metrics in it)` : "";
  if (theirs.lookbackPeriodInDays !== undefined && (theirs.lookbackPeriodInDays !== lookbackDays || ourData))
    differences.push(
      `lookback: ours ${lookbackDays} day${lookbackDays === 1 ? "" : "s"}${ourData}, Compute Optimizer's ${theirs.lookbackPeriodInDays}`,
    );
  const theirMemory = theirs.recommended?.memory;
  const theirCpu = theirs.recommended?.cpu;
  if (p.oomKills > 0 && theirMemory !== undefined && theirMemory < ours.need.memory)
    differences.push(
      `${p.oomKills} out-of-memory stop${p.oomKills === 1 ? "" : "s"} in our window: we never give the task less memory than it has (${p.facts.taskMemory} MiB)`,
    );
  const oursSize = ours.size;
  if (
    oursSize &&
    ((theirCpu !== undefined && theirCpu !== oursSize.cpu) ||
      (theirMemory !== undefined && theirMemory !== oursSize.memory))
  )
    differences.push(
      `sizes: ours ${units(oursSize.cpu, oursSize.memory)} from p99 CPU ${Math.round(p.cpu.p99)} units and peak memory ${Math.round(p.memoryPeak)} MiB + ${Math.round((ours.need.cpu / Math.max(1, p.cpu.p99) - 1) * 100)} % headroom; Compute Optimizer's ${units(theirCpu, theirMemory)} from its maximum utilisation (CPU ${theirs.utilization.cpuMaximum ?? "?"} %, memory ${theirs.utilization.memoryMaximum ?? "?"} %)`,
    );
  if (theirs.autoScaling.length > 0)
    differences.push(
      `Compute Optimizer does not size a resource the service scales on (${theirs.autoScaling.join(", ")})`,
    );
  if (theirs.estimatedMonthlySavings && ours.saving !== undefined)
    differences.push(
      `savings: ours $${ours.saving.toFixed(2)}/month from the price book (list prices, dated in the report); Compute Optimizer's ${theirs.estimatedMonthlySavings.currency} ${theirs.estimatedMonthlySavings.value.toFixed(2)}/month from ${savingsSourceText(theirs.savingsSource)}`,
    );
  if (differences.length === 0) differences.push("the same size and capacity");
  return {
    ...(theirs.finding ? { finding: theirs.finding } : {}),
    ...(theirs.recommended ? { recommended: theirs.recommended } : {}),
    ...(theirs.estimatedMonthlySavings ? { estimatedMonthlySavings: theirs.estimatedMonthlySavings } : {}),
    ...(theirs.lookbackPeriodInDays !== undefined
      ? { lookbackPeriodInDays: theirs.lookbackPeriodInDays }
      : {}),
    differences,
  };
}
