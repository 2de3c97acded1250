import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type StateTable, stateKeys } from "../state/index.ts";
import type { PendingPush } from "./types.ts";

/** How long a queued push waits at most (a deployment stuck longer is a problem the monitor reports). */
export const PENDING_SECONDS = 3 * 24 * 60 * 60;

type PendingItem = PendingPush & { readonly pushEventId: string };

const asPending = ({ push, serviceArn, clusterArn, behind, queuedAt }: PendingItem): PendingPush => ({
  push,
  serviceArn,
  clusterArn,
  behind,
  queuedAt,
});

/** The pushes of `repository` queued for these services, by service ARN. */
export async function loadPendingPushes(
  table: StateTable,
  serviceArns: readonly string[],
  repository: string,
): Promise<Map<string, PendingPush>> {
  if (serviceArns.length === 0) return new Map();
  const items = await table.batchGetAll<PendingItem>(
    serviceArns.map((arn) => stateKeys.pendingPush(arn, repository)),
  );
  return new Map(items.map((item) => [item.serviceArn, asPending(item)]));
}

/** Every queued push (one partition): what the sweep looks at. */
export async function listPendingPushes(table: StateTable): Promise<PendingPush[]> {
  return (await table.queryPartition<PendingItem>(stateKeys.pendingPushes())).map(asPending);
}

/** The pushes queued for one service (one per repository), oldest queued first. */
export async function pendingPushesOf(table: StateTable, serviceArn: string): Promise<PendingPush[]> {
  return (await table.queryPrefix<PendingItem>(stateKeys.pendingPushesOf(serviceArn)))
    .map(asPending)
    .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

/**
 * Queues a push for a service, replacing `expected` (the push the planner saw queued, or none):
 * a conditional write, so two pushes racing for the same service cannot both win. False when the
 * queue changed since it was read (the caller reads and decides again).
 */
export async function queuePendingPush(
  table: StateTable,
  pending: PendingPush,
  expected: PendingPush | undefined,
): Promise<boolean> {
  try {
    await table.put(
      {
        ...stateKeys.pendingPush(pending.serviceArn, pending.push.repository),
        kind: "pending-push",
        ...pending,
        pushEventId: pending.push.eventId,
        expiration: Math.floor(Date.now() / 1000) + PENDING_SECONDS,
      },
      expected
        ? {
            ConditionExpression: "pushEventId IN (:expected, :mine)",
            ExpressionAttributeValues: { ":expected": expected.push.eventId, ":mine": pending.push.eventId },
          }
        : {
            ConditionExpression: "attribute_not_exists(pk) OR pushEventId = :mine",
            ExpressionAttributeValues: { ":mine": pending.push.eventId },
          },
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Removes a service's queued push, if it is still `pending`'s (a newer one may have replaced it). */
export async function removePendingPush(table: StateTable, pending: PendingPush): Promise<void> {
  const pushEventId = pending.push.eventId;
  try {
    await table.delete(stateKeys.pendingPush(pending.serviceArn, pending.push.repository), {
      ConditionExpression: "pushEventId = :id",
      ExpressionAttributeValues: { ":id": pushEventId },
    });
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
