/**
 * Lambda entry of the task-definition policy: CloudTrail RegisterTaskDefinition, CreateService
 * and UpdateService (audit or enforce), and the daily audit of every revision in use.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { CloudTrailApiCallEvent, ScheduledEvent } from "../core/events/index.ts";
import { policyAuditMessage, policyEventMessage } from "../core/notify/index.ts";
import { applyPolicyActions, auditAccount, planPolicyForCall } from "../core/policy/index.ts";
import { type LambdaHandler, rejectInvalidEvents } from "./shared/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "./shared/runtime.ts";

const PolicyEvent = z.discriminatedUnion("detail-type", [CloudTrailApiCallEvent, ScheduledEvent]);
type PolicyEvent = z.infer<typeof PolicyEvent>;

export function createPolicyHandler(runtime: FlowRuntime, options: { dryRun?: boolean } = {}): LambdaHandler {
  return middy()
    .use(injectLambdaContext(runtime.logger, { correlationIdPath: "id" }))
    .use(parser({ schema: PolicyEvent, safeParse: true }))
    .use(rejectInvalidEvents(runtime))
    .handler(async (input) => {
      // rejectInvalidEvents replaced Powertools' ParsedResult with the parsed event.
      const event = input as unknown as PolicyEvent;
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
    }) as unknown as LambdaHandler; // middy's types follow the parser's output, not the raw event
}

export const handler = createPolicyHandler(createRuntime("policy"));
