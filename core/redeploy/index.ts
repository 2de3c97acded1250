export { applyRedeployPlan, DIGEST_CLAIM_SECONDS, type RollOut, rollOut } from "./applyRedeployPlan.ts";
export {
  findRedeployment,
  type RedeploymentRecord,
  recordRedeployments,
  redeploymentRecords,
} from "./deploymentRecords.ts";
export { formatPlan } from "./formatPlan.ts";
export {
  ecrRegistry,
  type ImageReference,
  isInRepository,
  parseImageReference,
  pinnedImage,
} from "./ImageReference.ts";
export { loadSnapshots } from "./loadSnapshots.ts";
export { CONTAINER_TAG, planRedeploy, REDEPLOY_TAG } from "./planRedeploy.ts";
export { notAPush, pushFromEvent, type RedeployContext, redeployPush } from "./redeployPush.ts";
export { type IndexEntry, type RebuildSummary, repositoryKey, ServiceIndex } from "./ServiceIndex.ts";
export { nameFromArn, serviceRef } from "./ServiceRef.ts";
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
export {
  copyTaskDefinition,
  imageTagKey,
  PREVIOUS_REVISION_TAG,
  SOURCE_EVENT_TAG,
} from "./TaskDefinitionCopy.ts";
export type * from "./types.ts";
