import { describe, expect, it } from "vitest";
import {
  type ComputeOptimizerRecommendation,
  compareWithComputeOptimizer,
} from "../../../core/rightsize/computeOptimizerView.ts";
import { distribution } from "../../../core/rightsize/percentiles.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import { recommend } from "../../../core/rightsize/recommend.ts";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/web/api";

function ours() {
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
    },
    bundledPriceBook("eu-west-1"),
    [],
  );
}

const theirs = (savingsSource?: string): ComputeOptimizerRecommendation => ({
  serviceArn: SERVICE,
  finding: "Overprovisioned",
  findingReasonCodes: [],
  current: { cpu: 2048, memory: 4096 },
  recommended: { cpu: 512, memory: 1024 },
  estimatedMonthlySavings: { currency: "USD", value: 88.2 },
  ...(savingsSource ? { savingsSource } : {}),
  utilization: {},
  autoScaling: [],
});

describe("compareWithComputeOptimizer", () => {
  it("names the source of Compute Optimizer's saving as the API states it, never assumes Cost Explorer", () => {
    const savings = (source?: string) =>
      compareWithComputeOptimizer(ours(), theirs(source), 14).differences.find((d) =>
        d.startsWith("savings:"),
      );
    expect(savings("PublicPricing")).toMatch(
      /Compute Optimizer's USD 88\.20\/month from public On-Demand pricing \(savingsEstimationMode PublicPricing\)$/,
    );
    expect(savings("CostExplorerRightsizing")).toMatch(
      /from Cost Explorer rightsizing, after the account's discounts \(savingsEstimationMode CostExplorerRightsizing\)$/,
    );
    expect(savings()).toMatch(/from a source the API does not state \(no savingsEstimationMode\)$/);
  });
});
