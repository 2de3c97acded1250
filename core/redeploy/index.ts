export { applyRedeployPlan, DIGEST_CLAIM_SECONDS } from "./applyRedeployPlan.ts";
export { redeploymentRecords } from "./deploymentRecords.ts";
export { formatPlan } from "./formatPlan.ts";
export { loadSnapshots } from "./loadSnapshots.ts";
export { planRedeploy } from "./planRedeploy.ts";
export { notAPush, pushFromEvent, type RedeployContext, redeployPush } from "./redeployPush.ts";
export { type IndexEntry, type RebuildSummary, repositoryKey, ServiceIndex } from "./ServiceIndex.ts";
export { type ServiceChange, serviceChangeFromCloudTrail } from "./serviceChange.ts";
export { type RedeploySummary, summarizeReport } from "./summarizeReport.ts";
export {
  decideTag,
  parseTagPolicy,
  parseVersion,
  type TagDecision,
  type TagPolicy,
  TagPolicyError,
} from "./TagPolicy.ts";
export type * from "./types.ts";
