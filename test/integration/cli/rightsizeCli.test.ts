import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { runCli } from "../../support/cli.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

const cli = (...args: string[]) => runCli(args);

// A --prices file as a user writes one: eu-west-1 figures copied from the bundled table with their source and date.
const PRICES = {
  source: "theuves/fgcalc@dac946d:src/utils/data.js and vantage-sh/ec2instances.info@a19cd85",
  asOf: "2026-09-29",
  fargate: { X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 } },
  ec2: { "m6i.large": 0.107 },
};

let world: World;
const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-rightsize-"));
const pricesFile = join(dir, "prices.json");

describe("ecs-autopilot rightsize report", () => {
  beforeAll(async () => {
    world = await createWorld();
    writeFileSync(pricesFile, JSON.stringify(PRICES));
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "web",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    await createService(world.clients, {
      cluster: "web",
      name: "api",
      launchType: "FARGATE",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/api", "1.0.0"), essential: true }],
      taskDefinition: { cpu: "2048", memory: "4096" },
    });
    // A steady fleet: 12 tasks of 4 vCPU / 8 GB using 3,100 CPU units and 6,000 MiB each.
    await createService(world.clients, {
      cluster: "web",
      name: "ledger",
      launchType: "FARGATE",
      desiredCount: 12,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/ledger", "1.0.0"), essential: true }],
      taskDefinition: { cpu: "4096", memory: "8192" },
    });
    // Every 5 minutes for the last two hours: api runs 2 tasks using 300 CPU units and 700 MiB each.
    const now = Date.now();
    for (const [service, tasks, cpu, memory] of [
      ["api", 2, 300, 700],
      ["ledger", 12, 3100, 6000],
    ] as const)
      await putContainerInsights(
        world.insight.cloudwatch,
        "web",
        service,
        Array.from({ length: 24 }, (_, i) => ({ at: new Date(now - (i + 1) * 300_000), tasks, cpu, memory })),
      );
  }, 60_000);

  it("prints JSON with the smaller valid size and the saving, from a price file", async () => {
    const result = await cli(
      "rightsize",
      "report",
      "--format",
      "json",
      "--days",
      "1",
      "--prices",
      pricesFile,
      "--table",
      world.tableName,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.prices.source).toBe(PRICES.source);
    expect(report.prices.sources[0]).toMatchObject({
      what: "EC2 On-Demand Linux",
      asOf: "2026-09-29",
      source: PRICES.source,
    });
    const api = report.recommendations.find(
      (r: { profile: { facts: { serviceName: string } } }) => r.profile.facts.serviceName === "api",
    );
    // Need per task: 300 × 1.2 = 360 units, 700 × 1.2 = 840 MiB → 0.5 vCPU / 1 GiB.
    expect(api).toMatchObject({
      profile: { facts: { clusterName: "web", serviceName: "api" } },
      capacity: "FARGATE",
      size: { cpu: 512, memory: 1024 },
    });
    const hourly = (vcpu: number, gb: number) => vcpu * 0.04048 + gb * 0.004445;
    // 2 tasks, always on (730 h/month): 2 vCPU/4 GB now, 0.5 vCPU/1 GB recommended.
    expect(api.currentMonthly).toBeCloseTo(hourly(2, 4) * 2 * 730, 2);
    expect(api.recommendedMonthly).toBeCloseTo(hourly(0.5, 1) * 2 * 730, 2);
  }, 60_000);

  it("writes Markdown and HTML to --out and says what it wrote", async () => {
    for (const format of ["md", "html"]) {
      const out = join(dir, `report.${format}`);
      const common = ["--days", "1", "--prices", pricesFile, "--table", world.tableName, "--out", out];
      const result = await cli("rightsize", "report", "--format", format, ...common);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^wrote ${out}: 2 services, saving \\$\\d+\\.\\d{2}/month\\n$`),
      );
      const written = readFileSync(out, "utf8");
      expect(written).toContain("api");
      if (format === "html") expect(written).toMatch(/^<!doctype html>/i);
      else expect(written).toMatch(/^# /);
    }
  }, 60_000);

  it("falls back to the bundled prices, and says so, when the Pricing API does not answer", async () => {
    // moto has no Pricing API: the CLI's GetProducts call fails against it.
    const result = await cli(
      "rightsize",
      "report",
      "--format",
      "json",
      "--days",
      "1",
      "--table",
      world.tableName,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^prices: the Pricing API is not reachable \(the endpoint did not answer as the Pricing API: the response was not JSON\); using the bundled prices, each named in the report with its date\n$/,
    );
    const report = JSON.parse(result.stdout);
    expect(report.region).toBe("eu-west-1");
    expect(report.prices.source).toMatch(/^bundled: /);
    // The prices it used, each with its date and age (the EC2 table is a 2024 snapshot).
    expect(report.prices.sources.map((s: { what: string; asOf: string }) => [s.what, s.asOf])).toEqual([
      ["EC2 On-Demand Linux", "2024-04-04"],
      ["Fargate On-Demand x86_64", "2026-09-29"],
      ["Fargate On-Demand arm64", "2022-08-18"],
      ["Fargate Spot x86_64", "2026-09-29"],
      ["Fargate ephemeral storage", "2022-08-18"],
    ]);
    expect(report.prices.sources[0].ageDays).toBeGreaterThanOrEqual(966);
    // With no Pricing API, eu-west-1 still prices both and recommends either:
    // ledger (12 × 3,720 units / 7,200 MiB) → 3 × c6i.4xlarge at $0.7296/h = $1,597.82 < Fargate 12 × 4 vCPU / 8 GB $1,729.93;
    // api (2 × 360 / 840) → Fargate 0.5 vCPU / 1 GB $36.04.
    const byName = Object.fromEntries(
      report.recommendations.map((r: { profile: { facts: { serviceName: string } } }) => [
        r.profile.facts.serviceName,
        r,
      ]),
    );
    expect(byName.ledger).toMatchObject({
      capacity: "EC2",
      ec2: { instances: 3, instance: { instanceType: "c6i.4xlarge" } },
      recommendedMonthly: Math.round(3 * 0.7296 * 730 * 100) / 100,
      currentMonthly: Math.round((4 * 0.04048 + 8 * 0.004445) * 12 * 730 * 100) / 100,
    });
    expect(byName.api).toMatchObject({
      capacity: "FARGATE",
      size: { cpu: 512, memory: 1024 },
      recommendedMonthly: Math.round((0.5 * 0.04048 + 0.004445) * 2 * 730 * 100) / 100,
    });
    // The JSON report leaves the raw series to the HTML one.
    expect(report.series).toBeUndefined();
  }, 60_000);

  it("rejects bad input with the field at fault and a non-zero exit", async () => {
    const bad = join(dir, "bad-prices.json");
    writeFileSync(bad, JSON.stringify({ ec2: { "m6i.large": "cheap" } }));
    const cases: [string[], RegExp][] = [
      [["--prices", bad], /price file .*bad-prices\.json: ec2\.m6i\.large: .*number/],
      [["--days", "0"], /--days must be a whole number from 1 to 63, not '0'/],
      [["--format", "pdf"], /--format/],
    ];
    for (const [args, message] of cases) {
      const result = await cli("rightsize", "report", "--table", world.tableName, ...args);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    }
  }, 60_000);
});
