import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { FleetReport } from "../../../core/rightsize/analyzeFleet.ts";
import type { ServiceFacts } from "../../../core/rightsize/profile.ts";
import { toHtml, toMarkdown } from "../../../core/rightsize/reports.ts";
import { launchBrowser } from "../../support/browser.ts";

const facts = (serviceName: string): ServiceFacts => ({
  serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/prod/${serviceName}`,
  clusterName: "prod",
  serviceName,
  runsOn: "FARGATE",
  desiredCount: 2,
  taskCpu: 2048,
  taskMemory: 4096,
  architecture: "X86_64",
  ec2Only: [],
  interruptible: false,
  rightsizeMode: "report",
});
const distribution = { p50: 250, p95: 290, p99: 300, max: 320, mean: 260, variation: 0.1, samples: 24 };
const REPORT: FleetReport = {
  generatedAt: "2026-11-25T00:00:00.000Z",
  region: "us-east-1",
  lookbackDays: 14,
  prices: { region: "us-east-1", source: "test" },
  unmeasured: [],
  totals: { currentMonthly: 288.32, recommendedMonthly: 72.08, saving: 216.24 },
  recommendations: ["checkout", "search"].map((name) => ({
    profile: {
      facts: facts(name),
      cpu: distribution,
      memory: { ...distribution, p50: 600, p95: 680, p99: 690, max: 700 },
      memoryPeak: 700,
      burstiness: 1.2,
      dutyCycle: 1,
      tasks: { min: 2, max: 2, mean: 2 },
      oomKills: 0,
      steady: true,
    },
    need: { cpu: 360, memory: 840 },
    capacity: "FARGATE" as const,
    size: { cpu: 512, memory: 1024 },
    currentMonthly: 144.16,
    recommendedMonthly: 36.04,
    saving: 108.12,
    risk: "medium" as const,
    reason:
      "Sized work (p99 0.29 vCPU and peak 0.68 GiB per task, 2 tasks): Fargate 0.5 vCPU / 1 GiB at $36.04/month.",
  })),
};

describe("the HTML report", () => {
  it("renders its charts in headless Chromium", async () => {
    const dir = resolve(import.meta.dirname, "..", "..", "..", "reports");
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, "rightsize-test.html");
    writeFileSync(file, toHtml(REPORT));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      const charts = await page.$$eval("svg.chart", (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const shapes = [...svg.querySelectorAll("rect, line")]
            .map((s) => s.getBoundingClientRect())
            .filter((b) => b.width > 0 || b.height > 0);
          return {
            kind: svg.getAttribute("class"),
            width: Math.round(box.width),
            height: Math.round(box.height),
            drawn: shapes.length,
          };
        }),
      );
      // One cost chart, then CPU and memory for each of the two services.
      expect(charts.map((c) => c.kind)).toEqual([
        "chart cost",
        "chart distribution",
        "chart distribution",
        "chart distribution",
        "chart distribution",
      ]);
      expect(charts.every((c) => c.width > 100 && c.height > 40 && c.drawn >= 2)).toBe(true);
      await page.screenshot({ path: resolve(dir, "rightsize-test.png") });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("has a Markdown twin with the same figures", () => {
    const markdown = toMarkdown(REPORT);
    expect(markdown).toContain("Fleet: $288.32/month now, $72.08/month recommended, saving $216.24/month.");
    expect(markdown).toContain(
      "| prod/checkout | FARGATE 2 vCPU / 4 GiB | Fargate 0.5 vCPU / 1 GiB | $144.16 | $36.04 | $108.12 | medium |",
    );
  });
});
