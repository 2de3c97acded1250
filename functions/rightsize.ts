/**
 * Lambda entry of right-sizing: weekly, analyse every service's usage, post the savings to Slack,
 * and take one step down for services tagged `autopilot:rightsize=apply`.
 */
import type { PricingClient } from "@aws-sdk/client-pricing";
import {
  createInsightClients,
  createPricingClient,
  fleetClients,
  type InsightClients,
} from "../core/aws/insightClients.ts";
import { ScheduledEvent } from "../core/events/index.ts";
import { rightsizeMessage } from "../core/rightsize/messages.ts";
import type { PriceBook } from "../core/rightsize/recommend.ts";
import {
  describeRightsizePlan,
  priceBookWithFallback,
  runRightsize,
} from "../core/rightsize/runRightsize.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

export interface RightsizeHandlerOptions {
  readonly dryRun?: boolean;
  /** Prices to use instead of the Pricing API (tests, `invoke` with a price file). */
  readonly prices?: PriceBook;
  readonly pricing?: PricingClient;
  readonly insight?: InsightClients;
}

export function createRightsizeHandler(
  runtime: FlowRuntime,
  options: RightsizeHandlerOptions = {},
): LambdaHandler {
  const pricing = options.pricing ?? createPricingClient();
  let insight = options.insight;
  return flowHandler(runtime, { schema: ScheduledEvent }, async () => {
    const region = await runtime.clients.ecs.config.region();
    const prices =
      options.prices ??
      (await priceBookWithFallback(pricing, region, (message, error) =>
        runtime.logger.warn(message, { error }),
      ));
    const dryRun = options.dryRun ?? false;
    insight ??= createInsightClients();
    const run = await runRightsize(fleetClients(runtime.clients, insight), runtime.tableName, {
      prices,
      dryRun,
    });
    const plan = describeRightsizePlan(run.plan);
    if (dryRun) runtime.logger.info("right-sizing plan (dry run: nothing changed)", { plan });
    await runtime.notifier.post(rightsizeMessage(run.report, run.applied));
    const summary = {
      action: "rightsized",
      dryRun,
      prices: run.report.prices.source,
      services: run.report.recommendations.length,
      unmeasured: run.report.unmeasured,
      totals: run.report.totals,
      plan,
      applied: run.applied,
    };
    runtime.logger.info("right-sizing done", summary);
    return summary;
  });
}

export const handler = createRightsizeHandler(createRuntime("rightsize"));
