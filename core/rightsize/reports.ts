import type { FleetReport } from "./analyzeFleet.ts";
import type { Recommendation } from "./recommend.ts";

const vcpu = (units: number) => `${Math.round((units / 1024) * 100) / 100} vCPU`;
const gib = (mib: number) => `${Math.round((mib / 1024) * 100) / 100} GiB`;
const money = (n: number | undefined) => (n === undefined ? "n/a" : `$${n.toFixed(2)}`);
const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const name = (r: Recommendation) => `${r.profile.facts.clusterName}/${r.profile.facts.serviceName}`;

function target(r: Recommendation): string {
  if (r.capacity === "EC2") return `EC2 ${r.ec2?.instances} × ${r.ec2?.instance.instanceType}`;
  if (!r.capacity) return "no priced option";
  return `${r.capacity === "FARGATE_SPOT" ? "Fargate Spot" : "Fargate"} ${r.size ? `${vcpu(r.size.cpu)} / ${gib(r.size.memory)}` : ""}`;
}

export function toJson(report: FleetReport): string {
  return JSON.stringify(report, null, 2);
}

export function toMarkdown(report: FleetReport): string {
  const lines = [
    `# Right-sizing report (${report.region}, ${report.lookbackDays}-day lookback, ${report.generatedAt.slice(0, 10)})`,
    "",
    `Fleet: ${money(report.totals.currentMonthly)}/month now, ${money(report.totals.recommendedMonthly)}/month recommended, saving ${money(report.totals.saving)}/month. Prices: ${report.prices.source}.`,
    "",
    "| service | runs on now | recommended | $/month now | $/month recommended | saving | risk | why |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...report.recommendations.map(
      (r) =>
        `| ${name(r)} | ${r.profile.facts.runsOn} ${vcpu(r.profile.facts.taskCpu)} / ${gib(r.profile.facts.taskMemory)} | ${target(r)} | ${money(r.currentMonthly)} | ${money(r.recommendedMonthly)} | ${money(r.saving)} | ${r.risk} | ${r.reason.replace(/\|/g, "\\|")} |`,
    ),
  ];
  if (report.unmeasured.length > 0) lines.push("", `No usage data: ${report.unmeasured.join(", ")}.`);
  return lines.join("\n");
}

/** A horizontal scale with the distribution's percentiles against the current and recommended sizes. */
function distributionChart(
  label: string,
  values: { p50: number; p95: number; p99: number; max: number },
  current: number,
  recommended: number | undefined,
  format: (n: number) => string,
): string {
  const width = 640;
  const top = Math.max(values.max, current, recommended ?? 0) * 1.1 || 1;
  const x = (v: number) => Math.round((v / top) * (width - 20)) + 10;
  const marker = (v: number, color: string, title: string, height: number) =>
    `<line x1="${x(v)}" x2="${x(v)}" y1="${30 - height}" y2="${30 + height}" stroke="${color}" stroke-width="3"><title>${escapeHtml(`${title}: ${format(v)}`)}</title></line>`;
  return `<svg class="chart distribution" role="img" aria-label="${escapeHtml(label)}" width="${width}" height="60" viewBox="0 0 ${width} 60">
<rect class="range" x="${x(values.p50)}" y="22" width="${Math.max(2, x(values.p99) - x(values.p50))}" height="16" fill="#9ecae1"><title>${escapeHtml(`p50-p99: ${format(values.p50)} - ${format(values.p99)}`)}</title></rect>
${marker(values.p95, "#3182bd", "p95", 8)}${marker(values.max, "#08519c", "max", 10)}${marker(current, "#de2d26", "current size", 16)}${recommended !== undefined ? marker(recommended, "#31a354", "recommended size", 16) : ""}
<text x="10" y="56" font-size="10">${escapeHtml(label)}: p50 ${escapeHtml(format(values.p50))}, p99 ${escapeHtml(format(values.p99))}, max ${escapeHtml(format(values.max))}; now ${escapeHtml(format(current))}${recommended !== undefined ? `, recommended ${escapeHtml(format(recommended))}` : ""}</text>
</svg>`;
}

function costChart(report: FleetReport): string {
  const rows = report.recommendations.filter(
    (r) => r.currentMonthly !== undefined || r.recommendedMonthly !== undefined,
  );
  const top = Math.max(1, ...rows.flatMap((r) => [r.currentMonthly ?? 0, r.recommendedMonthly ?? 0]));
  const width = 640;
  const bar = (v: number) => Math.max(1, Math.round((v / top) * (width - 220)));
  const body = rows
    .map((r, i) => {
      const y = 10 + i * 34;
      return `<text x="0" y="${y + 12}" font-size="11">${escapeHtml(name(r))}</text>
<rect class="cost-now" x="200" y="${y}" width="${bar(r.currentMonthly ?? 0)}" height="12" fill="#de2d26"><title>now ${money(r.currentMonthly)}/month</title></rect>
<rect class="cost-recommended" x="200" y="${y + 14}" width="${bar(r.recommendedMonthly ?? 0)}" height="12" fill="#31a354"><title>recommended ${money(r.recommendedMonthly)}/month</title></rect>`;
    })
    .join("\n");
  return `<svg class="chart cost" role="img" aria-label="cost now vs recommended" width="${width}" height="${20 + rows.length * 34}" viewBox="0 0 ${width} ${20 + rows.length * 34}">${body}</svg>`;
}

/** A self-contained HTML report: no scripts, no external assets; charts are inline SVG. */
export function toHtml(report: FleetReport): string {
  const sections = report.recommendations
    .map((r) => {
      const p = r.profile;
      const recommendedCpu = r.capacity === "EC2" ? undefined : r.size?.cpu;
      const recommendedMemory = r.capacity === "EC2" ? undefined : r.size?.memory;
      return `<section class="service"><h2>${escapeHtml(name(r))} — ${escapeHtml(target(r))}</h2>
<p>${escapeHtml(r.reason)} Risk: ${r.risk}. Now ${money(r.currentMonthly)}/month, recommended ${money(r.recommendedMonthly)}/month, saving ${money(r.saving)}/month.</p>
${distributionChart("CPU per task", p.cpu, p.facts.taskCpu, recommendedCpu, vcpu)}
${distributionChart("Memory per task", { ...p.memory, max: p.memoryPeak }, p.facts.taskMemory, recommendedMemory, gib)}
</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ecs-autopilot right-sizing ${escapeHtml(report.region)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}section{border-top:1px solid #ddd;padding:.5rem 0}svg{display:block;margin:.25rem 0}</style></head>
<body><h1>Right-sizing report</h1>
<p>${escapeHtml(report.region)}, ${report.lookbackDays}-day lookback, ${escapeHtml(report.generatedAt)}. Fleet: ${money(report.totals.currentMonthly)}/month now, ${money(report.totals.recommendedMonthly)}/month recommended, saving ${money(report.totals.saving)}/month. Prices: ${escapeHtml(report.prices.source)}.</p>
<h2>Cost now (red) and recommended (green), $/month</h2>
${costChart(report)}
${sections}
</body></html>`;
}
