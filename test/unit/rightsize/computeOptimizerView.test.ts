/**
 * What Compute Optimizer's answer says (computeOptimizerView.ts): a recommendation read from the
 * API's shape (test/support/computeOptimizerSample.ts, after the API reference's response syntax),
 * the status of a read, and each reason ours and its recommendation differ, as the report says it.
 * Our side is recommend() on a measured profile with the bundled eu-west-1 price book.
 */
import {
  AccessDeniedException,
  type ECSServiceRecommendation,
  type GetECSServiceRecommendationsResponse,
  OptInRequiredException,
  ThrottlingException,
} from "@aws-sdk/client-compute-optimizer";
import { describe, expect, it } from "vitest";
import {
  type ComputeOptimizerRecommendation,
  compareWithComputeOptimizer,
  computeOptimizerFailure,
  computeOptimizerView,
  recommendationFromApi,
} from "../../../core/rightsize/computeOptimizerView.ts";
import { distribution } from "../../../core/rightsize/percentiles.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import type { ServiceProfile } from "../../../core/rightsize/profile.ts";
import { type Recommendation, recommend } from "../../../core/rightsize/recommend.ts";
import { ecsServiceRecommendation } from "../../support/computeOptimizerSample.ts";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/web/api";

/** The sample as the SDK hands it over: the wire's epoch seconds become a Date. */
function fromWire(wire: ReturnType<typeof ecsServiceRecommendation>): ECSServiceRecommendation {
  return {
    ...wire,
    lastRefreshTimestamp: new Date(wire.lastRefreshTimestamp * 1000),
  } as ECSServiceRecommendation;
}
const SAMPLE = fromWire(ecsServiceRecommendation(SERVICE));

/**
 * Ours for a 2 vCPU / 4 GiB Fargate service of 2 tasks using 300 CPU units and 700 MiB: 360 units
 * and 840 MiB with 20 % headroom, so 512 / 1024 on Fargate, $144.16 → $36.04 a month at the
 * bundled eu-west-1 prices ($108.12 saved); with an OOM kill, memory stays at the task's 4096 MiB.
 */
function ours(profile: Partial<ServiceProfile> = {}): Recommendation {
  const cpu = distribution(Array.from({ length: 24 }, () => 300));
  const memory = distribution(Array.from({ length: 24 }, () => 700));
  if (!cpu || !memory) throw new Error("no samples");
  return recommend(
    {
      facts: {
        serviceArn: SERVICE,
        clusterName: "web",
        serviceName: "api",
        runsOn: "FARGATE",
        desiredCount: 2,
        taskCpu: 2048,
        taskMemory: 4096,
        architecture: "X86_64",
        ec2Only: [],
        interruptible: false,
        rightsizeMode: "report",
      },
      cpu,
      memory,
      memoryPeak: 700,
      burstiness: 1,
      dutyCycle: 1,
      tasks: { min: 2, max: 2, mean: 2 },
      oomKills: 0,
      steady: true,
      ...profile,
    },
    bundledPriceBook("eu-west-1"),
    [],
  );
}

/** The sample as read, with changes. */
const theirs = (changes: Partial<ComputeOptimizerRecommendation> = {}): ComputeOptimizerRecommendation => ({
  ...recommendationFromApi(SAMPLE),
  ...changes,
});

const SIZES_LINE =
  "sizes: ours 512 CPU units / 1024 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's 512 CPU units / 2048 MiB from its maximum utilisation (CPU 14.6 %, memory 17.1 %)";
const SAVINGS_LINE =
  "savings: ours $108.12/month from the price book (list prices, dated in the report); Compute Optimizer's USD 88.20/month from public On-Demand pricing (savingsEstimationMode PublicPricing)";

describe("recommendationFromApi: one ECS service recommendation as we keep it", () => {
  it("keeps the finding, its reasons, the current and first recommended size, the saving and its source, the lookback, the maximum utilisation and the refresh time", () => {
    expect(ours()).toMatchObject({
      capacity: "FARGATE",
      size: { cpu: 512, memory: 1024 },
      need: { cpu: 360, memory: 840 },
      saving: 108.12,
    });
    expect(recommendationFromApi(SAMPLE)).toStrictEqual({
      serviceArn: SERVICE,
      finding: "Overprovisioned",
      findingReasonCodes: ["CPUOverprovisioned", "MemoryOverprovisioned"],
      current: { cpu: 2048, memory: 4096 },
      recommended: { cpu: 512, memory: 2048 },
      estimatedMonthlySavings: { currency: "USD", value: 88.2 },
      savingsSource: "PublicPricing",
      lookbackPeriodInDays: 14,
      utilization: { cpuMaximum: 14.6, memoryMaximum: 17.1 },
      autoScaling: [],
      lastRefresh: "2026-11-24T00:00:00.000Z",
    });
  });

  it("leaves out what the API does not state", () => {
    expect(recommendationFromApi({ serviceArn: SERVICE })).toStrictEqual({
      serviceArn: SERVICE,
      findingReasonCodes: [],
      current: {},
      utilization: {},
      autoScaling: [],
    });
    // The API's ARN is optional: a recommendation without one names no service.
    expect(recommendationFromApi({}).serviceArn).toBe("");
    // A first option without a saving opportunity: its sizes, no saving.
    expect(
      recommendationFromApi({ ...SAMPLE, serviceRecommendationOptions: [{ cpu: 256, memory: 512 }] }),
    ).not.toHaveProperty("estimatedMonthlySavings");
    // An option without sizes or saving, a current configuration without sizes, a saving without a value.
    expect(
      recommendationFromApi({
        serviceArn: SERVICE,
        currentServiceConfiguration: {
          taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/api:1",
        },
        serviceRecommendationOptions: [
          { savingsOpportunity: { estimatedMonthlySavings: { currency: "USD" } } },
        ],
        effectiveRecommendationPreferences: {},
      }),
    ).toStrictEqual({
      serviceArn: SERVICE,
      findingReasonCodes: [],
      current: {},
      recommended: {},
      utilization: {},
      autoScaling: [],
    });
  });

  it("reads the Maximum statistic only (a statistic left out is the Maximum the API returns)", () => {
    expect(
      recommendationFromApi({
        ...SAMPLE,
        utilizationMetrics: [
          { name: "Cpu", statistic: "Average", value: 5.2 },
          { name: "Memory", statistic: "Average", value: 9.9 },
          { name: "Cpu", statistic: "Maximum", value: 14.6 },
          { name: "Memory", value: 17.1 },
        ],
      }).utilization,
    ).toStrictEqual({ cpuMaximum: 14.6, memoryMaximum: 17.1 });
    expect(
      recommendationFromApi({
        ...SAMPLE,
        utilizationMetrics: [{ name: "Memory", statistic: "Average", value: 9.9 }],
      }).utilization,
    ).toStrictEqual({});
  });

  it("takes the first option, one size at a time, a saving of 0 as stated and USD when no currency is given", () => {
    const read = recommendationFromApi({
      ...SAMPLE,
      currentServiceConfiguration: { cpu: 1024 },
      serviceRecommendationOptions: [
        { memory: 3072, savingsOpportunity: { estimatedMonthlySavings: { value: 0 } } },
        { cpu: 256, memory: 512 },
      ],
    });
    expect(read.current).toStrictEqual({ cpu: 1024 });
    expect(read.recommended).toStrictEqual({ memory: 3072 });
    expect(read.estimatedMonthlySavings).toStrictEqual({ currency: "USD", value: 0 });
    expect(
      recommendationFromApi({
        ...SAMPLE,
        currentServiceConfiguration: { memory: 4096 },
        serviceRecommendationOptions: [
          { cpu: 512, savingsOpportunity: { estimatedMonthlySavings: { currency: "CNY", value: 120.5 } } },
        ],
      }),
    ).toMatchObject({
      current: { memory: 4096 },
      recommended: { cpu: 512 },
      estimatedMonthlySavings: { currency: "CNY", value: 120.5 },
    });
  });

  it("keeps the target tracking the service scales on (Compute Optimizer then leaves that resource alone)", () => {
    expect(
      recommendationFromApi({
        ...SAMPLE,
        currentServiceConfiguration: {
          cpu: 2048,
          memory: 4096,
          autoScalingConfiguration: "TargetTrackingScalingCpu",
        },
      }).autoScaling,
    ).toStrictEqual(["TargetTrackingScalingCpu"]);
  });
});

describe("computeOptimizerView / computeOptimizerFailure: what a read tells the report", () => {
  const page = (arns: string[], extra: Partial<GetECSServiceRecommendationsResponse> = {}) => ({
    ecsServiceRecommendations: arns.map((arn) => fromWire(ecsServiceRecommendation(arn))),
    ...extra,
  });

  it("counts the recommendations of every page (one is singular), by service ARN", () => {
    const view = computeOptimizerView([page([SERVICE], { nextToken: "page-2" }), page([`${SERVICE}-v2`])]);
    expect(view.status).toBe("ok");
    expect(view.detail).toBe("2 ECS service recommendations");
    expect([...view.recommendations.keys()]).toEqual([SERVICE, `${SERVICE}-v2`]);
    expect(view.recommendations.get(SERVICE)).toStrictEqual(recommendationFromApi(SAMPLE));
    expect(computeOptimizerView([page([SERVICE])]).detail).toBe("1 ECS service recommendation");
    // A service listed twice is one; a recommendation without a service ARN names nothing.
    const twice = computeOptimizerView([
      page([SERVICE]),
      page([SERVICE]),
      { ecsServiceRecommendations: [{}] },
    ]);
    expect(twice.detail).toBe("1 ECS service recommendation");
    expect([...twice.recommendations.keys()]).toEqual([SERVICE]);
    expect(computeOptimizerView([{}]).detail).toBe("0 ECS service recommendations");
  });

  it("lists the errors the API returned with the recommendations, code and message", () => {
    expect(
      computeOptimizerView([
        page([SERVICE], {
          errors: [
            { identifier: "1", code: "InternalServerException", message: "An internal error occurred." },
          ],
        }),
        page([], {
          errors: [
            { identifier: "2", message: "Metrics unavailable." },
            { identifier: "3", code: "Throttled" },
          ],
        }),
      ]).detail,
    ).toBe(
      "1 ECS service recommendation; errors: InternalServerException: An internal error occurred.; error: Metrics unavailable.; Throttled:",
    );
  });

  it("tells an account that has not opted in, a role without the permission, and an endpoint that is not Compute Optimizer from a failure", () => {
    const $metadata = {};
    const pages = [page([SERVICE], { nextToken: "page-2" })];
    expect(
      computeOptimizerFailure(
        new OptInRequiredException({ message: "The account is not opted in.", $metadata }),
        [],
      ),
    ).toStrictEqual({
      status: "not-enabled",
      detail: "the account has not opted in to AWS Compute Optimizer",
      recommendations: new Map(),
    });
    const denied = computeOptimizerFailure(
      new AccessDeniedException({ message: "User is not authorized.", $metadata }),
      pages,
    );
    expect(denied).toMatchObject({
      status: "unavailable",
      detail: "no permission for compute-optimizer:GetECSServiceRecommendations",
    });
    // What was read before the failure still counts.
    expect([...denied.recommendations.keys()]).toEqual([SERVICE]);
    expect([
      ...computeOptimizerFailure(
        new OptInRequiredException({ message: "", $metadata }),
        pages,
      ).recommendations.keys(),
    ]).toEqual([SERVICE]);
    expect(computeOptimizerFailure(new SyntaxError("Unexpected token '<'"), [])).toMatchObject({
      status: "unavailable",
      detail: "the endpoint did not answer as Compute Optimizer (the response was not JSON)",
    });
  });

  it("names any other failure with its first line, cut at 120 characters", () => {
    const long = `Rate exceeded ${"x".repeat(150)}`;
    expect(
      computeOptimizerFailure(
        new ThrottlingException({ message: `${long}\nsecond line`, $metadata: {} }),
        [],
      ),
    ).toStrictEqual({
      status: "unavailable",
      detail: `GetECSServiceRecommendations failed (ThrottlingException: ${long.slice(0, 120)})`,
      recommendations: new Map(),
    });
    expect(
      computeOptimizerFailure(new ThrottlingException({ message: "Rate exceeded", $metadata: {} }), [])
        .detail,
    ).toBe("GetECSServiceRecommendations failed (ThrottlingException: Rate exceeded)");
  });
});

describe("compareWithComputeOptimizer: its figures next to ours, and why they differ", () => {
  it("gives its finding, size, saving and lookback, and the sizes and savings that differ", () => {
    expect(compareWithComputeOptimizer(ours(), theirs(), 14)).toStrictEqual({
      finding: "Overprovisioned",
      recommended: { cpu: 512, memory: 2048 },
      estimatedMonthlySavings: { currency: "USD", value: 88.2 },
      lookbackPeriodInDays: 14,
      differences: [SIZES_LINE, SAVINGS_LINE],
    });
  });

  it("says they agree when nothing differs, and gives none of its figures it does not state", () => {
    const same = {
      serviceArn: SERVICE,
      findingReasonCodes: [],
      current: {},
      utilization: {},
      autoScaling: [],
    };
    expect(compareWithComputeOptimizer(ours(), same, 14)).toStrictEqual({
      differences: ["the same size and capacity"],
    });
    expect(
      compareWithComputeOptimizer(
        ours(),
        { ...same, finding: "Optimized", recommended: { cpu: 512, memory: 1024 }, lookbackPeriodInDays: 14 },
        14,
      ),
    ).toStrictEqual({
      finding: "Optimized",
      recommended: { cpu: 512, memory: 1024 },
      lookbackPeriodInDays: 14,
      differences: ["the same size and capacity"],
    });
  });

  it("names a different capacity or architecture: EC2, Fargate Spot, Graviton", () => {
    const agree = theirs({ recommended: { cpu: 512, memory: 1024 } });
    const { estimatedMonthlySavings: _, ...noSaving } = agree;
    // Ours as recommend() gives it, with the capacity or architecture it chose for another service.
    expect(compareWithComputeOptimizer({ ...ours(), capacity: "EC2" }, noSaving, 14).differences).toEqual([
      "we compare Fargate with EC2 capacity and recommend EC2; Compute Optimizer sizes Fargate tasks only",
    ]);
    expect(
      compareWithComputeOptimizer({ ...ours(), capacity: "FARGATE_SPOT" }, noSaving, 14).differences,
    ).toEqual([
      "we price Fargate Spot (the service is tagged interruptible); Compute Optimizer prices On-Demand",
    ]);
    expect(
      compareWithComputeOptimizer({ ...ours(), architecture: "ARM64" }, noSaving, 14).differences,
    ).toEqual([
      "we also price Graviton (the images have linux/arm64); Compute Optimizer keeps the architecture",
    ]);
  });

  it("names a different lookback, and ours when its metrics cover less of it", () => {
    const lookback = (days: number, theirDays: number | undefined, hours?: number) => {
      const { lookbackPeriodInDays: _, ...noLookback } = theirs({ recommended: { cpu: 512, memory: 1024 } });
      const { estimatedMonthlySavings: __, ...them } = noLookback;
      return compareWithComputeOptimizer(
        ours(
          hours === undefined
            ? {}
            : { data: { from: "2026-11-24T00:00:00.000Z", to: "2026-11-25T00:00:00.000Z", hours } },
        ),
        theirDays === undefined ? them : { ...them, lookbackPeriodInDays: theirDays },
        days,
      ).differences;
    };
    expect(lookback(14, 32)).toEqual(["lookback: ours 14 days, Compute Optimizer's 32"]);
    expect(lookback(1, 14)).toEqual(["lookback: ours 1 day, Compute Optimizer's 14"]);
    expect(lookback(1, 14, 6)).toEqual([
      "lookback: ours 1 day (6 h of metrics in it), Compute Optimizer's 14",
    ]);
    expect(lookback(14, 14, 6)).toEqual([
      "lookback: ours 14 days (6 h of metrics in it), Compute Optimizer's 14",
    ]);
    expect(lookback(14, 32, 72)).toEqual([
      "lookback: ours 14 days (3 days of metrics in it), Compute Optimizer's 32",
    ]);
    // Metrics over the whole lookback, or no lookback stated by Compute Optimizer: nothing to say.
    expect(lookback(14, 14, 336)).toEqual(["the same size and capacity"]);
    expect(lookback(14, 14)).toEqual(["the same size and capacity"]);
    expect(lookback(14, undefined, 6)).toEqual(["the same size and capacity"]);
  });

  it("names our OOM floor when Compute Optimizer gives less memory than we keep (one stop is singular)", () => {
    const oom = (oomKills: number, memory: number | undefined) => {
      const { estimatedMonthlySavings: _, ...them } = theirs({
        recommended: memory === undefined ? { cpu: 512 } : { cpu: 512, memory },
      });
      return compareWithComputeOptimizer(ours({ oomKills }), them, 14).differences;
    };
    expect(ours({ oomKills: 1 })).toMatchObject({ need: { memory: 4096 }, size: { cpu: 512, memory: 4096 } });
    const sizes = (memory: number) =>
      `sizes: ours 512 CPU units / 4096 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's 512 CPU units / ${memory} MiB from its maximum utilisation (CPU 14.6 %, memory 17.1 %)`;
    expect(oom(1, 2048)).toEqual([
      "1 out-of-memory stop in our window: we never give the task less memory than it has (4096 MiB)",
      sizes(2048),
    ]);
    expect(oom(2, 4095)).toEqual([
      "2 out-of-memory stops in our window: we never give the task less memory than it has (4096 MiB)",
      sizes(4095),
    ]);
    // As much memory as we keep, or no memory size from Compute Optimizer: no floor to explain.
    expect(oom(1, 4096)).toEqual(["the same size and capacity"]);
    expect(oom(1, undefined)).toEqual(["the same size and capacity"]);
    // No OOM kill: less memory than we need is a size difference only.
    expect(oom(0, 512)).toEqual([
      "sizes: ours 512 CPU units / 1024 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's 512 CPU units / 512 MiB from its maximum utilisation (CPU 14.6 %, memory 17.1 %)",
    ]);
    const { estimatedMonthlySavings: _, ...smaller } = theirs();
    expect(compareWithComputeOptimizer(ours(), smaller, 14).differences).toEqual([SIZES_LINE]);
  });

  it("compares sizes one resource at a time, and says which Compute Optimizer does not size", () => {
    const sizes = (recommended: { cpu?: number; memory?: number }, utilization = {}) => {
      const { estimatedMonthlySavings: _, ...them } = theirs({ recommended, utilization });
      return compareWithComputeOptimizer(ours(), them, 14).differences;
    };
    expect(sizes({ cpu: 256, memory: 1024 }, { cpuMaximum: 14.6 })).toEqual([
      "sizes: ours 512 CPU units / 1024 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's 256 CPU units / 1024 MiB from its maximum utilisation (CPU 14.6 %, memory ? %)",
    ]);
    expect(sizes({ memory: 2048 })).toEqual([
      "sizes: ours 512 CPU units / 1024 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's CPU not sized / 2048 MiB from its maximum utilisation (CPU ? %, memory ? %)",
    ]);
    expect(sizes({ cpu: 1024 }, { memoryMaximum: 17.1 })).toEqual([
      "sizes: ours 512 CPU units / 1024 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's 1024 CPU units / memory not sized from its maximum utilisation (CPU ? %, memory 17.1 %)",
    ]);
    // The sizes it gives match ours, or it gives none: no size difference.
    expect(sizes({ cpu: 512 })).toEqual(["the same size and capacity"]);
    expect(sizes({ memory: 1024 })).toEqual(["the same size and capacity"]);
    expect(sizes({})).toEqual(["the same size and capacity"]);
    // No Fargate size of ours (nothing fits): nothing to compare.
    const { size: _, ...sizeless } = ours();
    const { estimatedMonthlySavings: __, ...them } = theirs();
    expect(compareWithComputeOptimizer(sizeless, them, 14).differences).toEqual([
      "the same size and capacity",
    ]);
  });

  it("names the target tracking Compute Optimizer does not size", () => {
    const { estimatedMonthlySavings: _, ...them } = theirs({
      recommended: { cpu: 512, memory: 1024 },
      autoScaling: ["TargetTrackingScalingMemory"],
    });
    expect(compareWithComputeOptimizer(ours(), them, 14).differences).toEqual([
      "Compute Optimizer does not size a resource the service scales on (TargetTrackingScalingMemory)",
    ]);
  });

  it("compares savings only where both have one, naming the source of Compute Optimizer's as the API states it", () => {
    const savings = (
      source?: string,
      saving: ComputeOptimizerRecommendation["estimatedMonthlySavings"] = undefined,
    ) => {
      const { savingsSource: _, ...them } = theirs({
        recommended: { cpu: 512, memory: 1024 },
        ...(saving ? { estimatedMonthlySavings: saving } : {}),
      });
      return compareWithComputeOptimizer(ours(), source ? { ...them, savingsSource: source } : them, 14)
        .differences;
    };
    const line = (theirText: string) =>
      `savings: ours $108.12/month from the price book (list prices, dated in the report); Compute Optimizer's ${theirText}`;
    expect(savings("PublicPricing")).toEqual([
      line("USD 88.20/month from public On-Demand pricing (savingsEstimationMode PublicPricing)"),
    ]);
    expect(savings("CostExplorerRightsizing")).toEqual([
      line(
        "USD 88.20/month from Cost Explorer rightsizing, after the account's discounts (savingsEstimationMode CostExplorerRightsizing)",
      ),
    ]);
    expect(savings("CostOptimizationHub", { currency: "CNY", value: 120.5 })).toEqual([
      line("CNY 120.50/month from Cost Optimization Hub (savingsEstimationMode CostOptimizationHub)"),
    ]);
    expect(savings("SomethingNew")).toEqual([
      line("USD 88.20/month from savingsEstimationMode SomethingNew"),
    ]);
    expect(savings()).toEqual([
      line("USD 88.20/month from a source the API does not state (no savingsEstimationMode)"),
    ]);
    // Ours without a saving (nothing priced): no comparison of savings.
    const { saving: _, ...unpriced } = ours();
    expect(
      compareWithComputeOptimizer(unpriced, theirs({ recommended: { cpu: 512, memory: 1024 } }), 14)
        .differences,
    ).toEqual(["the same size and capacity"]);
  });
});
