import { createHash } from "node:crypto";
import {
  ClientException,
  type DeploymentConfiguration,
  InvalidParameterException,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type Tag,
  type UpdateServiceCommandInput,
} from "@aws-sdk/client-ecs";
import { AutopilotError, describeError } from "../errors.ts";
import { REVISION_TAGS } from "../tags.ts";

/*
 * What a roll-out decides, without calling AWS: what it registers and updates, which errors it
 * retries, which revision it takes for its own, and what a failed UpdateService leaves (read back:
 * done after all, or failed, with the new revision deregistered only when nothing uses it).
 * rollOut.ts makes the calls. Its own module so that mutation testing (group `ecs-rollout`)
 * mutates these decisions alone.
 */

export interface Deployed {
  readonly taskDefinitionArn: string;
  readonly deploymentId?: string;
  /** The update's reply was lost; reading the service back showed it runs the new revision. */
  readonly confirmedByReadBack?: boolean;
  /** A revision registered by an earlier attempt of the same roll-out was reused, not registered again. */
  readonly reusedRevision?: boolean;
}

/** What a rollout needs: the revision to register and the service to move onto it. */
export interface RollOut {
  readonly register: RegisterTaskDefinitionCommandInput;
  readonly service: { readonly clusterArn: string; readonly serviceArn: string };
  readonly deploymentConfiguration: DeploymentConfiguration;
}

/** A roll-out failed. Says what holds now: the revision the service runs, and what was cleaned up. */
export class RollOutError extends AutopilotError {
  override readonly name = "RollOutError";
  readonly code = "rollout-failed";
  constructor(
    readonly step: "register" | "update",
    cause: unknown,
    /** The revision the service runs after the failure (read back), when it could be read. */
    readonly serviceRuns?: string,
    /** The revision registered for this roll-out and deregistered again because nothing runs it. */
    readonly deregistered?: string,
  ) {
    super(
      `${step === "register" ? "RegisterTaskDefinition" : "UpdateService"} failed: ${describeError(cause)}${
        serviceRuns ? `; the service still runs ${serviceRuns.slice(serviceRuns.lastIndexOf("/") + 1)}` : ""
      }${deregistered ? `; ${deregistered.slice(deregistered.lastIndexOf("/") + 1)} was deregistered again` : ""}`,
      { cause },
    );
  }
}

/** A stable id of a roll-out: the service and what changes in it. */
export function rolloutIdOf(serviceArn: string, change: readonly string[]): string {
  return createHash("sha256")
    .update([serviceArn, ...[...change].sort()].join("\u0000"))
    .digest("hex")
    .slice(0, 32);
}

/** Errors that say the request itself is wrong: retrying or looking up cannot help. */
export const isRequestError = (error: unknown): boolean =>
  error instanceof ClientException || error instanceof InvalidParameterException;

/**
 * The longest wait before the next RegisterTaskDefinition attempt (the wait is a random part of
 * it): doubling from 200 ms after the first attempt, at most 2 s.
 */
export const registerBackoffCeilingMs = (attempt: number): number => Math.min(2_000, 100 * 2 ** attempt);

/**
 * Whether a revision ARN is of `family` itself: ListTaskDefinitions' `familyPrefix` also lists
 * `web-admin` for `web`.
 */
export const isOfFamily = (taskDefinitionArn: string, family: string): boolean =>
  taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf("/") + 1, taskDefinitionArn.lastIndexOf(":")) ===
  family;

/** Whether a revision's tags say this roll-out registered it. */
export const isTaggedWith = (tags: readonly Tag[] | undefined, rolloutId: string): boolean =>
  tags?.some((t) => t.key === REVISION_TAGS.rollout && t.value === rolloutId) ?? false;

/** The revision to register: the roll-out's, tagged with this roll-out's id (any other id it carried replaced). */
export function registerInput(
  register: RegisterTaskDefinitionCommandInput,
  rolloutId: string,
): RegisterTaskDefinitionCommandInput {
  const tags = [
    ...(register.tags ?? []).filter((t) => t.key !== REVISION_TAGS.rollout),
    { key: REVISION_TAGS.rollout, value: rolloutId },
  ];
  return { ...register, tags };
}

/** What UpdateService changes: the service's revision and its deployment configuration (the circuit breaker), nothing else. */
export function updateServiceInput(action: RollOut, taskDefinitionArn: string): UpdateServiceCommandInput {
  return {
    cluster: action.service.clusterArn,
    service: action.service.serviceArn,
    taskDefinition: taskDefinitionArn,
    deploymentConfiguration: action.deploymentConfiguration,
  };
}

/** A roll-out whose UpdateService answered: its deployment is the service's PRIMARY one. */
export function deployedByUpdate(
  taskDefinitionArn: string,
  service: Service | undefined,
  reusedRevision: boolean | undefined,
): Deployed {
  const primary = service?.deployments?.find((d) => d.status === "PRIMARY");
  return {
    taskDefinitionArn,
    ...(primary?.id ? { deploymentId: primary.id } : {}),
    ...(reusedRevision ? { reusedRevision: true } : {}),
  };
}

/** What a failed UpdateService leaves, from the service read back (undefined: it could not be read). */
export type AfterFailedUpdate =
  /** The service runs the new revision: the update happened, its reply was lost. */
  | { readonly kind: "deployed"; readonly deployed: Deployed }
  /**
   * The update did not happen. `deregister`: no deployment of the service uses the new revision,
   * so it is deregistered again; never when one does, or when the service could not be read.
   */
  | { readonly kind: "failed"; readonly deregister: boolean; readonly serviceRuns: string | undefined };

export function afterFailedUpdate(
  taskDefinitionArn: string,
  service: Service | undefined,
  reusedRevision: boolean | undefined,
): AfterFailedUpdate {
  const reused = reusedRevision ? { reusedRevision: true } : {};
  if (service?.taskDefinition === taskDefinitionArn) {
    const primary = service.deployments?.find((d) => d.taskDefinition === taskDefinitionArn);
    return {
      kind: "deployed",
      deployed: {
        taskDefinitionArn,
        ...(primary?.id ? { deploymentId: primary.id } : {}),
        confirmedByReadBack: true,
        ...reused,
      },
    };
  }
  // Never deregister a revision a deployment of the service uses (or one we could not check).
  const inUse = !service || (service.deployments ?? []).some((d) => d.taskDefinition === taskDefinitionArn);
  return { kind: "failed", deregister: !inUse, serviceRuns: service?.taskDefinition };
}
