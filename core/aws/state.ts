import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { CreateTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { AwsClients } from "./clients.ts";

/**
 * The state table's layout: one DynamoDB table with a string partition key `pk`, a string sort
 * key `sk`, and TTL on `expiration` (epoch seconds, Powertools' default attribute).
 */
export const STATE_TABLE_KEYS = { partitionKey: "pk", sortKey: "sk", ttl: "expiration" } as const;

/**
 * A Powertools idempotency store in the state table. Each use gets its own instance and
 * partition (`scope`): Powertools keeps the key prefix on the instance.
 *
 * @example
 * const events = idempotencyStore(clients, "autopilot-state", "redeploy-events");
 */
export function idempotencyStore(clients: Pick<AwsClients, "dynamodb">, tableName: string, scope: string) {
  return new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: STATE_TABLE_KEYS.partitionKey,
    sortKeyAttr: STATE_TABLE_KEYS.sortKey,
    staticPkValue: `idempotency#${scope}`,
    expiryAttr: STATE_TABLE_KEYS.ttl,
    awsSdkV3Client: clients.dynamodb,
  });
}

/**
 * Creates the state table with the layout {@link STATE_TABLE_KEYS} describes. SST creates it
 * when deployed (infra/state.ts); the sandbox and tests create it in moto with this.
 */
export async function createStateTable(
  clients: Pick<AwsClients, "dynamodb">,
  tableName: string,
): Promise<void> {
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: STATE_TABLE_KEYS.partitionKey, AttributeType: "S" },
        { AttributeName: STATE_TABLE_KEYS.sortKey, AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: STATE_TABLE_KEYS.partitionKey, KeyType: "HASH" },
        { AttributeName: STATE_TABLE_KEYS.sortKey, KeyType: "RANGE" },
      ],
    }),
  );
  await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 30 }, { TableName: tableName });
  await clients.dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: STATE_TABLE_KEYS.ttl, Enabled: true },
    }),
  );
}

/**
 * True the first time `key` is claimed within `ttlSeconds` (a conditional write; an expired
 * claim counts as gone because DynamoDB deletes expired items late). The "tell once" primitive.
 */
export async function claimOnce(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  ttlSeconds: number,
): Promise<boolean> {
  const now = Math.floor(Date.now() / 1000);
  try {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `once#${key}`, sk: "claim", expiration: now + ttlSeconds },
        ConditionExpression: "attribute_not_exists(pk) OR expiration < :now",
        ExpressionAttributeValues: { ":now": now },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}
