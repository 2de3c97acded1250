import { describe, expect, it } from "vitest";
import { priceAgeDays } from "../../../core/pricing/PriceSource.ts";
import type { FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import { planClusterCapacity } from "../../../core/rightsize/clusterCapacity.ts";
import { rightsizeMessage } from "../../../core/rightsize/messages.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";

const AT = new Date("2026-11-26T07:00:00Z");
const PRICES = bundledPriceBook("eu-west-1");

describe("the weekly Slack summary", () => {
  it("names every price source with its age, flags old ones, and carries cluster findings and Compute Optimizer's status", () => {
    const cluster = planClusterCapacity(
      {
        clusterName: "batch",
        instances: [true, false].map((connected, i) => ({
          arn: `arn:aws:ecs:eu-west-1:123456789012:container-instance/batch/${i}`,
          ec2InstanceId: `i-${i}`,
          instanceType: "c6i.large",
          status: "ACTIVE",
          agentConnected: connected,
          registered: { cpu: 2048, memory: 3600 },
          remaining: { cpu: 2048, memory: 3600 },
          runningTasks: 0,
        })),
        tasks: [],
        providers: [],
        services: [],
      },
      PRICES.ec2,
    );
    const report: FleetReport = {
      generatedAt: AT.toISOString(),
      region: "eu-west-1",
      lookbackDays: 14,
      prices: {
        region: "eu-west-1",
        source: PRICES.source,
        sources: (PRICES.sources ?? []).map((s) => ({ ...s, ageDays: priceAgeDays(s.asOf, AT) })),
      },
      recommendations: [],
      unmeasured: [],
      totals: { currentMonthly: 0, recommendedMonthly: 0, saving: 0, ifBuiltForArm64: 0 },
      clusters: [cluster],
      computeOptimizer: {
        status: "not-enabled",
        detail: "the account has not opted in to AWS Compute Optimizer",
      },
    };
    const text = JSON.stringify(rightsizeMessage(report).blocks);
    expect(text).toContain(
      "EC2 On-Demand Linux eu-west-1: vantage-sh/ec2instances.info@a19cd85 (2024-04-04, 966 days old)",
    );
    expect(text).toContain(
      "Fargate On-Demand arm64 eu-west-1: ligoj/plugin-prov-aws@fe58e06 (2022-08-18, 1561 days old)",
    );
    expect(text).toContain(
      "oldest prices are 1561 days old (Fargate On-Demand arm64 eu-west-1): refresh with `npm run prices:update`",
    );
    // c6i.large $0.0912/hour (ec2instances.info 2024-04-04) × 730: the disconnected one, and the idle one.
    expect(text).toContain(
      "*batch*: 1 instance with a disconnected ECS agent (ECS places nothing there) cost $66.58/month",
    );
    expect(text).toContain(
      "Compute Optimizer: not-enabled (the account has not opted in to AWS Compute Optimizer)",
    );
  });
});
