import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { chunk } from "../aws/concurrency.ts";
import type { DeployOutcome } from "./types.ts";

/** What the redeploy flow remembers of a deployment it started, for the monitor to confirm. */
export interface RedeploymentRecord {
  readonly deploymentId: string;
  readonly serviceArn: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest: string;
  readonly taskDefinitionArn: string;
  readonly eventId: string;
}

/** Records the deployments a push started (one BatchWriteItem per 25), kept 7 days. */
export async function recordRedeployments(
  documents: DynamoDBDocumentClient,
  table: string,
  records: readonly RedeploymentRecord[],
): Promise<void> {
  const expiration = Math.floor(Date.now() / 1000) + 7 * 24 * 60 * 60;
  for (const batch of chunk(records, 25)) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: batch.map((record) => ({
            PutRequest: {
              Item: { pk: `deployment#${record.deploymentId}`, sk: "redeploy", ...record, expiration },
            },
          })),
        },
      }),
    );
  }
}

/** The records of a push's outcomes: deployed services with a deployment id. */
export function redeploymentRecords(
  push: { repository: string; tag?: string; digest: string; eventId: string },
  outcomes: readonly DeployOutcome[],
): RedeploymentRecord[] {
  return outcomes.flatMap((outcome) =>
    outcome.kind === "deployed" && outcome.deploymentId
      ? [
          {
            deploymentId: outcome.deploymentId,
            serviceArn: outcome.action.service.serviceArn,
            repository: push.repository,
            ...(push.tag !== undefined ? { tag: push.tag } : {}),
            digest: push.digest,
            taskDefinitionArn: outcome.taskDefinitionArn,
            eventId: push.eventId,
          },
        ]
      : [],
  );
}

export async function findRedeployment(
  documents: DynamoDBDocumentClient,
  table: string,
  deploymentId: string,
): Promise<RedeploymentRecord | undefined> {
  const response = await documents.send(
    new GetCommand({ TableName: table, Key: { pk: `deployment#${deploymentId}`, sk: "redeploy" } }),
  );
  return response.Item as RedeploymentRecord | undefined;
}
