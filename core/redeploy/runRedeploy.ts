import type { EcrImageActionEvent } from "../events/schemas.ts";
import { type FlowContext, type FlowResult, quietResult } from "../flow.ts";
import { redeployMessage } from "./messages.ts";
import { notAPush, pushFromEvent, redeployPush } from "./redeployPush.ts";
import { type RedeploySummary, summarizeReport } from "./summarizeReport.ts";

export type RedeployFlowSummary = RedeploySummary | { readonly status: "ignored"; readonly reason: string };

/**
 * The redeploy flow's entry for one "ECR Image Action" event: ignore what is not a successful
 * push, else plan (and unless dry, apply) the push and say what happened.
 *
 * @example
 * const { summary, messages } = await runRedeploy(event, context);
 */
export async function runRedeploy(
  event: EcrImageActionEvent,
  context: FlowContext,
): Promise<FlowResult<RedeployFlowSummary>> {
  const ignored = notAPush(event);
  if (ignored) {
    context.log.info("event ignored", { reason: ignored });
    return quietResult({ status: "ignored", reason: ignored });
  }
  const report = await redeployPush(pushFromEvent(event), context, { dryRun: context.dryRun });
  const summary = summarizeReport(report);
  context.log.info("redeploy finished", { ...summary });
  if (summary.failed > 0)
    context.log.error("some services failed to redeploy", { failures: summary.failures });
  const message = redeployMessage(report, { notifySkipped: context.config.redeploy.notifySkipped });
  return { summary, messages: message ? [{ message }] : [] };
}
