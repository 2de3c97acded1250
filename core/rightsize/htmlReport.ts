/**
 * The HTML right-sizing report: one self-contained file that opens offline. A sortable summary
 * table first, then per service its recommendation and two time-series charts (CPU and memory per
 * task over the lookback, with the current and recommended size as lines), drawn by uPlot
 * (MIT, github.com/leeoniya/uPlot), whose script and stylesheet are inlined from node_modules.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { FleetRecommendation, FleetReport } from "./analyzeFleet.ts";
import {
  clusterLines,
  computeOptimizerLines,
  ec2Lines,
  gravitonLine,
  lookbackText,
  metricsCaveat,
  money,
  now,
  priceLines,
  serviceName,
  target,
} from "./reportText.ts";

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** uPlot's minified script and stylesheet, read once per process from the installed package. */
let assets: { js: string; css: string } | undefined;
function uplotAssets(): { js: string; css: string } {
  if (!assets) {
    const require = createRequire(import.meta.url);
    const dist = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), "utf8");
    assets = { js: dist("uPlot.iife.min.js"), css: dist("uPlot.min.css") };
  }
  return assets;
}

/** What the page script draws for one service. */
interface ChartData {
  readonly id: string;
  readonly title: string;
  /** x: seconds since the epoch. */
  readonly t: readonly number[];
  readonly cpu: readonly number[];
  readonly memory: readonly number[];
  readonly current: { readonly cpu: number; readonly memory: number };
  readonly recommended?: { readonly cpu: number; readonly memory: number; readonly label: string };
}

function chartData(report: FleetReport, r: FleetRecommendation, index: number): ChartData {
  const f = r.profile.facts;
  const series = report.series?.[f.serviceArn] ?? { t: [], cpu: [], memory: [] };
  const recommended =
    r.capacity === "EC2"
      ? { cpu: r.need.cpu, memory: r.need.memory, label: "recommended reservation (EC2)" }
      : r.size
        ? { cpu: r.size.cpu, memory: r.size.memory, label: "recommended size" }
        : undefined;
  return {
    id: `svc-${index}`,
    title: serviceName(r),
    t: series.t,
    cpu: series.cpu,
    memory: series.memory,
    current: { cpu: f.taskCpu, memory: f.taskMemory },
    ...(recommended ? { recommended } : {}),
  };
}

/** The page script: draws every chart with uPlot and makes the summary table sortable. */
const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById("rightsize-data").textContent);
  var utc = function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); };
  var charts = [];
  // The y axis is as wide as its widest tick label plus the tick and the gap, so the tick labels
  // never run into the axis label (uPlot keeps labelSize for the label outside this size).
  function axisSize(u, values, axisIdx) {
    var axis = u.axes[axisIdx];
    var size = axis.ticks.size + axis.gap;
    if (values && values.length) {
      u.ctx.font = axis.font[0];
      var widest = 0;
      values.forEach(function (v) { widest = Math.max(widest, u.ctx.measureText(String(v)).width); });
      size += widest / uPlot.pxRatio;
    }
    return Math.ceil(size) + 4;
  }
  function draw(el, svc, kind) {
    var unit = kind === "cpu" ? "vCPU" : "GiB";
    var used = (kind === "cpu" ? svc.cpu : svc.memory).map(function (v) { return v / 1024; });
    var current = (kind === "cpu" ? svc.current.cpu : svc.current.memory) / 1024;
    var rec = svc.recommended ? (kind === "cpu" ? svc.recommended.cpu : svc.recommended.memory) / 1024 : null;
    var top = Math.max.apply(null, used.concat([current, rec || 0])) * 1.15 || 1;
    var fmt = function (u, v) { return v == null ? "-" : v.toFixed(kind === "cpu" ? 3 : 2) + " " + unit; };
    var series = [
      {},
      { label: kind === "cpu" ? "CPU used per task" : "peak memory per task", stroke: "#3182bd", width: 1.5, fill: "rgba(49,130,189,0.12)", value: fmt },
      { label: "current size", stroke: "#de2d26", width: 2, dash: [8, 4], value: fmt }
    ];
    var columns = [svc.t, used, svc.t.map(function () { return current; })];
    if (rec !== null) {
      series.push({ label: svc.recommended.label, stroke: "#31a354", width: 2, dash: [2, 3], value: fmt });
      columns.push(svc.t.map(function () { return rec; }));
    }
    var u = new uPlot({
      title: (kind === "cpu" ? "CPU per task" : "Memory per task") + " — " + svc.title,
      width: 860,
      height: 260,
      tzDate: utc,
      scales: { x: { time: true }, y: { range: [0, top] } },
      series: series,
      axes: [
        { label: "time (UTC)" },
        { label: unit + " per task", size: axisSize, values: function (u, vals) { return vals.map(function (v) { return v + " " + unit; }); } }
      ]
    }, columns, el);
    charts.push({ id: el.id, kind: kind, service: svc.title, points: svc.t.length, plot: u });
  }
  data.forEach(function (svc) {
    var cpu = document.getElementById(svc.id + "-cpu");
    var memory = document.getElementById(svc.id + "-memory");
    if (svc.t.length === 0) {
      cpu.textContent = memory.textContent = "No data points in the lookback window.";
      return;
    }
    draw(cpu, svc, "cpu");
    draw(memory, svc, "memory");
  });
  window.rightsizeCharts = charts;

  var table = document.getElementById("summary");
  var headers = table.querySelectorAll("th");
  headers.forEach(function (th, column) {
    th.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") !== "descending";
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var numeric = th.dataset.type === "number";
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        var c = numeric ? (Number(x) - Number(y)) : String(x).localeCompare(String(y));
        return descending ? -c : c;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
})();
`;

const RISK_ORDER = { low: 0, medium: 1, high: 2 } as const;

function summaryTable(report: FleetReport): string {
  const cell = (value: string | number | undefined, text: string, className = "") =>
    `<td${className ? ` class="${className}"` : ""} data-value="${escapeHtml(String(value ?? ""))}">${escapeHtml(text)}</td>`;
  const rows = report.recommendations.map(
    (r) =>
      `<tr>${cell(serviceName(r), serviceName(r))}${cell(now(r), now(r))}${cell(target(r), target(r))}${cell(r.currentMonthly ?? -1, money(r.currentMonthly), "num")}${cell(r.recommendedMonthly ?? -1, money(r.recommendedMonthly), "num")}${cell(r.saving ?? -1, money(r.saving), "num")}${cell(RISK_ORDER[r.risk], r.risk, `risk-${r.risk}`)}${cell(r.reason, r.reason, "why")}</tr>`,
  );
  const th = (label: string, type: "text" | "number") =>
    `<th scope="col" data-type="${type}" title="sort by ${label}">${label}</th>`;
  return `<table id="summary">
<thead><tr>${th("service", "text")}${th("now", "text")}${th("recommended", "text")}${th("$/month now", "number")}${th("$/month recommended", "number")}${th("$/month saved", "number")}${th("risk", "number")}${th("why", "text")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
<tfoot><tr><td colspan="3">fleet</td><td class="num">${money(report.totals.currentMonthly)}</td><td class="num">${money(report.totals.recommendedMonthly)}</td><td class="num">${money(report.totals.saving)}</td><td colspan="2"></td></tr></tfoot>
</table>`;
}

/**
 * Report lines as a list that wraps at the page width (a `<pre>` cuts long lines off or scrolls
 * them sideways): a line is an item, the indented lines under it a nested list.
 */
function lineList(lines: readonly string[], className: string): string {
  const items: Array<{ text: string; details: string[] }> = [];
  for (const line of lines) {
    const last = items[items.length - 1];
    if (line.startsWith("  ") && last) last.details.push(line.trim());
    else items.push({ text: line.trim(), details: [] });
  }
  return `<ul class="${className}">${items
    .map(
      (item) =>
        `<li>${escapeHtml(item.text)}${item.details.length ? `<ul>${item.details.map((d) => `<li>${escapeHtml(d)}</li>`).join("")}</ul>` : ""}</li>`,
    )
    .join("")}</ul>`;
}

function serviceSection(r: FleetRecommendation, index: number): string {
  const details = [...ec2Lines(r)];
  const graviton = gravitonLine(r);
  const co = r.computeOptimizer;
  return `<section class="service" id="svc-${index}">
<h2>${escapeHtml(serviceName(r))} — ${escapeHtml(target(r))}</h2>
<p>${escapeHtml(r.reason)} Risk: <span class="risk-${r.risk}">${r.risk}</span>. Now ${money(r.currentMonthly)}/month, recommended ${money(r.recommendedMonthly)}/month, saving ${money(r.saving)}/month.</p>
${details.length ? lineList(details, "plan") : ""}
${graviton ? `<p class="graviton">${escapeHtml(graviton)}</p>` : ""}
${co ? `<div class="co"><strong>Compute Optimizer:</strong> ${escapeHtml(`${co.finding ?? "?"}${co.recommended ? `, ${co.recommended.cpu ?? "?"} CPU units / ${co.recommended.memory ?? "?"} MiB` : ""}${co.estimatedMonthlySavings ? `, saving ${co.estimatedMonthlySavings.currency} ${co.estimatedMonthlySavings.value.toFixed(2)}/month` : ""}`)}<ul>${co.differences.map((d) => `<li>${escapeHtml(d)}</li>`).join("")}</ul></div>` : ""}
<div class="chart" id="svc-${index}-cpu" data-kind="cpu"></div>
<div class="chart" id="svc-${index}-memory" data-kind="memory"></div>
</section>`;
}

/**
 * The report as one HTML file: no external assets, no network; uPlot is inlined.
 *
 * @example
 * await writeFile("rightsize.html", toHtml(report));
 */
export function toHtml(report: FleetReport): string {
  const { js, css } = uplotAssets();
  const data = report.recommendations.map((r, i) => chartData(report, r, i));
  const at = new Date(report.generatedAt);
  const oldPrices = report.prices.sources.filter((s) => s.ageDays > 365);
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ecs-autopilot right-sizing ${escapeHtml(report.region)}</title>
<style>${css}</style>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:62rem;color:#222}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f4f4f4;user-select:none}
th[aria-sort=descending]::after{content:" ▼"} th[aria-sort=ascending]::after{content:" ▲"}
td.num{text-align:right;white-space:nowrap} td.why{font-size:.8rem;color:#444}
.risk-high{color:#b30000;font-weight:600} .risk-medium{color:#b36b00}
section.service{border-top:1px solid #ccc;margin-top:1.5rem;padding-top:.5rem}
ul.plan,ul.clusters,ul.compute-optimizer{background:#f7f7f7;padding:.5rem .5rem .5rem 1.5rem;font-size:.85rem;overflow-wrap:anywhere}
ul.plan ul,ul.clusters ul,ul.compute-optimizer ul{padding-left:1.25rem}
.prices li.old{color:#b30000} .chart{margin:.75rem 0}
</style></head>
<body><h1>Right-sizing report</h1>
<p>${escapeHtml(report.region)}, ${escapeHtml(lookbackText(report))}, generated ${escapeHtml(report.generatedAt)}. Fleet: ${money(report.totals.currentMonthly)}/month now, ${money(report.totals.recommendedMonthly)}/month recommended, saving ${money(report.totals.saving)}/month.${report.totals.ifBuiltForArm64 > 0 ? ` Building the images for arm64 would save ${money(report.totals.ifBuiltForArm64)}/month more.` : ""} Click a column to sort.</p>
${metricsCaveat(report) ? `<p class="risk-medium">${escapeHtml(metricsCaveat(report) ?? "")}</p>` : ""}
${summaryTable(report)}
<h2>Prices used</h2>
<ul class="prices">${priceLines(report)
    .map((line, i) => {
      const source = report.prices.sources[i];
      return `<li${source && source.ageDays > 365 ? ' class="old"' : ""}>${escapeHtml(line)}</li>`;
    })
    .join("")}</ul>
${oldPrices.length ? `<p class="risk-high">${oldPrices.length} price source${oldPrices.length === 1 ? " is" : "s are"} more than a year old on ${escapeHtml(at.toISOString().slice(0, 10))}: refresh with <code>npm run prices:update</code> or run with the Pricing API.</p>` : ""}
${report.recommendations.map((r, i) => serviceSection(r, i)).join("\n")}
${report.unmeasured.length ? `<p>No usage data: ${escapeHtml(report.unmeasured.join(", "))}.</p>` : ""}
${report.clusters.length ? `<h2>EC2 clusters</h2>${lineList(report.clusters.flatMap(clusterLines), "clusters")}` : ""}
<h2>Compute Optimizer</h2>${lineList(computeOptimizerLines(report), "compute-optimizer")}
<script id="rightsize-data" type="application/json">${json}</script>
<script>/*! uPlot, MIT License, (c) Leon Sorokin */
${js.replace(/<\/script/gi, "<\\/script")}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>`;
}
