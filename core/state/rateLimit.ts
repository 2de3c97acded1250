import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { stateKeys } from "./keys.ts";
import type { StateTable } from "./StateTable.ts";
import { epochSeconds } from "./ttl.ts";

/**
 * True while `channel` has taken fewer than `limit` tokens this minute (and takes one): a
 * fixed-window rate limit shared by every concurrent invocation, kept in the state table.
 */
export async function takeRateToken(
  table: StateTable,
  channel: string,
  limit: number,
  now: Date = new Date(),
): Promise<boolean> {
  const seconds = epochSeconds(now);
  try {
    await table.update(stateKeys.rateWindow(channel, Math.floor(seconds / 60)), {
      ConditionExpression: "attribute_not_exists(sent) OR sent < :limit",
      UpdateExpression: "ADD sent :one SET expiration = :expiration",
      ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":expiration": seconds + 120 },
    });
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
