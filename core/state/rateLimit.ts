import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { stateKeys } from "./keys.ts";
import type { StateTable } from "./StateTable.ts";
import { epochSeconds } from "./ttl.ts";

/**
 * True while `channel` has sent fewer than `limit` messages this minute (and counts `messageId`
 * among them): a fixed-window rate limit shared by every concurrent invocation, kept in the state
 * table. The window holds the ids it let through, not a counter, so taking a token is idempotent:
 * a retried attempt of the same message (a lost reply that the SDK retried, a failed invocation
 * that Lambda retried) is let through again without using up another token. A counter would
 * have counted every attempt and, under a fault, used up the minute before the message was sent.
 *
 * @example
 * if (!(await takeRateToken(state, "SlackWebhookUrl", 20, id))) log.warn("rate limit reached");
 */
export async function takeRateToken(
  table: StateTable,
  channel: string,
  limit: number,
  messageId: string,
  now: Date = new Date(),
): Promise<boolean> {
  const seconds = epochSeconds(now);
  try {
    await table.update(stateKeys.rateWindow(channel, Math.floor(seconds / 60)), {
      ConditionExpression: "attribute_not_exists(#ids) OR size(#ids) < :limit OR contains(#ids, :id)",
      UpdateExpression: "ADD #ids :ids SET expiration = :expiration",
      ExpressionAttributeNames: { "#ids": "ids" },
      ExpressionAttributeValues: {
        ":ids": new Set([messageId]),
        ":id": messageId,
        ":limit": limit,
        ":expiration": seconds + 120,
      },
    });
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
