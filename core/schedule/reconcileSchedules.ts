import type { AwsClients } from "../aws/clients.ts";
import type { AutopilotConfig } from "../config/index.ts";
import { StateTable } from "../state/index.ts";
import { applyScheduleWrites } from "./applyScheduleWrites.ts";
import { loadScheduleInputs } from "./loadScheduleInputs.ts";
import { planSchedules } from "./planSchedules.ts";
import type { ScheduleReport } from "./types.ts";

export type { ScheduledServiceRef, ScheduleReport, ScheduleWrite, ServiceSchedulePlan } from "./types.ts";

export interface ReconcileOptions {
  readonly dryRun?: boolean;
  readonly now?: Date;
  /** Reconcile one service (a tag change); the default is every service of every cluster. */
  readonly only?: { readonly cluster: string; readonly service: string };
}

/**
 * Reconciles every service's schedule into Application Auto Scaling, owning only actions named
 * `autopilot-…`: load ({@link loadScheduleInputs}) → plan ({@link planSchedules}, pure) → apply
 * ({@link applyScheduleWrites}) unless `dryRun`. A second run writes nothing; hand-edited drift is
 * repaired; a service whose tag was removed gets its own actions deleted and its remembered
 * capacity restored; an invalid schedule leaves its service untouched.
 */
export async function reconcileSchedules(
  clients: Pick<AwsClients, "ecs" | "autoscaling" | "documents">,
  table: StateTable | string,
  config: AutopilotConfig,
  options: ReconcileOptions = {},
): Promise<ScheduleReport> {
  const state = typeof table === "string" ? new StateTable(clients.documents, table) : table;
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const inputs = await loadScheduleInputs(clients, state, config, options.only);
  const plans = planSchedules(inputs, config, now);
  if (!dryRun) for (const plan of plans) await applyScheduleWrites(clients, state, plan);
  return { now, dryRun, services: plans };
}
