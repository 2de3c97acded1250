import type { AwsClients } from "../aws/clients.ts";
import { mapWithConcurrency } from "../aws/concurrency.ts";
import type { AutopilotConfig } from "../config/index.ts";
import { describeError } from "../errors.ts";
import type { StateTable } from "../state/index.ts";
import { applyScheduleWrites } from "./applyScheduleWrites.ts";
import { loadScheduleInputs } from "./loadScheduleInputs.ts";
import { planSchedules } from "./planSchedules.ts";
import type { ScheduleReport, ScheduleWrite } from "./types.ts";

export type { ScheduledServiceRef, ScheduleReport, ScheduleWrite, ServiceSchedulePlan } from "./types.ts";

export interface ReconcileOptions {
  readonly dryRun?: boolean;
  readonly now?: Date;
  /** Services applied at once (default 4). */
  readonly concurrency?: number;
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
  clients: Pick<AwsClients, "ecs" | "autoscaling">,
  state: StateTable,
  config: AutopilotConfig,
  options: ReconcileOptions = {},
): Promise<ScheduleReport> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const inputs = await loadScheduleInputs(clients, state, config, options.only);
  const plans = planSchedules(inputs, config, now);
  if (dryRun) return { now, dryRun, services: plans };
  // One service's failure never stops the others: each is applied (a few at a time, within the
  // Application Auto Scaling rate limits with the SDK's adaptive retries) and reported.
  const applied = await mapWithConcurrency(plans, options.concurrency ?? 4, async (plan) => {
    if (plan.writes.length === 0) return plan;
    const done: ScheduleWrite[] = [];
    try {
      await applyScheduleWrites(clients, state, plan, done);
      return plan;
    } catch (error) {
      return { ...plan, failure: describeError(error), writesDone: done };
    }
  });
  return { now, dryRun, services: applied };
}
