export {
  type AccountAudit,
  type AuditedRevision,
  applyPolicyActions,
  auditAccount,
  FINDINGS_TAG,
  POLICY_EXEMPT_TAG,
  type PolicyAction,
  type PolicyOutcome,
  planPolicyForCall,
  runContextOf,
  serviceExemptions,
} from "./account.ts";
export {
  atOrAbove,
  type Evaluation,
  effectiveRules,
  evaluateTaskDefinition,
  type PolicySettings,
  UNEXPLAINED_SUPPRESSION,
} from "./evaluate.ts";
export { FARGATE_SIZES } from "./fields.ts";
export {
  type LoadedTaskDefinition,
  loadTaskDefinitionFile,
  loadTaskDefinitionText,
  PolicyInputError,
} from "./loadTaskDefinitions.ts";
export { fromEcsApi, SKIP_TAG_PREFIX } from "./normalize.ts";
export { formatJson, formatText, ruleCatalogue, toSarif } from "./reports.ts";
export { RULES, RULES_BY_ID } from "./rules.ts";
export {
  type Finding,
  type PolicyRule,
  type RunContext,
  SEVERITY_ORDER,
  type Severity,
  Unknown,
} from "./types.ts";
