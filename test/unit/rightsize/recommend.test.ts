import { describe, expect, it } from "vitest";
import type { FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import { rightsizeMessage } from "../../../core/rightsize/messages.ts";
import { distribution } from "../../../core/rightsize/percentiles.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import type { ServiceFacts, ServiceProfile } from "../../../core/rightsize/profile.ts";
import { recommend } from "../../../core/rightsize/recommend.ts";
import { toMarkdown } from "../../../core/rightsize/reports.ts";

const facts = (extra: Partial<ServiceFacts> = {}): ServiceFacts => ({
  serviceArn: "arn:aws:ecs:us-east-1:123456789012:service/prod/indexer",
  clusterName: "prod",
  serviceName: "indexer",
  runsOn: "FARGATE",
  desiredCount: 2,
  taskCpu: 1024,
  taskMemory: 2048,
  architecture: "X86_64",
  ec2Only: [],
  interruptible: false,
  rightsizeMode: "report",
  ...extra,
});

/** Two tasks always on, using 300 CPU units and 700 MiB: the need is 360 / 840 → 0.5 vCPU / 1 GB. */
function profile(f: ServiceFacts): ServiceProfile {
  const cpu = distribution(Array.from({ length: 24 }, () => 300));
  const memory = distribution(Array.from({ length: 24 }, () => 700));
  if (!cpu || !memory) throw new Error("no samples");
  return {
    facts: f,
    cpu,
    memory,
    memoryPeak: 700,
    burstiness: 1,
    dutyCycle: 1,
    tasks: { min: 2, max: 2, mean: 2 },
    oomKills: 0,
    steady: true,
  };
}

describe("recommend: Fargate ephemeral storage", () => {
  it("adds storage above the included 20 GiB at the bundled rate (us-east-1, AWS offer file 2025-08-28)", () => {
    const r = recommend(profile(facts({ ephemeralStorageGiB: 50 })), bundledPriceBook("us-east-1"), []);
    // (0.5 × $0.04048 + 1 × $0.004445 + 30 GiB × $0.000111) × 2 tasks × 730 h.
    const hourly = 0.5 * 0.04048 + 0.004445 + 30 * 0.000111;
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 512, memory: 1024 } });
    expect(r.recommendedMonthly).toBe(Math.round(hourly * 2 * 730 * 100) / 100);
    expect(r.reason).not.toContain("ephemeral storage");
  });

  it("says so where no storage rate is bundled, and prices Fargate without it (a lower bound)", () => {
    const r = recommend(profile(facts({ ephemeralStorageGiB: 50 })), bundledPriceBook("eu-central-1"), []);
    expect(r.recommendedMonthly).toBe(Math.round((0.5 * 0.04656 + 0.00511) * 2 * 730 * 100) / 100);
    expect(r.reason).toContain(
      "Fargate ephemeral storage above 20 GiB (the task asks for 50 GiB) is not priced for eu-central-1: Fargate figures are lower bounds.",
    );
  });

  it("costs nothing extra up to 20 GiB", () => {
    const r = recommend(profile(facts({ ephemeralStorageGiB: 20 })), bundledPriceBook("eu-central-1"), []);
    expect(r.recommendedMonthly).toBe(Math.round((0.5 * 0.04656 + 0.00511) * 2 * 730 * 100) / 100);
    expect(r.reason).not.toContain("ephemeral");
  });
});

describe("recommend: what a task needs", () => {
  it("sizes CPU on p99 with 20 % headroom, not on p95", () => {
    // 100 periods: 95 at 300 units, then 400, 500, 600, 700, 1000 → p95 = 305, p99 = 703.
    const cpu = distribution([...Array.from({ length: 95 }, () => 300), 400, 500, 600, 700, 1000]);
    if (!cpu) throw new Error("no samples");
    expect(cpu.p95).toBeCloseTo(305, 9);
    expect(cpu.p99).toBeCloseTo(703, 9);
    const r = recommend({ ...profile(facts()), cpu }, bundledPriceBook("us-east-1"), []);
    // ceil(703 × 1.2) = 844 units → 1 vCPU; on p95 it would be ceil(305 × 1.2) = 366 → 0.5 vCPU.
    expect(r.need).toEqual({ cpu: 844, memory: 840 });
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 1024, memory: 2048 } });
  });

  it("keeps the current memory after a single OOM kill instead of sizing it down to the peak", () => {
    const oomed = { ...profile(facts()), oomKills: 1 };
    const r = recommend(oomed, bundledPriceBook("us-east-1"), []);
    expect(r.need).toEqual({ cpu: 360, memory: 2048 });
    expect(r).toMatchObject({ capacity: "FARGATE", size: { cpu: 512, memory: 2048 } });
    expect(recommend(profile(facts()), bundledPriceBook("us-east-1"), []).need).toEqual({
      cpu: 360,
      memory: 840,
    });
  });
});

describe("recommend: an EC2 plan names the task size it packs", () => {
  it("tells Slack and the Markdown report what each task must reserve, and what today's size would fit", () => {
    // The sandbox's ledger: 12 tasks of 4 vCPU / 8 GiB using 3,100 units and 6,000 MiB all the time.
    const cpu = distribution(Array.from({ length: 72 }, () => 3100));
    const memory = distribution(Array.from({ length: 72 }, () => 6000));
    if (!cpu || !memory) throw new Error("no samples");
    const ledger: ServiceProfile = {
      facts: facts({ serviceName: "ledger", taskCpu: 4096, taskMemory: 8192 }),
      cpu,
      memory,
      memoryPeak: 6000,
      burstiness: 1,
      dutyCycle: 1,
      tasks: { min: 12, max: 12, mean: 12 },
      oomKills: 0,
      steady: true,
    };
    const c5 = { instanceType: "c5.4xlarge", vcpus: 16, memory: 32768, architecture: "x86_64" as const };
    const r = recommend(ledger, bundledPriceBook("us-east-1"), [c5]);
    expect(r.capacity).toBe("EC2");
    expect(r.ec2?.instances).toBe(3);
    expect(r.ec2?.taskReservation).toEqual({ cpu: 3720, memory: 7200 });
    expect(r.ec2?.atCurrentSize).toMatchObject({ tasks: 9, of: 12 });
    const sentence =
      "3 × c5.4xlarge with each task reserving 3720 CPU units / 7200 MiB (today 4096 / 8192: these instances hold 9 of 12 at that size)";
    expect(r.reason).toContain(sentence);
    const report: FleetReport = {
      generatedAt: "2026-11-26T07:00:00.000Z",
      region: "us-east-1",
      lookbackDays: 14,
      data: { hours: 0 },
      prices: { region: "us-east-1", source: "bundled", sources: [] },
      recommendations: [r],
      unmeasured: [],
      totals: { currentMonthly: 0, recommendedMonthly: 0, saving: r.saving ?? 0, ifBuiltForArm64: 0 },
      clusters: [],
      computeOptimizer: { status: "unavailable", detail: "not asked" },
    };
    expect(JSON.stringify(rightsizeMessage(report).blocks)).toContain(sentence);
    const markdown = toMarkdown(report);
    expect(markdown).toContain("| EC2 3 × c5.4xlarge, tasks 3720 CPU / 7200 MiB |");
    expect(r.reason).toContain("30301 MiB usable per instance estimated (no cluster here runs c5.4xlarge)");
    expect(markdown).toContain(
      "  memory per instance: 30301 MiB of 32768 is an estimate (no cluster of this account runs c5.4xlarge): installed memory less 2.5 % for the kernel and platform (AWS Batch User Guide: an m4.large registers 7,985 of 8,192 MiB) and the 5 % buffer AWS recommends for the ECS agent and system processes (ECS_RESERVED_MEMORY)",
    );
    expect(markdown).toContain(
      "  task definition: cpu 3720, memory 7200 (MiB) per task — the packing holds only if each task reserves this; at today's 4096 / 8192 these instances hold 9 of 12 tasks",
    );
  });
});
