import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { ItemKey } from "./keys.ts";
import type { StateTable } from "./StateTable.ts";
import { epochSeconds } from "./ttl.ts";

/** A claim on a piece of work: held (`pending`) by one owner for a lease, then `done` for a while. */
export interface LeaseItem {
  readonly status: "pending" | "done";
  /** Who holds it: an event id, a message id. The same owner may take its own lease over (its retry). */
  readonly owner: string;
  /** Epoch seconds after which a `pending` lease may be taken over (its holder died). */
  readonly leaseUntil: number;
  readonly expiration: number;
}

export type LeaseAcquisition<T extends object> =
  /** `resumed`: a pending lease of a holder that died (or of this owner's earlier attempt) was taken over. */
  | { readonly acquired: true; readonly resumed: boolean }
  | { readonly acquired: false; readonly holder: LeaseItem & T };

const ACQUIRABLE =
  "attribute_not_exists(pk) OR expiration < :now OR (#status = :pending AND (leaseUntil < :now OR #owner = :owner))";

/**
 * Takes a lease on `key` for `owner`: succeeds when nobody holds it, when it expired, when a
 * pending holder's lease ran out (it died mid-work), or when `owner` itself holds it (its retry).
 * Otherwise returns the current holder (pending elsewhere, or done). The work's outcome is
 * recorded with {@link completeLease}; a failure gives it back with {@link releaseLease}.
 *
 * Lost replies are safe: a retried acquisition by the same owner succeeds again.
 *
 * @example
 * const lease = await acquireLease(table, stateKeys.event("redeploy", id), id, { leaseSeconds: 900 });
 * if (!lease.acquired && lease.holder.status === "done") return lease.holder.response;
 */
export async function acquireLease<T extends object = Record<string, never>>(
  table: StateTable,
  key: ItemKey,
  owner: string,
  options: { readonly leaseSeconds: number; readonly attributes?: Record<string, unknown> },
  now: Date = new Date(),
  attempt = 1,
): Promise<LeaseAcquisition<T>> {
  const seconds = epochSeconds(now);
  let previous: Record<string, unknown> | undefined;
  try {
    previous = await table.put(
      {
        ...options.attributes,
        pk: key.pk,
        sk: key.sk,
        status: "pending",
        owner,
        leaseUntil: seconds + options.leaseSeconds,
        // A pending lease outlives its lease time so that a takeover can still see it.
        expiration: seconds + options.leaseSeconds + 24 * 60 * 60,
      },
      {
        ConditionExpression: ACQUIRABLE,
        ExpressionAttributeNames: { "#status": "status", "#owner": "owner" },
        ExpressionAttributeValues: { ":now": seconds, ":pending": "pending", ":owner": owner },
        // The holder comes back with the refusal: one call, not a write and a read.
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        ReturnValues: "ALL_OLD",
      },
    );
    return {
      acquired: true,
      resumed: previous?.status === "pending" && Number(previous.expiration) >= seconds,
    };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const holder = error.Item
      ? (unmarshall(error.Item) as LeaseItem & T)
      : await table.get<LeaseItem & T>(key);
    // Gone between the write and the read (expired, released): try again, a few times.
    if (!holder) {
      if (attempt >= 3) throw error;
      return acquireLease(table, key, owner, options, now, attempt + 1);
    }
    return { acquired: false, holder };
  }
}

/**
 * Records the outcome of the work under `owner`'s lease: `done`, kept for `ttlSeconds`. Returns
 * false when the lease is no longer `owner`'s (it ran out and another took over).
 */
export async function completeLease(
  table: StateTable,
  key: ItemKey,
  owner: string,
  options: { readonly ttlSeconds: number; readonly attributes?: Record<string, unknown> },
  now: Date = new Date(),
): Promise<boolean> {
  const extra = Object.entries(options.attributes ?? {});
  try {
    await table.update(key, {
      ConditionExpression: "#owner = :owner",
      UpdateExpression: `SET #status = :done, expiration = :expiration${extra
        .map((_, i) => `, #a${i} = :a${i}`)
        .join("")}`,
      ExpressionAttributeNames: {
        "#status": "status",
        "#owner": "owner",
        ...Object.fromEntries(extra.map(([name], i) => [`#a${i}`, name])),
      },
      ExpressionAttributeValues: {
        ":owner": owner,
        ":done": "done",
        ":expiration": epochSeconds(now) + options.ttlSeconds,
        ...Object.fromEntries(extra.map(([, value], i) => [`:a${i}`, value])),
      },
    });
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Gives `owner`'s pending lease back so that a retry can take the work up at once. */
export async function releaseLease(table: StateTable, key: ItemKey, owner: string): Promise<void> {
  try {
    await table.delete(key, {
      ConditionExpression: "#owner = :owner AND #status = :pending",
      ExpressionAttributeNames: { "#owner": "owner", "#status": "status" },
      ExpressionAttributeValues: { ":owner": owner, ":pending": "pending" },
    });
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
