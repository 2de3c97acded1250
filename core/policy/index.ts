export { applyPolicyActions } from "./applyPolicyActions.ts";
export { type AccountAudit, type AuditedRevision, auditAccount } from "./auditAccount.ts";
export type { AuditedResource } from "./auditResources.ts";
export { type EnforcementBlocker, enforcementBlockers } from "./enforcementGate.ts";
export {
  atOrAbove,
  type Evaluation,
  effectiveRules,
  evaluateResource,
  evaluateRule,
  evaluateTaskDefinition,
  type PolicySettings,
  UNEXPLAINED_SUPPRESSION,
} from "./evaluate.ts";
export { evaluateRevision } from "./evaluateRevision.ts";
export {
  type LoadedTaskDefinition,
  loadTaskDefinitionFile,
  loadTaskDefinitionText,
  PolicyInputError,
} from "./loadTaskDefinitions.ts";
export { type ModuleCall, ModulesNotExpandedError } from "./ModulesNotExpandedError.ts";
export { fromEcsApi, SKIP_TAG_PREFIX } from "./normalize.ts";
export type { PolicyAction, PolicyOutcome } from "./PolicyAction.ts";
export { planPolicyForCall } from "./planForApiCall.ts";
export { formatJson, formatText, ruleCatalogue, toSarif } from "./reports.ts";
export { anchorLinks, helpUri } from "./ruleDocs.ts";
export { RULES, RULES_BY_ID } from "./rules.ts";
export { runPolicy } from "./runPolicy.ts";
export { runContextOf, serviceExemptions } from "./serviceContext.ts";
export {
  type Finding,
  type PolicyRule,
  RESOURCE_KINDS,
  RESOURCE_LABEL,
  type ResourceKind,
  type RunContext,
  SEVERITY_ORDER,
  type Severity,
  Unknown,
  type UnknownResult,
} from "./types.ts";
