import type { PricingClient } from "@aws-sdk/client-pricing";
import type { FleetClients } from "../aws/insightClients.ts";
import { analyzeFleetWithState, type FleetReport, type FleetState } from "./analyzeFleet.ts";
import { applyRightsize, planRightsize, type RightsizePlan } from "./applyRightsize.ts";
import { describeInstanceShapes } from "./instanceShapes.ts";
import { bundledPriceBook, CANDIDATE_INSTANCE_TYPES, livePriceBook } from "./priceBook.ts";
import type { PriceBook } from "./recommend.ts";

export interface RightsizeRun {
  readonly report: FleetReport;
  readonly plan: RightsizePlan;
  /** One line per service rolled out; empty on a dry run. */
  readonly applied: readonly string[];
  readonly dryRun: boolean;
}

/**
 * Prices from the Pricing API, else the bundled ones. `warn` hears why the API was not used, so a
 * report on bundled prices never looks like one on live prices.
 */
export async function priceBookWithFallback(
  pricing: PricingClient,
  region: string,
  warn: (message: string, error: unknown) => void,
): Promise<PriceBook> {
  try {
    return await livePriceBook(pricing, region);
  } catch (error) {
    warn("the Pricing API did not answer; using the bundled prices", error);
    return bundledPriceBook(region);
  }
}

/** The fleet's report against the candidate instance types, and the state it described. */
export async function analyzeRightsize(
  clients: FleetClients,
  tableName: string,
  options: { prices: PriceBook; lookbackDays?: number; end?: Date },
): Promise<{ report: FleetReport; state: FleetState }> {
  const candidates = await describeInstanceShapes(clients.ec2, CANDIDATE_INSTANCE_TYPES);
  return analyzeFleetWithState(clients, tableName, {
    prices: options.prices,
    candidates,
    ...(options.lookbackDays ? { lookbackDays: options.lookbackDays } : {}),
    ...(options.end ? { end: options.end } : {}),
  });
}

/** The weekly job: analyse the fleet, plan one step down where tagged `apply`, roll it out unless dry. */
export async function runRightsize(
  clients: FleetClients,
  tableName: string,
  options: { prices: PriceBook; lookbackDays?: number; dryRun: boolean; end?: Date },
): Promise<RightsizeRun> {
  const { report, state } = await analyzeRightsize(clients, tableName, options);
  const plan = planRightsize(report.recommendations, state, options.prices);
  const applied = options.dryRun ? [] : await applyRightsize(clients.ecs, plan);
  return { report, plan, applied, dryRun: options.dryRun };
}

/** The plan as lines a person reads before anything changes (`--dry-run`). */
export function describeRightsizePlan(plan: RightsizePlan): string[] {
  return [
    ...plan.actions.map(
      (a) =>
        `${a.clusterName}/${a.serviceName}: register ${a.register.family} at ${a.to.cpu}/${a.to.memory} (from ${a.from.cpu}/${a.from.memory}) and update the service, circuit breaker with rollback`,
    ),
    ...plan.skipped.map((s) => `${s.service}: left alone, ${s.reason}`),
  ];
}
