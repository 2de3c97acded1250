/**
 * Lambda entry of the task-definition policy: CloudTrail RegisterTaskDefinition, CreateService
 * and UpdateService (audit or enforce), and the daily audit of every revision in use.
 */
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { applyPolicyActions, auditAccount, planPolicyForCall } from "../core/policy/index.ts";
import { policyAuditMessage, policyEventMessage } from "../core/policy/messages.ts";
import { flowHandler } from "../runtime/flowHandler.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../runtime/runtime.ts";

const PolicyEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);

export function createPolicyHandler(runtime: FlowRuntime, options: { dryRun?: boolean } = {}): LambdaHandler {
  return flowHandler(runtime, { schema: PolicyEvent }, async (event) => {
    const config = await runtime.config();
    if (event["detail-type"] === "Scheduled Event") {
      const audit = await auditAccount(runtime.clients, config.policy);
      await runtime.notifier.post(policyAuditMessage(audit));
      runtime.logger.info("policy audit", { totals: audit.totals });
      return { action: "audit", ...audit };
    }
    const outcome = await planPolicyForCall(runtime.clients, event.detail, config.policy);
    if (!options.dryRun) await applyPolicyActions(runtime.clients, outcome.actions);
    const message = policyEventMessage(outcome, options.dryRun ?? false);
    if (message) await runtime.notifier.post(message);
    const summary = {
      action: outcome.ignored ? "ignored" : "checked",
      trigger: outcome.trigger,
      mode: outcome.mode,
      dryRun: options.dryRun ?? false,
      compliant: outcome.compliant,
      findings: outcome.evaluation?.findings.map((f) => `${f.ruleId} ${f.path}`) ?? [],
      actions: outcome.actions,
      ...(outcome.ignored ? { reason: outcome.ignored } : {}),
    };
    runtime.logger.info("policy event", summary);
    return summary;
  });
}

export const handler = createPolicyHandler(createRuntime("policy"));
