import { randomUUID } from "node:crypto";
import type { PricingClient } from "@aws-sdk/client-pricing";
import type { FleetClients } from "../aws/insightClients.ts";
import { fleetClients, type InsightClients } from "../aws/insightClients.ts";
import { AutopilotError } from "../errors.ts";
import type { FlowContext, FlowResult } from "../flow.ts";
import { StateTable } from "../state/index.ts";
import { analyzeFleetWithState, type FleetReport, type FleetState } from "./analyzeFleet.ts";
import { applyRightsize, previewRightsize } from "./applyRightsize.ts";
import { describeInstanceShapes } from "./instanceShapes.ts";
import { livePriceBook } from "./livePriceBook.ts";
import { rightsizeMessage } from "./messages.ts";
import { planRightsize, type RightsizePlan } from "./planRightsize.ts";
import { bundledPriceBook, candidateInstanceTypes } from "./priceBook.ts";
import type { PriceBook } from "./recommend.ts";

export interface RightsizeRun {
  readonly report: FleetReport;
  readonly plan: RightsizePlan;
  /** One line per service rolled out; empty on a dry run. */
  readonly applied: readonly string[];
  /** Stepped by an earlier attempt of the same event (which may have died before telling it). */
  readonly steppedEarlier: readonly string[];
  /**
   * Services not stepped by this run this ISO week: claimed by another event, or claimed by this
   * one from a revision the service no longer runs and never stepped.
   */
  readonly alreadyThisWeek: readonly string[];
  /**
   * Services left for the next run: another change (a roll-out, a rollback) held the service, or
   * it changed since it was measured (claim given back).
   */
  readonly deferred: readonly string[];
  /** Services whose step failed (claim given back; the other services were still stepped). */
  readonly failed: readonly string[];
  readonly dryRun: boolean;
}

/** How long a weekly event's summary is remembered as told (past any retry or redrive of it). */
const SUMMARY_ONCE_SECONDS = 8 * 24 * 60 * 60;

/** Some services' right-sizing steps failed (the others were applied): the run fails and is retried. */
export class RightsizeApplyError extends AutopilotError {
  override readonly name = "RightsizeApplyError";
  readonly code = "rightsize-apply-failed";
  constructor(readonly failures: readonly string[]) {
    super(`${failures.length} service(s) not right-sized: ${failures.join("; ")}`);
  }
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

/** The fleet's report against the candidate instance types the price book prices, and the state it described. */
export async function analyzeRightsize(
  clients: FleetClients,
  tableName: string,
  options: {
    prices: PriceBook;
    lookbackDays?: number;
    end?: Date;
    computeOptimizer?: boolean;
    series?: boolean;
  },
): Promise<{ report: FleetReport; state: FleetState }> {
  const candidates = await describeInstanceShapes(clients.ec2, candidateInstanceTypes(options.prices));
  return analyzeFleetWithState(clients, tableName, {
    prices: options.prices,
    candidates,
    ...(options.series !== undefined ? { series: options.series } : {}),
    ...(options.lookbackDays ? { lookbackDays: options.lookbackDays } : {}),
    ...(options.end ? { end: options.end } : {}),
    ...(options.computeOptimizer !== undefined ? { computeOptimizer: options.computeOptimizer } : {}),
  });
}

/** Analyse the fleet, plan one step down where tagged `apply`, roll it out unless dry. */
export async function rightsizeFleet(
  clients: FleetClients,
  tableName: string,
  options: {
    prices: PriceBook;
    lookbackDays?: number;
    dryRun: boolean;
    end?: Date;
    /** How long a step's service lease holds if the run dies (the time left in the invocation). */
    leaseSeconds?: number;
    /** Who claims the week's steps: the triggering event's id (its retries and redrives resume them). */
    holder: string;
    log?: FlowContext["log"];
  },
): Promise<RightsizeRun> {
  // The weekly run tells Slack a summary: it keeps no per-period charts (the CLI's report does).
  const { report, state } = await analyzeRightsize(clients, tableName, { ...options, series: false });
  const plan = planRightsize(report.recommendations, state, options.prices);
  const claims = {
    state: new StateTable(clients.documents, tableName),
    holder: options.holder,
    at: options.end ?? new Date(),
    ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  if (options.dryRun) {
    // What the real run of the same event would do: its week claims read, nothing written (a
    // redrive's dry run shows the steps an earlier attempt took as such, not as steps to take).
    const preview = await previewRightsize(clients.ecs, plan, claims);
    return {
      report,
      plan: preview.plan,
      applied: [],
      steppedEarlier: preview.steppedEarlier,
      alreadyThisWeek: preview.alreadyThisWeek,
      deferred: [],
      failed: [],
      dryRun: true,
    };
  }
  const { applied, steppedEarlier, alreadyThisWeek, deferred, failed } = await applyRightsize(
    clients.ecs,
    plan,
    claims,
    clients.ecsSingleAttempt,
  );
  return { report, plan, applied, steppedEarlier, alreadyThisWeek, deferred, failed, dryRun: false };
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

/** What a right-sizing run reads besides the shared clients: metrics, instance shapes, prices. */
export interface RightsizeSources {
  readonly insight: InsightClients;
  readonly pricing: PricingClient;
  /** Prices to use instead of the Pricing API (tests, `invoke` with a price file). */
  readonly prices?: PriceBook;
}

/**
 * The weekly right-sizing entry: price book (Pricing API, else bundled), fleet analysis, one
 * step down where tagged `apply` (unless dry), and a Slack summary.
 */
export async function runRightsize(
  context: FlowContext,
  sources: RightsizeSources,
  /**
   * The weekly event's id: its summary is told once, and its steps are claimed under it, whatever
   * retries or redrives it gets.
   */
  eventId?: string,
): Promise<FlowResult> {
  const region = await context.clients.ecs.config.region();
  const prices =
    sources.prices ??
    (await priceBookWithFallback(sources.pricing, region, (message, error) =>
      context.log.warn(message, { error }),
    ));
  const run = await rightsizeFleet(fleetClients(context.clients, sources.insight), context.state.name, {
    prices,
    dryRun: context.dryRun,
    // A run without an event (none to retry or redrive) is a run of its own.
    holder: eventId ?? `run-${randomUUID()}`,
    ...(context.remainingTimeMs ? { leaseSeconds: Math.ceil(context.remainingTimeMs() / 1000) + 30 } : {}),
    log: context.log,
  });
  const plan = describeRightsizePlan(run.plan);
  if (context.dryRun) context.log.info("right-sizing plan (dry run: nothing changed)", { plan });
  const summary = {
    action: "rightsized",
    dryRun: context.dryRun,
    prices: run.report.prices.source,
    priceSources: run.report.prices.sources.map(
      (p) => `${p.what} ${p.region}: ${p.source} (as of ${p.asOf}, ${p.ageDays} days old)`,
    ),
    computeOptimizer: run.report.computeOptimizer,
    clusters: run.report.clusters.map((c) => ({
      cluster: c.clusterName,
      instances: c.instances,
      monthly: c.monthly,
      findings: c.findings.map((f) => `${f.kind}: $${f.monthly.toFixed(2)}/month`),
    })),
    services: run.report.recommendations.length,
    unmeasured: run.report.unmeasured,
    totals: run.report.totals,
    plan,
    applied: run.applied,
    ...(run.steppedEarlier.length > 0 ? { steppedEarlier: run.steppedEarlier } : {}),
    ...(run.alreadyThisWeek.length > 0 ? { alreadyThisWeek: run.alreadyThisWeek } : {}),
    ...(run.deferred.length > 0 ? { deferred: run.deferred } : {}),
    ...(run.failed.length > 0 ? { failed: run.failed } : {}),
  };
  context.log.info("right-sizing done", summary);
  return {
    summary,
    messages: [
      {
        message: rightsizeMessage(run.report, run.applied, run.failed, run.deferred, run.steppedEarlier),
        // A run that stepped everything it planned is told once per event: a retry after its
        // message was queued but the queue's reply lost finds the steps done and would say so
        // in a second summary. A run with failed steps is not: its retry's outcome is news.
        // A dry run changes nothing and claims nothing: the real run of the same event still tells.
        ...(eventId && !context.dryRun && run.failed.length === 0
          ? { once: { kind: "rightsize-summary", id: eventId, seconds: SUMMARY_ONCE_SECONDS } }
          : {}),
      },
    ],
    ...(run.failed.length > 0 ? { failure: new RightsizeApplyError(run.failed) } : {}),
  };
}
