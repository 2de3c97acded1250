import {
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import { shortSource } from "../pricing/PriceSource.ts";
import { SERVICE_TAGS } from "../tags.ts";
import type { DatedPriceSource, FleetReport } from "./analyzeFleet.ts";
import { spanText } from "./profile.ts";
import { metricsCaveat } from "./reportText.ts";

const money = (n: number | undefined) => (n === undefined ? "n/a" : `$${n.toFixed(2)}`);

/** `EC2 On-Demand Linux eu-west-1: vantage-sh/ec2instances.info@a19cd85 (2024-04-04, 966 days old)`. */
export function priceLine(source: DatedPriceSource): string {
  const age = Number.isFinite(source.ageDays) ? `${source.ageDays} days old` : "date unknown";
  return `${source.what} ${source.region}: ${shortSource(source.source).split(":")[0]} (${source.asOf}, ${age})`;
}

/** The weekly summary: fleet totals, the largest savings, EC2 cluster capacity, then the prices and their age. */
export function rightsizeMessage(
  report: FleetReport,
  applied: readonly string[] = [],
  failed: readonly string[] = [],
  deferred: readonly string[] = [],
  /** Steps an earlier attempt of the same event took (it may have died before telling them). */
  steppedEarlier: readonly string[] = [],
): SlackMessage {
  const top = report.recommendations
    .filter((r) => (r.saving ?? 0) > 0)
    .slice(0, 10)
    .map(
      (r) =>
        `• *${escapeMrkdwn(`${r.profile.facts.clusterName}/${r.profile.facts.serviceName}`)}* saves ${money(r.saving)}/month (${r.risk} risk): ${escapeMrkdwn(r.reason)}`,
    );
  const capacity = report.clusters
    .flatMap((c) => c.findings.map((f) => ({ cluster: c.clusterName, finding: f })))
    .filter(({ finding }) => finding.monthly > 0)
    .sort((a, b) => b.finding.monthly - a.finding.monthly)
    .slice(0, 5)
    .map(({ cluster, finding }) => `• *${escapeMrkdwn(cluster)}*: ${escapeMrkdwn(finding.message)}`);
  const caveat = metricsCaveat(report);
  const oldest = [...report.prices.sources].sort((a, b) => b.ageDays - a.ageDays)[0];
  return {
    // The outcome is in the text too: a retry whose steps went through is another message than the
    // attempt whose steps failed (a message's id is its event's and its text's: Notify posts it once).
    text: `Right-sizing: ${money(report.totals.saving)}/month to save across ${report.recommendations.length} services${applied.length > 0 ? `; ${applied.length} stepped down` : ""}${steppedEarlier.length > 0 ? `; ${steppedEarlier.length} stepped down by an earlier attempt` : ""}${failed.length > 0 ? `; ${failed.length} not applied` : ""}`,
    blocks: capBlocks([
      header(
        `Right-sizing (${report.region}, ${report.data.hours > 0 ? `${spanText(report.data.hours)} of metrics in ${report.lookbackDays} days` : `${report.lookbackDays} days`})`,
      ),
      section(
        `Fleet: *${money(report.totals.currentMonthly)}*/month now → *${money(report.totals.recommendedMonthly)}*/month recommended, saving *${money(report.totals.saving)}*/month.${report.totals.ifBuiltForArm64 > 0 ? ` Building the images for arm64 would save ${money(report.totals.ifBuiltForArm64)}/month more (Graviton).` : ""}${caveat ? ` ${escapeMrkdwn(caveat)}` : ""}`,
      ),
      ...(top.length
        ? [section(top.join("\n"))]
        : [
            section(
              report.recommendations.length === 0
                ? `No service had usage data in the last ${report.lookbackDays} days${report.unmeasured.length ? ` (${report.unmeasured.length} without metrics)` : ""}.`
                : `No saving found for the ${report.recommendations.length} measured services.`,
            ),
          ]),
      ...(capacity.length ? [section(`EC2 cluster capacity:\n${capacity.join("\n")}`)] : []),
      ...(applied.length
        ? [
            section(
              `Applied (\`${SERVICE_TAGS.rightsize}=apply\`):\n${applied.map((a) => `• ${escapeMrkdwn(a)}`).join("\n")}`,
            ),
          ]
        : []),
      ...(steppedEarlier.length
        ? [
            section(
              `Applied by an earlier attempt of this run (\`${SERVICE_TAGS.rightsize}=apply\`):\n${steppedEarlier.map((a) => `• ${escapeMrkdwn(a)}`).join("\n")}`,
            ),
          ]
        : []),
      ...(deferred.length
        ? [
            section(
              `Left for the next run (measured on a service that has changed since, or was changing):\n${deferred.map((d) => `• ${escapeMrkdwn(d)}`).join("\n")}`,
            ),
          ]
        : []),
      ...(failed.length
        ? [
            section(
              `:x: Not applied (the run fails and is retried; nothing else was held up):\n${failed.map((f) => `• ${escapeMrkdwn(f)}`).join("\n")}`,
            ),
          ]
        : []),
      context(
        `prices: ${escapeMrkdwn(report.prices.sources.length ? report.prices.sources.map(priceLine).join("; ") : report.prices.source)}`,
        ...(oldest && oldest.ageDays > 365
          ? [
              `oldest prices are ${oldest.ageDays} days old (${escapeMrkdwn(oldest.what)} ${oldest.region}): refresh with \`npm run prices:update\``,
            ]
          : []),
        `Compute Optimizer: ${escapeMrkdwn(report.computeOptimizer.status === "ok" ? report.computeOptimizer.detail : `${report.computeOptimizer.status} (${report.computeOptimizer.detail})`)}`,
        "`npx ecs-autopilot rightsize report --format html` for the charts",
      ),
    ]),
  };
}
