import { readFile, writeFile } from "node:fs/promises";
import { createAwsClients } from "../core/aws/index.ts";
import {
  createInsightClients,
  createPricingClient,
  type FleetClients,
  fleetClients,
} from "../core/aws/insightClients.ts";
import type { FleetReport } from "../core/rightsize/analyzeFleet.ts";
import { PriceFileError, priceBookFromJson } from "../core/rightsize/priceBook.ts";
import type { PriceBook } from "../core/rightsize/recommend.ts";
import { toHtml, toJson, toMarkdown } from "../core/rightsize/reports.ts";
import { analyzeRightsize, priceBookWithFallback } from "../core/rightsize/runRightsize.ts";
import { CliError } from "./errors.ts";

export interface RightsizeOptions {
  readonly format?: string;
  readonly out?: string;
  readonly days?: string;
  readonly prices?: string;
  readonly table?: string;
}

/** Prices from `--prices FILE`, else the Pricing API, else the bundled table (said on stderr). */
export async function priceBookFor(
  region: string,
  file: string | undefined,
  note: (line: string) => void,
): Promise<PriceBook> {
  if (file) {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read price file ${file}: ${error.code ?? String(error)}`);
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CliError(`price file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    try {
      return priceBookFromJson(region, json);
    } catch (error) {
      if (error instanceof PriceFileError) throw new CliError(`price file ${file}: ${error.message}`);
      throw error;
    }
  }
  return priceBookWithFallback(createPricingClient(), region, (_, error) =>
    note(
      `prices: the Pricing API is not reachable (${error instanceof SyntaxError ? "the endpoint did not answer as the Pricing API: the response was not JSON" : `${(error as Error).name}: ${((error as Error).message.split("\n")[0] ?? "").slice(0, 80)}`}); using the bundled prices, each named in the report with its date`,
    ),
  );
}

/** `ecs-autopilot rightsize report [--format md|json|html] [--out F]`. */
export async function rightsizeReport(
  options: RightsizeOptions,
  clients?: FleetClients,
  note: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<{ output: string; report: FleetReport }> {
  const format = options.format ?? "md";
  if (!["md", "json", "html"].includes(format))
    throw new CliError(`--format must be md, json or html, not '${format}'`);
  const days = Number(options.days ?? "14");
  if (!Number.isInteger(days) || days < 1 || days > 63)
    throw new CliError(`--days must be a whole number from 1 to 63, not '${options.days}'`);
  const tableName = options.table ?? process.env.AUTOPILOT_STATE_TABLE;
  if (!tableName)
    throw new CliError(
      "no state table: pass --table NAME or set AUTOPILOT_STATE_TABLE (OOM counts come from it)",
    );
  const aws = clients ?? fleetClients(createAwsClients(), createInsightClients());
  const region = await aws.ecs.config.region();
  const prices = await priceBookFor(region, options.prices, note);
  const { report } = await analyzeRightsize(aws, tableName, { prices, lookbackDays: days });
  const output = format === "json" ? toJson(report) : format === "html" ? toHtml(report) : toMarkdown(report);
  if (options.out) {
    await writeFile(options.out, output);
    return {
      output: `wrote ${options.out}: ${report.recommendations.length} services, saving $${report.totals.saving.toFixed(2)}/month`,
      report,
    };
  }
  return { output, report };
}
