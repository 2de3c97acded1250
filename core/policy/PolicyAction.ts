import type { Evaluation, PolicySettings } from "./evaluate.ts";
import type { UnknownResult } from "./types.ts";

/** What the policy does about one event, as data: printed on a dry run, reported to Slack. */
export type PolicyAction =
  | { readonly kind: "tag"; readonly taskDefinitionArn: string; readonly findings: number }
  | { readonly kind: "deregister"; readonly taskDefinitionArn: string; readonly reason: string }
  | {
      readonly kind: "rollback";
      readonly cluster: string;
      readonly service: string;
      /** The service's full ARN: the key of its one-change-at-a-time lease (shared with redeploy). */
      readonly serviceArn: string;
      readonly from: string;
      readonly to: string;
      readonly reason: string;
      /**
       * Done by an earlier attempt of this event, whose UpdateService replies were lost: the retry
       * found its record and the service on `to` (so nothing is sent again).
       */
      readonly earlierAttempt?: true;
    }
  | {
      readonly kind: "no-rollback";
      readonly cluster: string;
      readonly service: string;
      readonly reason: string;
      /**
       * Why, as data (the reason says it in words, with details a retry may say differently): another
       * change held the service (`retried`); the service moved off the checked revision (onto
       * `runs`); no earlier revision is compliant; or an earlier revision that might be could not
       * be read (`retried`: the event fails, and is checked again).
       */
      readonly why: "held" | "moved" | "no-target" | "unreadable";
      /** What the service runs now, when it moved off the checked revision. */
      readonly runs?: string;
      /**
       * Not rolled back yet: another change held the service, or a possible target could not be
       * read. The event fails so that it is retried (then dead-lettered) and checked again.
       */
      readonly retried?: true;
    };

export interface PolicyOutcome {
  readonly trigger: string;
  readonly mode: PolicySettings["mode"];
  readonly evaluation?: Evaluation;
  /** The service (and its task sets) of a CreateService/UpdateService: reported, never acted on. */
  readonly resources?: readonly Evaluation[];
  /** True only for a revision that was read, evaluated and found compliant. */
  readonly compliant: boolean;
  /**
   * Set when the revision could not be read (throttling, access denied): it is neither compliant
   * nor acted on, the outcome says why, and the invocation fails so that it is checked again.
   */
  readonly unknown?: { readonly taskDefinitionArn: string; readonly reason: string };
  /**
   * Rules at or above `enforceAt` that could not decide on the revision (which, and why). With no
   * finding at or above it, they make the revision not compliant and not acted on: it is neither
   * deregistered nor rolled back from, and never a rollback target.
   */
  readonly undecided?: readonly UnknownResult[];
  readonly actions: readonly PolicyAction[];
  readonly ignored?: string;
}

/** Service exemptions from its `autopilot:policy-exempt` tag (`ECS004 ECS011`). */
