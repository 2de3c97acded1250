export {
  DEFAULT_TAG,
  decideTag,
  orderTags,
  parseTagPolicy,
  parseVersion,
  type TagDecision,
  type TagPolicy,
  TagPolicyError,
} from "../tagPolicy/index.ts";
export { applyRedeployPlan } from "./applyRedeployPlan.ts";
export { redeploymentRecords } from "./deploymentRecords.ts";
export { DIGEST_CLAIM_SECONDS } from "./digestClaim.ts";
export { formatPlan } from "./formatPlan.ts";
export {
  type ImageChecks,
  type ImageFacts,
  type ImagePlatform,
  type PlatformFacts,
  type SignatureArtifact,
  type SignatureFacts,
  signatureSubject,
  signatureTags,
} from "./ImageFacts.ts";
export { platformProblem, requiredPlatform, signatureProblem, tagProblem } from "./imageChecks.ts";
export { type BlobReader, ecrBlobReader, ImageFactsError, loadImageFacts } from "./loadImageFacts.ts";
export { loadSnapshots } from "./loadSnapshots.ts";
export { imageChecksFor, planRedeploy } from "./planRedeploy.ts";
export { notAPush, pushFromEvent, type RedeployContext, redeployPush } from "./redeployPush.ts";
export { type IndexEntry, type RebuildSummary, repositoryKey, ServiceIndex } from "./ServiceIndex.ts";
export { type ServiceChange, serviceChangeFromCloudTrail } from "./serviceChange.ts";
export { type RedeploySummary, summarizeReport } from "./summarizeReport.ts";
export type * from "./types.ts";
