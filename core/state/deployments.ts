import { stateKeys } from "./keys.ts";
import type { StateTable } from "./StateTable.ts";
import { expiresIn } from "./ttl.ts";

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

/** How long a deployment record is kept. */
export const DEPLOYMENT_RECORD_SECONDS = 7 * 24 * 60 * 60;

/** Records the deployments a push started (batched, retried until written). */
export async function recordRedeployments(
  table: StateTable,
  records: readonly RedeploymentRecord[],
): Promise<void> {
  const expiration = expiresIn(DEPLOYMENT_RECORD_SECONDS);
  await table.batchWriteAll(
    records.map((record) => ({
      put: { ...stateKeys.deployment(record.deploymentId), kind: "redeployment", ...record, expiration },
    })),
  );
}

/** The record of a deployment the redeploy flow started, if it did. */
export async function findRedeployment(
  table: StateTable,
  deploymentId: string,
): Promise<RedeploymentRecord | undefined> {
  const item = await table.get<RedeploymentRecord>(stateKeys.deployment(deploymentId));
  if (!item) return undefined;
  const {
    pk: _pk,
    sk: _sk,
    ...record
  } = item as RedeploymentRecord & { pk: string; sk: string; kind?: string; expiration?: number };
  return record;
}
