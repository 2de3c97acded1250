/**
 * Lambda entry of right-sizing: weekly, analyse every service's usage, post the savings to Slack,
 * and take one step down for services tagged `autopilot:rightsize=apply`.
 */
import type { PricingClient } from "@aws-sdk/client-pricing";
import {
  createInsightClients,
  createPricingClient,
  type InsightClients,
} from "../core/aws/insightClients.ts";
import { ScheduledEvent } from "../core/events/index.ts";
import type { PriceBook } from "../core/rightsize/recommend.ts";
import { runRightsize } from "../core/rightsize/runRightsize.ts";
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
  const pricing = options.pricing ?? createPricingClient(runtime.clientOptions);
  let insight = options.insight;
  return flowHandler(runtime, { schema: ScheduledEvent }, async () => {
    insight ??= createInsightClients(runtime.clientOptions);
    const { prices } = options;
    const context = await runtime.flowContext({ dryRun: options.dryRun ?? false });
    return runtime.deliver(await runRightsize(context, { insight, pricing, ...(prices ? { prices } : {}) }));
  });
}

export const handler = createRightsizeHandler(createRuntime("rightsize"));
