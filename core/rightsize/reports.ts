import type { FleetReport } from "./analyzeFleet.ts";
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

export { toHtml } from "./htmlReport.ts";

/** The whole analysis for scripts, without the raw time series (the HTML report draws those). */
export function toJson(report: FleetReport): string {
  const { series: _series, ...rest } = report;
  return JSON.stringify(rest, null, 2);
}

export function toMarkdown(report: FleetReport): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const lines = [
    `# Right-sizing report (${report.region}, ${lookbackText(report)}, ${report.generatedAt.slice(0, 10)})`,
    "",
    `Fleet: ${money(report.totals.currentMonthly)}/month now, ${money(report.totals.recommendedMonthly)}/month recommended, saving ${money(report.totals.saving)}/month.${report.totals.ifBuiltForArm64 > 0 ? ` Building the images for arm64 would save ${money(report.totals.ifBuiltForArm64)}/month more.` : ""}${metricsCaveat(report) ? ` ${metricsCaveat(report)}` : ""}`,
    "",
    "| service | runs on now | recommended | $/month now | $/month recommended | saving | risk | why |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...report.recommendations.map(
      (r) =>
        `| ${serviceName(r)} | ${now(r)} | ${target(r)} | ${money(r.currentMonthly)} | ${money(r.recommendedMonthly)} | ${money(r.saving)} | ${r.risk} | ${cell(r.reason)} |`,
    ),
  ];
  if (report.unmeasured.length > 0) lines.push("", `No usage data: ${report.unmeasured.join(", ")}.`);
  const ec2 = report.recommendations.flatMap(ec2Lines);
  if (ec2.length > 0) lines.push("", "## EC2 capacity to create", "", "```", ...ec2, "```");
  const graviton = report.recommendations.map(gravitonLine).filter((l): l is string => Boolean(l));
  if (graviton.length > 0) lines.push("", "## Graviton", "", ...graviton.map((l) => `- ${l}`));
  if (report.clusters.length > 0)
    lines.push("", "## EC2 clusters", "", "```", ...report.clusters.flatMap(clusterLines), "```");
  lines.push(
    "",
    "## Compute Optimizer",
    "",
    ...computeOptimizerLines(report).map((l) => (l.startsWith("  ") ? `  - ${l.trim()}` : `- ${l}`)),
  );
  lines.push("", "## Prices used", "", ...priceLines(report).map((l) => `- ${l}`));
  return lines.join("\n");
}
