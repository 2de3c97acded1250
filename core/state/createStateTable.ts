import {
  CreateTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { STATE_TABLE_KEYS } from "./keys.ts";

/**
 * Creates the state table with the layout {@link STATE_TABLE_KEYS} describes. Deployed, SST
 * creates it (`infra/shared.ts`); the sandbox and the tests create it in moto with this.
 */
export async function createStateTable(
  clients: { readonly dynamodb: DynamoDBClient },
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
