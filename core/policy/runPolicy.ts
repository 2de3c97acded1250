import { AutopilotError } from "../errors.ts";
import type { CloudTrailApiCallEvent, ScheduledEvent } from "../events/schemas.ts";
import type { FlowContext, FlowResult } from "../flow.ts";
import { applyPolicyActions } from "./applyPolicyActions.ts";
import { auditAccount } from "./auditAccount.ts";
import { undecidedLines } from "./evaluate.ts";
import { policyAuditMessage, policyEventMessage, policyMessageIdentity } from "./messages.ts";
import { planPolicyForCall } from "./planForApiCall.ts";
import { RollbackRecords } from "./rollbackRecord.ts";

/** A revision could not be read, so it was not checked (never assumed compliant). */
export class PolicyUncheckedError extends AutopilotError {
  override readonly name = "PolicyUncheckedError";
  readonly code = "policy-unchecked";
  constructor(
    readonly taskDefinitionArn: string,
    readonly reason: string,
  ) {
    super(`${taskDefinitionArn} could not be checked: ${reason}`);
  }
}

/** Without a Lambda deadline (CLI, sandbox), a rollback's service lease lasts this long. */
const LOCAL_LEASE_MS = 15 * 60 * 1000;

/**
 * Enforce mode could not roll a service back yet (another change held it, or an earlier revision
 * that may be compliant could not be read): checked again on retry.
 */
export class PolicyRollbackDeferredError extends AutopilotError {
  override readonly name = "PolicyRollbackDeferredError";
  readonly code = "policy-rollback-deferred";
  constructor(
    readonly services: readonly string[],
    /** Per service, why: `held` (another change held it) or `unreadable`. */
    readonly why: readonly string[],
  ) {
    super(
      `not rolled back yet: ${services
        .map(
          (s, i) =>
            `${s} (${why[i] === "unreadable" ? "an earlier revision that may be compliant could not be read" : "another change held the service"})`,
        )
        .join(", ")}; the event is retried to check again`,
    );
  }
}

/**
 * The policy flow's entry: a scheduled event audits every revision in use; a CloudTrail
 * RegisterTaskDefinition / CreateService / UpdateService is checked, and in enforce mode acted on
 * (unless dry). Always says what it found.
 */
export async function runPolicy(
  event: CloudTrailApiCallEvent | ScheduledEvent,
  context: FlowContext,
): Promise<FlowResult> {
  const settings = context.config.policy;
  if (event["detail-type"] === "Scheduled Event") {
    const audit = await auditAccount(context.clients, settings);
    context.log.info("policy audit", { totals: audit.totals, resourceTotals: audit.resourceTotals });
    return { summary: { action: "audit", ...audit }, messages: [{ message: policyAuditMessage(audit) }] };
  }
  const records = new RollbackRecords(context.state, event.id);
  const planned = await planPolicyForCall(context.clients, event.detail, settings, (serviceArn) =>
    records.find(serviceArn),
  );
  const outcome = context.dryRun
    ? planned
    : {
        ...planned,
        actions: await applyPolicyActions(context.clients, planned.actions, {
          state: context.state,
          owner: event.id,
          leaseSeconds: Math.ceil((context.remainingTimeMs?.() ?? LOCAL_LEASE_MS) / 1000) + 30,
          log: context.log,
        }),
      };
  const message = policyEventMessage(outcome, context.dryRun);
  const deferred = outcome.actions.flatMap((a) =>
    a.kind === "no-rollback" && a.retried ? [{ service: `${a.cluster}/${a.service}`, why: a.why }] : [],
  );
  const summary = {
    action: outcome.ignored ? "ignored" : "checked",
    trigger: outcome.trigger,
    mode: outcome.mode,
    dryRun: context.dryRun,
    compliant: outcome.compliant,
    findings: outcome.evaluation?.findings.map((f) => `${f.ruleId} ${f.path}`) ?? [],
    // Rules at or above enforceAt that could not decide: why a revision without findings is not compliant.
    ...(outcome.undecided ? { undecided: undecidedLines(outcome.undecided) } : {}),
    // The service's own findings (CreateService/UpdateService): reported, never acted on.
    ...(outcome.resources
      ? {
          resourceFindings: outcome.resources.flatMap((e) =>
            e.findings.map((f) => `${e.resourceType} ${e.subject} ${f.ruleId} ${f.path}`),
          ),
        }
      : {}),
    actions: outcome.actions,
    ...(outcome.unknown ? { unknown: outcome.unknown } : {}),
    ...(outcome.ignored ? { reason: outcome.ignored } : {}),
  };
  context.log.info("policy event", summary);
  return {
    summary,
    messages: message ? [{ message, identity: policyMessageIdentity(outcome) }] : [],
    // Fails closed: a revision that could not be read is checked again (retry, then the DLQ); so is
    // a rollback that another change held up.
    ...(outcome.unknown
      ? { failure: new PolicyUncheckedError(outcome.unknown.taskDefinitionArn, outcome.unknown.reason) }
      : deferred.length > 0
        ? {
            failure: new PolicyRollbackDeferredError(
              deferred.map((d) => d.service),
              deferred.map((d) => d.why),
            ),
          }
        : {}),
  };
}
