export { DEFAULT_TAG, decideTag, lastVersionAfter, orderTags, type TagDecision } from "./decideTag.ts";
export { PatternError, type PatternMatch, TagPattern } from "./TagPattern.ts";
export {
  COMPARE_GROUP,
  type PartOrder,
  POLICY_FORMS,
  parseTagPolicy,
  type TagPolicy,
  TagPolicyError,
  type TagPolicyOptions,
  VERSION_GROUP,
} from "./TagPolicy.ts";
export {
  compareNatural,
  compareVersions,
  describeTrack,
  PRE_RELEASE_TRACK,
  parseVersion,
  suffixTrack,
  type VersionTag,
} from "./VersionTag.ts";
