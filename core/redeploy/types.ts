import type {
  DeploymentConfiguration,
  RegisterTaskDefinitionCommandInput,
  Service,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import type { ServiceRef } from "../ecs/arns.ts";
import type { UnresolvedRollback } from "../ecs/serviceRevisions.ts";
import type { ImageFacts } from "./ImageFacts.ts";

export type { ServiceRef };

/** An image pushed to ECR, from an "ECR Image Action" event or the CLI. */
export interface ImagePush {
  readonly account: string;
  readonly region: string;
  readonly repository: string;
  readonly digest: string;
  /** Absent when the image was pushed by digest only. */
  readonly tag?: string;
  /** The EventBridge event id (or a synthetic one from the CLI). */
  readonly eventId: string;
  readonly time?: string;
}

/** A push waiting for a service's deployment to finish (the state table's `pending` items). */
export interface PendingPush {
  readonly push: ImagePush;
  readonly serviceArn: string;
  readonly clusterArn: string;
  /** What it waits for: see {@link QueueAction.behind}. */
  readonly behind: string;
  readonly queuedAt: string;
  /** Queued by a build that kept one queue entry per service (its key is the service's alone). */
  readonly legacy?: true;
}

/** What the planner knows of one service: its description, tags and current task definition. */
export interface ServiceSnapshot {
  /** The push already waiting for this service's deployment to finish, if any. */
  readonly pending?: PendingPush;
  readonly service: Service;
  /** Service tags as a map. */
  readonly tags: Readonly<Record<string, string>>;
  readonly taskDefinition: TaskDefinition;
  /** Tags of the current task-definition revision (where the human tag of a pinned image is kept). */
  readonly taskDefinitionTags: Readonly<Record<string, string>>;
  /**
   * The digest ECS runs for each container (by name), from the service's current service revisions,
   * where ECS says (core/ecs/serviceRevisions.ts): for containers on a tag, what the tag resolved to
   * when the running revision was created, rollbacks included.
   */
  readonly runningDigests?: Readonly<Record<string, string>>;
  /**
   * Digests of the deployments ECS rolled back on the service since the push, where asked
   * (core/ecs/serviceRevisions.ts): the pushed digest among them is not rolled out again.
   */
  readonly rolledBack?: ReadonlySet<string>;
  /**
   * Deployments ECS rolled back on the service since the push without naming all of their images
   * (a container without a digest: version consistency off; no target revision): where one may have
   * run the pushed repository, the push is not rolled out either (it fails closed).
   */
  readonly rolledBackUnresolved?: readonly UnresolvedRollback[];
}

export interface ContainerUpdate {
  readonly container: string;
  readonly fromImage: string;
  readonly toImage: string;
  readonly fromTag?: string;
  readonly fromDigest?: string;
  readonly toTag?: string;
  readonly toDigest: string;
}

export interface DeployAction {
  readonly kind: "deploy";
  readonly service: ServiceRef;
  readonly reason: string;
  /** Where the policy came from: the service tag or the config rule. */
  readonly policySource: string;
  readonly updates: readonly ContainerUpdate[];
  readonly fromTaskDefinitionArn: string;
  /** The complete RegisterTaskDefinition input of the new revision. */
  readonly register: RegisterTaskDefinitionCommandInput;
  /** The service's deployment configuration with the circuit breaker and rollback switched on. */
  readonly deploymentConfiguration: DeploymentConfiguration;
  /** What the image checks found: the platform that fits, and the signature where one was required. */
  readonly image?: { readonly platform: string; readonly signature?: string };
  /**
   * An older push queued for this idle service (the end of its deployment not yet handled): this
   * push replaces it in the queue should it have to wait after all (another change holding the service).
   */
  readonly supersedes?: PendingPush;
}

export type SkipCategory =
  | "not-tracked"
  | "policy-off"
  | "policy-invalid"
  | "policy-rejected"
  | "already-running"
  /**
   * An earlier attempt of the same event deployed it: told when that attempt failed before
   * reporting it, never silent; not told again when it was reported (`reported`).
   */
  | "deployed-earlier"
  | "deployment-in-progress"
  | "unsupported-controller"
  | "inactive"
  | "no-matching-container"
  /**
   * Under a tag pattern, no container runs a tag it matches and several could take the push: it is
   * for none of them until `autopilot:container` names one.
   */
  | "container-ambiguous"
  | "duplicate"
  /**
   * Policy enforce mode would not accept the new revision: a finding at or above `enforceAt`, or a
   * rule at or above it that could not decide (the detail says which and why).
   */
  | "policy-violation"
  /** The pushed image is not built for the task definition's runtimePlatform. */
  | "platform-mismatch"
  /** The pushed image's platforms could not be told from ECR (no such image, no platform in it). */
  | "platform-unknown"
  /** The service requires a signature and no signature artifact refers to the pushed digest. */
  | "unsigned"
  /** The service requires a signature and the image's signatures were not looked up. */
  | "signature-unknown"
  /** Where the pushed tag points in ECR now could not be told (it is read with the image's facts). */
  | "tag-unknown"
  /**
   * ECS rolled back a deployment of the pushed digest on the service since it was pushed, or one of
   * the pushed repository whose digest ECS does not name (it may have been the pushed one).
   */
  | "rolled-back"
  /**
   * A newer push is already queued for the service (newest wins, by the tag policy's order), a
   * later push of the same tag made the revision it runs (an older push delivered late), or the
   * pushed tag names another digest in ECR now (or none).
   */
  | "superseded";

export interface SkipAction {
  readonly kind: "skip";
  readonly service: ServiceRef;
  readonly category: SkipCategory;
  readonly reason: string;
  /**
   * A `duplicate` another invocation is rolling out right now (the lease holder): not settled
   * yet, so a queued push stays queued until that roll-out has deployed it or given it back.
   */
  readonly inProgressBy?: string;
  /** `deployed-earlier`: the roll-out that made the running revision (its `autopilot:rollout` tag). */
  readonly rolloutId?: string;
  /**
   * `deployed-earlier` by another invocation than this one (another release of the same queued
   * push), which reports it: this one says nothing.
   */
  readonly reportedBy?: string;
  /**
   * `deployed-earlier` by this event's own earlier attempt, whose report was handed to the outbox
   * (its roll-out's record says so, written once that report was queued): told already, so it is
   * not told again — it is done, and Slack heard it.
   */
  readonly reported?: true;
}

/**
 * The service is rolling out a deployment: the push waits for it to finish (ECS's "ECS Deployment
 * State Change" COMPLETED/FAILED, or the sweep) and is then planned again against what runs.
 */
export interface QueueAction {
  readonly kind: "queue";
  readonly service: ServiceRef;
  readonly reason: string;
  readonly policySource: string;
  readonly updates: readonly ContainerUpdate[];
  /**
   * What the push waits for: the id of the service's deployment (`ecs-svc/…`), or, when another
   * change of ecs-autopilot's held the service (a push's roll-out, a right-sizing step, a policy
   * rollback), that change in words. See {@link behindText}.
   */
  readonly behind: string;
  /** The older push this one replaces in the queue. */
  readonly supersedes?: PendingPush;
}

/**
 * A service whose state could not be read for this push (its cluster's DescribeServices, its task
 * definition, its running image in ECR, its rollbacks: a lasting error for it alone): it fails —
 * the invocation fails and is retried, then dead-lettered — while the other services of the push
 * are planned and applied (their retry finds them `deployed-earlier`).
 */
export interface UnreadAction {
  readonly kind: "unread";
  readonly service: ServiceRef;
  readonly reason: string;
}

export type RedeployAction = DeployAction | QueueAction | SkipAction | UnreadAction;

/** The plan for one push: data, printed by `--dry-run`, asserted by tests, sent to Slack. */
export interface RedeployPlan {
  readonly push: ImagePush;
  readonly actions: readonly RedeployAction[];
  /** What was read of the pushed image (platforms, signatures), when a service needed it. */
  readonly image?: ImageFacts;
}

export type DeployOutcome =
  | {
      readonly kind: "deployed";
      readonly action: DeployAction;
      readonly taskDefinitionArn: string;
      readonly deploymentId?: string;
    }
  | { readonly kind: "skipped"; readonly action: SkipAction }
  | {
      readonly kind: "queued";
      readonly action: QueueAction;
      /** An older queued push this one replaced. */
      readonly superseded?: PendingPush;
    }
  | {
      readonly kind: "failed";
      readonly action: DeployAction | QueueAction | UnreadAction;
      readonly error: string;
      /**
       * The service or its queue changed while this push was applied (another push queued at the
       * same moment; this event's own earlier attempt had moved the service): plan it again now,
       * against what holds then. Set only by the apply step; `planAndApply` decides again.
       */
      readonly decideAgain?: true;
    };

export interface RedeployReport {
  readonly plan: RedeployPlan;
  readonly outcomes: readonly DeployOutcome[];
  readonly dryRun: boolean;
  /** Set when the push was queued before and is now released by the end of deployment `behind`. */
  readonly released?: { readonly behind: string };
  /** Problems that did not stop the roll-outs (e.g. a deployment record not written). */
  readonly warnings?: readonly string[];
}

/**
 * What a queued push waits for, as a reader is told: "deployment ecs-svc/…" (the id between
 * `quote`s), or the change in words.
 */
export const behindText = (behind: string, quote = ""): string =>
  /^ecs-svc\/|^\?$/.test(behind) ? `deployment ${quote}${behind}${quote}` : behind;
