import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { runCli } from "../../support/cli.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

const cli = (...args: string[]) => runCli(args);

// Test prices for the CLI's --prices file; the figures below are derived from them by hand.
const PRICES = {
  source: "test price file",
  fargate: { X86_64: { vcpuHour: 0.04, gbHour: 0.005 } },
  ec2: { "m6i.large": 0.1 },
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
    // Two tasks using 300 CPU units and 700 MiB each, every 5 minutes for the last two hours.
    const now = Date.now();
    await putContainerInsights(
      world.insight.cloudwatch,
      "web",
      "api",
      Array.from({ length: 24 }, (_, i) => ({
        at: new Date(now - (i + 1) * 300_000),
        tasks: 2,
        cpu: 300,
        memory: 700,
      })),
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
    expect(report.prices.source).toBe("test price file");
    const [api] = report.recommendations;
    // Need per task: 300 × 1.2 = 360 units, 700 × 1.2 = 840 MiB → 0.5 vCPU / 1 GiB.
    expect(api).toMatchObject({
      profile: { facts: { clusterName: "web", serviceName: "api" } },
      capacity: "FARGATE",
      size: { cpu: 512, memory: 1024 },
    });
    const hourly = (vcpu: number, gb: number) => vcpu * 0.04 + gb * 0.005;
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
        new RegExp(`^wrote ${out}: 1 services, saving \\$\\d+\\.\\d{2}/month\\n$`),
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
      /^prices: the Pricing API is not reachable \(.+\); using the bundled prices\n$/,
    );
    expect(JSON.parse(result.stdout).prices.source).toMatch(/^bundled: /);
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
