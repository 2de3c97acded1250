import {
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import { SERVICE_TAGS } from "../tags.ts";
import type { FleetReport } from "./analyzeFleet.ts";

const money = (n: number | undefined) => (n === undefined ? "n/a" : `$${n.toFixed(2)}`);

/** The weekly summary: fleet totals, then the largest savings first. */
export function rightsizeMessage(report: FleetReport, applied: readonly string[] = []): SlackMessage {
  const top = report.recommendations
    .filter((r) => (r.saving ?? 0) > 0)
    .slice(0, 10)
    .map(
      (r) =>
        `• *${escapeMrkdwn(`${r.profile.facts.clusterName}/${r.profile.facts.serviceName}`)}* saves ${money(r.saving)}/month (${r.risk} risk): ${escapeMrkdwn(r.reason)}`,
    );
  return {
    text: `Right-sizing: ${money(report.totals.saving)}/month to save across ${report.recommendations.length} services`,
    blocks: capBlocks([
      header(`Right-sizing (${report.region}, ${report.lookbackDays} days)`),
      section(
        `Fleet: *${money(report.totals.currentMonthly)}*/month now → *${money(report.totals.recommendedMonthly)}*/month recommended, saving *${money(report.totals.saving)}*/month.`,
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
      ...(applied.length
        ? [
            section(
              `Applied (\`${SERVICE_TAGS.rightsize}=apply\`):\n${applied.map((a) => `• ${escapeMrkdwn(a)}`).join("\n")}`,
            ),
          ]
        : []),
      context(
        `prices: ${escapeMrkdwn(report.prices.source)}`,
        "`npx ecs-autopilot rightsize report --format html` for the charts",
      ),
    ]),
  };
}
