import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { FleetReport, UsageSeries } from "../../../core/rightsize/analyzeFleet.ts";
import type { InstanceShape } from "../../../core/rightsize/binPacking.ts";
import { planClusterCapacity } from "../../../core/rightsize/clusterCapacity.ts";
import { distribution } from "../../../core/rightsize/percentiles.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import type { ServiceFacts, ServiceProfile } from "../../../core/rightsize/profile.ts";
import { recommend } from "../../../core/rightsize/recommend.ts";
import { toHtml, toMarkdown } from "../../../core/rightsize/reports.ts";
import { launchBrowser } from "../../support/browser.ts";

const END = new Date("2026-11-25T00:00:00Z");
const PRICES = bundledPriceBook("us-east-1");
/** Shapes as DescribeInstanceTypes gives them (moto serves AWS's instance type data). */
const CANDIDATES: InstanceShape[] = [
  { instanceType: "c6i.2xlarge", vcpus: 8, memory: 16384, architecture: "x86_64" },
  { instanceType: "m6i.2xlarge", vcpus: 8, memory: 32768, architecture: "x86_64" },
];

const facts = (serviceName: string, cpu: number, memory: number): ServiceFacts => ({
  serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/prod/${serviceName}`,
  clusterName: "prod",
  serviceName,
  runsOn: "FARGATE",
  desiredCount: 2,
  taskCpu: cpu,
  taskMemory: memory,
  architecture: "X86_64",
  ec2Only: [],
  interruptible: false,
  rightsizeMode: "report",
});

/** 14 days of hourly usage per task: a daily wave, so the chart has something to show. */
function usage(base: number, swing: number): number[] {
  return Array.from({ length: 14 * 24 }, (_, h) =>
    Math.round(base + swing * Math.sin((h / 24) * 2 * Math.PI)),
  );
}
const T = Array.from({ length: 14 * 24 }, (_, h) => END.getTime() / 1000 - (14 * 24 - h) * 3600);

function profileOf(f: ServiceFacts, cpu: number[], memory: number[], tasks: number): ServiceProfile {
  const c = distribution(cpu);
  const m = distribution(memory);
  if (!c || !m) throw new Error("no samples");
  return {
    facts: f,
    cpu: c,
    memory: m,
    memoryPeak: m.max,
    burstiness: c.p99 / c.p50,
    dutyCycle: 1,
    tasks: { min: tasks, max: tasks, mean: tasks },
    oomKills: 0,
    steady: c.variation < 0.25,
  };
}

const checkout = {
  facts: facts("checkout", 2048, 4096),
  cpu: usage(260, 40),
  memory: usage(650, 50),
  tasks: 2,
};
const search = {
  facts: facts("search", 4096, 8192),
  cpu: usage(3000, 150),
  memory: usage(6500, 300),
  tasks: 12,
};
// A small worker: its charts' ticks come in quarters ("0.75 vCPU"), the widest y-axis labels here.
const worker = {
  facts: facts("worker", 1024, 2048),
  cpu: usage(100, 20),
  memory: usage(600, 50),
  tasks: 2,
};
const recommendations = [search, checkout, worker].map((s) =>
  recommend(profileOf(s.facts, s.cpu, s.memory, s.tasks), PRICES, CANDIDATES),
);
const series: Record<string, UsageSeries> = Object.fromEntries(
  [checkout, search, worker].map((s) => [s.facts.serviceArn, { t: T, cpu: s.cpu, memory: s.memory }]),
);
const sum = (pick: (r: (typeof recommendations)[number]) => number | undefined) =>
  Math.round(recommendations.reduce((n, r) => n + (pick(r) ?? 0), 0) * 100) / 100;
const REPORT: FleetReport = {
  generatedAt: END.toISOString(),
  region: "us-east-1",
  lookbackDays: 14,
  // 14 days of hourly points: the metrics cover the lookback.
  data: { from: new Date((T[0] ?? 0) * 1000).toISOString(), to: END.toISOString(), hours: 14 * 24 },
  prices: {
    region: "us-east-1",
    source: PRICES.source,
    sources: (PRICES.sources ?? []).map((s) => ({ ...s, ageDays: 100 })),
  },
  unmeasured: [],
  recommendations,
  totals: {
    currentMonthly: sum((r) => r.currentMonthly),
    recommendedMonthly: sum((r) => r.recommendedMonthly),
    saving: sum((r) => r.saving),
    ifBuiltForArm64: 0,
  },
  clusters: [
    // A c6i.large cluster: one idle instance, one whose agent is disconnected (the findings' long lines).
    planClusterCapacity(
      {
        clusterName: "batch",
        instances: [true, false].map((connected, i) => ({
          arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/batch/${i}`,
          ec2InstanceId: `i-0${i}`,
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
    ),
  ],
  computeOptimizer: {
    status: "not-enabled",
    detail: "the account has not opted in to AWS Compute Optimizer",
  },
  series,
};

describe("the HTML report", () => {
  it("opens offline in headless Chromium: sortable summary, uPlot charts with axes, units and legend, no console errors", async () => {
    // The two recommendations the page shows: search moves to EC2, checkout shrinks on Fargate.
    expect(recommendations.map((r) => [r.profile.facts.serviceName, r.capacity])).toEqual([
      ["search", "EC2"],
      ["checkout", "FARGATE"],
      ["worker", "FARGATE"],
    ]);
    const dir = resolve(import.meta.dirname, "..", "..", "..", "reports");
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, "rightsize-test.html");
    const html = toHtml(REPORT);
    writeFileSync(file, html);
    // One file: uPlot is inlined, nothing is fetched.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/i);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
      });
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(
        () => (globalThis as unknown as { rightsizeCharts?: unknown[] }).rightsizeCharts,
      );

      // Sortable summary table: by saving, descending then ascending.
      const column = (index: number) =>
        page.$$eval(
          `#summary tbody tr`,
          (rows, i) => rows.map((r) => r.querySelectorAll("td")[i]?.textContent),
          index,
        );
      const savings = recommendations.map((r) => `$${(r.saving ?? 0).toFixed(2)}`);
      await page.click("#summary th:nth-child(6)");
      expect(await column(5)).toEqual([...savings].sort((a, b) => Number(b.slice(1)) - Number(a.slice(1))));
      expect(await page.getAttribute("#summary th:nth-child(6)", "aria-sort")).toBe("descending");
      await page.click("#summary th:nth-child(6)");
      expect(await column(5)).toEqual([...savings].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
      await page.click("#summary th:nth-child(1)");
      expect(await column(0)).toEqual(["prod/worker", "prod/search", "prod/checkout"]);

      const charts = await page.evaluate(() => {
        type Plot = {
          axes: Array<{ label?: string; _size?: number }>;
          series: Array<{ label?: string; stroke?: unknown }>;
          ctx: { canvas: { width: number; height: number } };
          root: { querySelectorAll: (s: string) => ArrayLike<{ textContent: string | null }> };
        };
        // This runs in the page; the project compiles without the DOM library, so the page's globals are typed here.
        type Reader = {
          drawImage(source: unknown, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
        const page = globalThis as unknown as {
          rightsizeCharts: Array<{ id: string; kind: string; points: number; plot: Plot }>;
          document: {
            createElement(tag: "canvas"): {
              width: number;
              height: number;
              getContext(kind: "2d", options: { willReadFrequently: boolean }): Reader | null;
            };
          };
        };
        const list = page.rightsizeCharts;
        const colour = (data: Uint8ClampedArray, r: number, g: number, b: number) => {
          let n = 0;
          for (let i = 0; i < data.length; i += 4)
            if (
              Math.abs((data[i] ?? 0) - r) < 40 &&
              Math.abs((data[i + 1] ?? 0) - g) < 40 &&
              Math.abs((data[i + 2] ?? 0) - b) < 40 &&
              (data[i + 3] ?? 0) > 200
            )
              n++;
          return n;
        };
        return list.map((c) => {
          const canvas = c.plot.ctx.canvas;
          // Read the pixels from a copy made for reading, so the page's own canvas stays untouched.
          const copy = page.document.createElement("canvas");
          copy.width = canvas.width;
          copy.height = canvas.height;
          const reader = copy.getContext("2d", { willReadFrequently: true });
          reader?.drawImage(canvas, 0, 0);
          const all = reader?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
          // The y axis gutter (left 60 px): tick values with units are drawn there.
          const gutter = reader?.getImageData(0, 0, 60, canvas.height).data ?? new Uint8ClampedArray();
          return {
            id: c.id,
            kind: c.kind,
            points: c.points,
            axes: c.plot.axes.map((a) => ({ label: a.label, drawn: (a._size ?? 0) > 0 })),
            legend: Array.from(c.plot.root.querySelectorAll(".u-legend .u-series .u-label")).map(
              (l) => l.textContent,
            ),
            canvas: { width: canvas.width, height: canvas.height },
            usage: colour(all, 49, 130, 189),
            current: colour(all, 222, 45, 38),
            recommended: colour(all, 49, 163, 84),
            gutterInk: colour(gutter, 0, 0, 0),
          };
        });
      });
      expect(charts.map((c) => [c.id, c.kind, c.points])).toEqual([
        ["svc-0-cpu", "cpu", 336],
        ["svc-0-memory", "memory", 336],
        ["svc-1-cpu", "cpu", 336],
        ["svc-1-memory", "memory", 336],
        ["svc-2-cpu", "cpu", 336],
        ["svc-2-memory", "memory", 336],
      ]);
      for (const chart of charts) {
        const unit = chart.kind === "cpu" ? "vCPU" : "GiB";
        expect(chart.axes).toEqual([
          { label: "time (UTC)", drawn: true },
          { label: `${unit} per task`, drawn: true },
        ]);
        const recommended = chart.id.startsWith("svc-0")
          ? "recommended reservation (EC2)"
          : "recommended size";
        expect(chart.legend).toEqual([
          "Time",
          chart.kind === "cpu" ? "CPU used per task" : "peak memory per task",
          "current size",
          recommended,
        ]);
        expect(chart.canvas.width).toBeGreaterThan(800);
        // The usage line, the current size (red, dashed) and the recommended size (green) are drawn.
        expect(chart.usage, `${chart.id} usage`).toBeGreaterThan(300);
        expect(chart.current, `${chart.id} current`).toBeGreaterThan(200);
        expect(chart.recommended, `${chart.id} recommended`).toBeGreaterThan(100);
        expect(chart.gutterInk, `${chart.id} y axis ticks`).toBeGreaterThan(50);
      }
      // Nothing is cut off at 1,200 px: the EC2 plan, the cluster findings and Compute Optimizer
      // wrap inside the page, and every y axis is wider than its widest tick label.
      await page.setViewportSize({ width: 1200, height: 1400 });
      const layout = await page.evaluate(() => {
        type Box = { right: number };
        type El = {
          textContent: string | null;
          scrollWidth: number;
          clientWidth: number;
          getBoundingClientRect(): Box;
          closest(s: string): El | null;
        };
        type Axis = {
          _size: number;
          _values?: string[];
          font: [string];
          gap: number;
          ticks: { size: number };
        };
        const page = globalThis as unknown as {
          uPlot: { pxRatio: number };
          rightsizeCharts: Array<{
            id: string;
            plot: { axes: Axis[]; ctx: { font: string; measureText(t: string): { width: number } } };
          }>;
          document: { querySelectorAll(s: string): ArrayLike<El> };
        };
        const lists = Array.from(
          page.document.querySelectorAll("ul.plan li, ul.clusters li, ul.compute-optimizer li"),
        );
        return {
          pre: page.document.querySelectorAll("pre").length,
          items: lists.length,
          cut: lists
            .filter((li) => {
              const list = li.closest("ul.plan, ul.clusters, ul.compute-optimizer");
              return (
                li.scrollWidth > li.clientWidth ||
                li.getBoundingClientRect().right > (list?.getBoundingClientRect().right ?? 0) + 0.5
              );
            })
            .map((li) => li.textContent),
          texts: lists.map((li) => li.textContent ?? ""),
          yAxes: page.rightsizeCharts.map((c) => {
            const axis = c.plot.axes[1] as Axis;
            c.plot.ctx.font = axis.font[0];
            const widest = Math.max(
              ...(axis._values ?? []).map((v) => c.plot.ctx.measureText(v).width / page.uPlot.pxRatio),
            );
            return { id: c.id, room: axis._size - axis.ticks.size - axis.gap, widest };
          }),
        };
      });
      expect(layout.pre).toBe(0);
      expect(layout.cut).toEqual([]);
      expect(layout.texts.some((t) => t.startsWith("task definition: cpu "))).toBe(true);
      expect(layout.texts.some((t) => t.startsWith("batch: 2 instances (2 × c6i.large)"))).toBe(true);
      for (const axis of layout.yAxes)
        expect(axis.room, `${axis.id} y tick labels`).toBeGreaterThanOrEqual(axis.widest);
      await page.screenshot({ path: resolve(dir, "rightsize-test.png"), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("names its prices and their age, and has a Markdown twin with the same figures", () => {
    const markdown = toMarkdown(REPORT);
    expect(markdown).toContain(
      `Fleet: $${REPORT.totals.currentMonthly.toFixed(2)}/month now, $${REPORT.totals.recommendedMonthly.toFixed(2)}/month recommended, saving $${REPORT.totals.saving.toFixed(2)}/month.`,
    );
    // checkout: 2048/4096 → 512/1024 on Fargate, us-east-1 rates (opencost's AWS offer file).
    const now = (2 * 0.04048 + 4 * 0.004445) * 2 * 730;
    const next = (0.5 * 0.04048 + 1 * 0.004445) * 2 * 730;
    expect(markdown).toContain(
      `| prod/checkout | FARGATE 2 vCPU / 4 GiB | Fargate 0.5 vCPU / 1 GiB | $${now.toFixed(2)} | $${next.toFixed(2)} |`,
    );
    expect(markdown).toContain("## Prices used");
    expect(markdown).toMatch(
      /- EC2 On-Demand Linux us-east-1: aws\/karpenter-provider-aws@6fc13b5:pkg\/providers\/pricing\/zz_generated\.pricing_aws\.go \(as of 2026-07-20, 128 days old; /,
    );
    expect(markdown).toContain("capacity provider: managed scaling ENABLED, targetCapacity 100");
    // search: 12 tasks need 3,780 / 8,160 each; today's 4,096 / 8,192 fit the same 6 × m6i.2xlarge too.
    expect(markdown).toContain(
      "task definition: cpu 3780, memory 8160 (MiB) per task — the packing holds only if each task reserves this; at today's 4096 / 8192 all 12 tasks fit too",
    );
    expect(markdown).toContain(
      "- Compute Optimizer: not-enabled (the account has not opted in to AWS Compute Optimizer)",
    );
    const html = toHtml(REPORT);
    expect(html).toContain("Fargate On-Demand x86_64 us-east-1: opencost/opencost@c656118");
  });
});
