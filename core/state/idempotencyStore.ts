import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { STATE_TABLE_KEYS, stateKeys } from "./keys.ts";

/**
 * A Powertools idempotency store in the state table. Each use gets its own instance and
 * partition (`scope`): Powertools keeps the key prefix on the instance.
 *
 * @example
 * const events = idempotencyStore(clients, "autopilot-state", "redeploy-events");
 */
export function idempotencyStore(
  clients: { readonly dynamodb: DynamoDBClient },
  tableName: string,
  scope: string,
) {
  return new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: STATE_TABLE_KEYS.partitionKey,
    sortKeyAttr: STATE_TABLE_KEYS.sortKey,
    staticPkValue: stateKeys.idempotencyPartition(scope),
    expiryAttr: STATE_TABLE_KEYS.ttl,
    awsSdkV3Client: clients.dynamodb,
  });
}
