import { ApiCallCounter, type AwsClients, createAwsClients } from "../../core/aws/index.ts";
import {
  createInsightClients,
  type FleetClients,
  fleetClients,
  type InsightClients,
} from "../../core/aws/insightClients.ts";
import { type AutopilotConfig, DEFAULT_CONFIG } from "../../core/config/index.ts";
import type { RedeployContext } from "../../core/redeploy/index.ts";
import { createStateTable, StateTable } from "../../core/state/index.ts";

export const REGION = "eu-west-1";

export interface World {
  readonly clients: AwsClients;
  /** CloudWatch and EC2 (right-sizing only), on the same counter. */
  readonly insight: InsightClients;
  /** What a right-sizing run reads. */
  readonly fleet: FleetClients;
  readonly counter: ApiCallCounter;
  readonly tableName: string;
  /** The state table, through its one owner. */
  readonly state: StateTable;
  context(config?: AutopilotConfig): RedeployContext;
}

let tables = 0;

/** Clients on the worker's moto server (with a call counter) and a fresh state table. */
export async function createWorld(): Promise<World> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region: REGION, counter });
  const tableName = `autopilot-state-${process.pid}-${++tables}`;
  await createStateTable(clients, tableName);
  counter.reset();
  const state = new StateTable(clients.documents, tableName);
  const insight = createInsightClients({ region: REGION, counter });
  return {
    clients,
    insight,
    fleet: fleetClients(clients, insight),
    counter,
    tableName,
    state,
    context: (config = DEFAULT_CONFIG) => ({ clients, state, config }),
  };
}

/** Clears the worker's moto server (every service's state), for a test that counts calls over the whole account. */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
