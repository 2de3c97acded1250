/**
 * Every tag key ecs-autopilot reads or writes, in one place. Users script against these names:
 * they are a contract (README, "Opting services in"). Keys and values may only use letters,
 * digits, space and `+ - = . _ : / @`.
 */

/** Tags a team puts on an ECS service to opt it in. */
export const SERVICE_TAGS = {
  /** Tag policy of the auto-redeploy flow: `force`, `any`, `patch`, `minor`, `major`, `range:…`, `prefix:<p>`, `off`, … */
  redeploy: "autopilot:redeploy",
  /** `true`: deploy only images a signature artifact refers to (cosign, Notation); `false` overrides the config. */
  requireSignature: "autopilot:require-signature",
  /** Which container to update when a task has several. */
  container: "autopilot:container",
  /** When the service is up: `Mon-Fri 07:00-19:00 Europe/Berlin`. */
  schedule: "autopilot:schedule",
  /** Tasks outside the schedule (default 0). */
  offCapacity: "autopilot:off-capacity",
  /** Tasks (min-max) inside the schedule. */
  upCapacity: "autopilot:up-capacity",
  /** Right-sizing mode: `report`, `apply` or `off`. */
  rightsize: "autopilot:rightsize",
  /** The work tolerates interruption (Fargate Spot may be recommended). */
  interruptible: "autopilot:interruptible",
  /** Policy rule ids exempted for this service, space separated. */
  policyExempt: "autopilot:policy-exempt",
} as const;

/** Tags ecs-autopilot writes on the task-definition revisions it registers or checks. */
export const REVISION_TAGS = {
  /** The EventBridge event that caused the revision. */
  sourceEvent: "autopilot:source-event",
  /** When the push that caused the revision happened (its event's time): a late older push of the same tag loses. */
  sourceTime: "autopilot:source-time",
  /** The revision the service ran before. */
  previousRevision: "autopilot:previous-revision",
  /** Number of policy findings of the revision. */
  policyFindings: "autopilot:policy-findings",
  /** When the policy last checked the revision. */
  policyChecked: "autopilot:policy-checked",
  /** The roll-out that registered the revision (a retry finds it by this instead of registering again). */
  rollout: "autopilot:rollout",
  /** `cpu/memory` the right-sizing flow stepped down from. */
  rightsizedFrom: "autopilot:rightsized-from",
} as const;

/**
 * Tags a team puts on an IAM role. A role tagged `autopilot:pass-role` = `true` may be passed to
 * ECS by the functions that register revisions (redeploy, right-sizing): the task and execution
 * roles of the services they roll out (core/iam/permissions.ts, README "IAM").
 */
export const ROLE_TAGS = {
  /** `true`: ecs-autopilot may pass this role to ECS tasks (iam:PassRole). */
  passRole: "autopilot:pass-role",
} as const;

/** Every tag key of ecs-autopilot starts with this; they are rewritten on every new revision. */
export const AUTOPILOT_TAG_PREFIX = "autopilot:";

/** Task-definition tag prefix holding the human tag of a container image pinned by digest. */
export const IMAGE_TAG_PREFIX = "autopilot:image-tag:";

/** Task-definition tag holding the human tag of `container`'s image, pinned by digest. */
export const imageTagKey = (container: string): string => `${IMAGE_TAG_PREFIX}${container}`;

/**
 * Task-definition tag prefix holding the last version tag (`1.2.3`) a container ran, carried over
 * non-version tags (`main`), so that the `any` policy never deploys a version below it.
 */
export const LAST_VERSION_PREFIX = "autopilot:last-version:";

/** Task-definition tag holding the last version tag `container` ran. */
export const lastVersionKey = (container: string): string => `${LAST_VERSION_PREFIX}${container}`;

/**
 * Task-definition tag prefix holding when the push of `container`'s running image happened: a late
 * older push for that container loses. Per container, because a task's containers may come from
 * different repositories (an app and a sidecar), each pushed at its own time.
 */
export const SOURCE_TIME_PREFIX = "autopilot:source-time:";

/** Task-definition tag holding when the push of `container`'s running image happened. */
export const sourceTimeKey = (container: string): string => `${SOURCE_TIME_PREFIX}${container}`;

/** Tags that suppress a policy rule inline: `autopilot:policy-skip:ECS013` = "reason". */
export const POLICY_SKIP_TAG_PREFIX = "autopilot:policy-skip:";
