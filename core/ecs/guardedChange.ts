import type { Deployment, Service } from "@aws-sdk/client-ecs";

/*
 * What a change made under `changeServiceAlone` (core/serviceChange.ts) finds, without calling
 * AWS: the service held by another change (and how that change is named), or moved off the
 * revision the change was planned from (and which deployment moved it). serviceChange.ts takes the
 * lease and reads the service. Its own module so that mutation testing (group `service-guard`)
 * mutates these decisions alone.
 */

/** What became of a change made under `changeServiceAlone`. */
export type GuardedChange<T> =
  /** The service was as planned and nobody else was changing it: the change ran. */
  | { readonly kind: "changed"; readonly value: T }
  /** Another change held the service (a roll-out, a right-sizing step, a policy rollback). */
  | { readonly kind: "busy"; readonly holder: string; readonly change: string }
  /**
   * The service no longer runs the revision the change was planned from: someone changed it
   * since. `deploymentId` is its newest deployment (the one that moved it, when it is still running).
   */
  | { readonly kind: "moved"; readonly runs: string | undefined; readonly deploymentId: string | undefined };

/**
 * The service is busy: who holds its lease, and the change it holds it for in its own words (a
 * holder that gave none is named by its owner).
 */
export function busyWith(holder: { readonly owner: string; readonly change?: string | undefined }): {
  readonly kind: "busy";
  readonly holder: string;
  readonly change: string;
} {
  return { kind: "busy", holder: holder.owner, change: holder.change ?? `a change by ${holder.owner}` };
}

/** The newest of a service's deployments by creation time (one without a time counts as oldest). */
export function newestDeployment(deployments: readonly Deployment[] | undefined): Deployment | undefined {
  return [...(deployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  )[0];
}

/**
 * Whether the service (as DescribeServices read it; undefined: not found) moved off `expected`,
 * the revision the change was planned from: undefined when it still runs it, else what it runs and
 * its newest deployment.
 */
export function movedOff(
  service: Service | undefined,
  expected: string,
):
  | { readonly kind: "moved"; readonly runs: string | undefined; readonly deploymentId: string | undefined }
  | undefined {
  if (service?.taskDefinition === expected) return undefined;
  return {
    kind: "moved",
    runs: service?.taskDefinition,
    deploymentId: newestDeployment(service?.deployments)?.id,
  };
}
