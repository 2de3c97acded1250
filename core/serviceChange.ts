import { DescribeServicesCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { busyWith, type GuardedChange, movedOff } from "./ecs/guardedChange.ts";
import { describeError } from "./errors.ts";
import { acquireLease, releaseLease, type StateTable, stateKeys } from "./state/index.ts";

export type { GuardedChange } from "./ecs/guardedChange.ts";

export interface ServiceChangeGuard {
  readonly ecs: ECSClient;
  readonly state: StateTable;
  readonly service: { readonly clusterArn: string; readonly serviceArn: string };
  /** The task definition the change was planned from. */
  readonly expected: string;
  /** Who changes the service: an event id, or a run id. The same owner takes its own lease over (its retry). */
  readonly owner: string;
  /** What the change is, in words another change reads when it finds the service busy. */
  readonly change: string;
  /** How long the lease holds if its holder dies before giving it back. */
  readonly leaseSeconds: number;
  /** Where a lease that could not be given back is told (it then runs out after `leaseSeconds`). */
  readonly log?: { warn(message: string, details?: Record<string, unknown>): void };
}

/**
 * Makes one change to a service (an UpdateService, with whatever it registers first) while no
 * other change of ecs-autopilot's touches the same service, and only if the service still runs
 * the revision the change was planned from. Redeploy, right-sizing and the policy's rollback all
 * go through it, so a plan made from a service as it was never overwrites what another change did
 * since (a newer push's roll-out, a rollback, a step down):
 *
 * 1. a lease on the service in the state table (`stateKeys.serviceUpdate`), from before the
 *    re-check until `change` has answered — by then the service shows the change, so later plans see it;
 * 2. DescribeServices: the service must still run `expected`;
 * 3. `change`; the lease is given back whatever happens.
 *
 * A change that throws gives the lease back and throws; `busy` and `moved` change nothing.
 *
 * @example
 * const result = await changeServiceAlone({ ecs, state, service, expected, owner: event.id,
 *   change: "rollback to web:7", leaseSeconds: 300 }, () => ecs.send(new UpdateServiceCommand(...)));
 */
export async function changeServiceAlone<T>(
  guard: ServiceChangeGuard,
  change: () => Promise<T>,
): Promise<GuardedChange<T>> {
  const key = stateKeys.serviceUpdate(guard.service.serviceArn);
  const lease = await acquireLease<{ change?: string }>(guard.state, key, guard.owner, {
    leaseSeconds: guard.leaseSeconds,
    attributes: { change: guard.change },
  });
  if (!lease.acquired) return busyWith(lease.holder);
  try {
    const described = await guard.ecs.send(
      new DescribeServicesCommand({
        cluster: guard.service.clusterArn,
        services: [guard.service.serviceArn],
      }),
    );
    const moved = movedOff(described.services?.[0], guard.expected);
    if (moved) return moved;
    return { kind: "changed", value: await change() };
  } finally {
    await releaseLease(guard.state, key, guard.owner).catch((error: unknown) =>
      guard.log?.warn("a service lease was not given back; it runs out by itself", {
        service: guard.service.serviceArn,
        error: describeError(error),
      }),
    );
  }
}
