import { describe, expect, it } from "vitest";
import { priceAgeDays } from "../../../core/pricing/PriceSource.ts";
import type { FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import { planClusterCapacity } from "../../../core/rightsize/clusterCapacity.ts";
import { rightsizeMessage } from "../../../core/rightsize/messages.ts";
import { distribution } from "../../../core/rightsize/percentiles.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import { recommend } from "../../../core/rightsize/recommend.ts";
import { toHtml, toMarkdown } from "../../../core/rightsize/reports.ts";

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
      data: { hours: 0 },
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

    // A retry tells the steps its earlier attempt took (which may have died before telling them),
    // in the text and a section of their own, apart from this attempt's.
    const retold = rightsizeMessage(
      report,
      ["shop/pantry: 4096/8192 → 2048/8192 (pantry:2)"],
      [],
      [],
      ["shop/larder: 4096/8192 → 2048/8192 (by an earlier attempt of this run)"],
    );
    expect(retold.text).toBe(
      "Right-sizing: $0.00/month to save across 0 services; 1 stepped down; 1 stepped down by an earlier attempt",
    );
    const sections = retold.blocks.map((b) => JSON.stringify(b));
    expect(sections.filter((b) => b.includes("shop/larder"))).toEqual([
      expect.stringContaining(
        "Applied by an earlier attempt of this run (`autopilot:rightsize=apply`):\\n• shop/larder: 4096/8192 → 2048/8192 (by an earlier attempt of this run)",
      ),
    ]);
    expect(sections.filter((b) => b.includes("shop/pantry"))).toEqual([
      expect.stringContaining("Applied (`autopilot:rightsize=apply`):\\n• shop/pantry"),
    ]);
  });

  it("says how much metrics the figures rest on, wherever they are shown, when it is less than the lookback", () => {
    // Six hours of 5-minute periods (the sandbox's window) in a 14-day lookback.
    const cpu = distribution(Array.from({ length: 72 }, () => 300));
    const memory = distribution(Array.from({ length: 72 }, () => 700));
    if (!cpu || !memory) throw new Error("no samples");
    const data = { from: "2026-11-26T01:00:00.000Z", to: "2026-11-26T07:00:00.000Z", hours: 6 };
    const r = recommend(
      {
        facts: {
          serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/api",
          clusterName: "prod",
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
        data,
      },
      PRICES,
      [],
    );
    expect(r.reason).toContain("(p99 0.29 vCPU and peak 0.7 GiB per task, 2 tasks over 6 h of metrics)");
    const report: FleetReport = {
      generatedAt: AT.toISOString(),
      region: "eu-west-1",
      lookbackDays: 14,
      data,
      prices: { region: "eu-west-1", source: PRICES.source, sources: [] },
      recommendations: [r],
      unmeasured: [],
      totals: { currentMonthly: 0, recommendedMonthly: 0, saving: r.saving ?? 0, ifBuiltForArm64: 0 },
      clusters: [],
      computeOptimizer: { status: "unavailable", detail: "not asked" },
    };
    const caveat =
      "The figures rest on 6 h of metrics (2026-11-26 01:00 to 2026-11-26 07:00 UTC), not 14 days: a daily or weekly pattern outside that window is not in them.";
    const slack = rightsizeMessage(report);
    expect(JSON.stringify(slack.blocks[0])).toContain("Right-sizing (eu-west-1, 6 h of metrics in 14 days)");
    expect(JSON.stringify(slack.blocks)).toContain(caveat);
    const markdown = toMarkdown(report);
    expect(markdown.split("\n")[0]).toBe(
      "# Right-sizing report (eu-west-1, 14-day lookback, 6 h of metrics, 2026-11-26)",
    );
    expect(markdown).toContain(caveat);
    expect(toHtml(report)).toContain(`<p class="risk-medium">${caveat}</p>`);
    // Metrics that cover the lookback need no caveat.
    expect(toMarkdown({ ...report, data: { ...data, hours: 14 * 24 } })).not.toContain("The figures rest on");
  });
});
