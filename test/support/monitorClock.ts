/**
 * The monitor's core against moto on a test clock: the state table and the monitor's memory read
 * the same clock, and "tell once" claims are kept as runtime/deliver.ts keeps them (a lease,
 * completed for the message's period). Used by the incident tests (test/integration/monitor,
 * review37).
 */
import { parseConfig } from "../../core/config/index.ts";
import {
  type MonitorContext,
  MonitorLookups,
  type MonitorResult,
  MonitorState,
} from "../../core/monitor/index.ts";
import { acquireLease, completeLease, StateTable, stateKeys } from "../../core/state/index.ts";
import { createWorld } from "./world.ts";

export interface MonitorClock {
  readonly context: MonitorContext;
  /** The clock now. */
  readonly now: () => Date;
  /** Sets the clock to `minutes` (and `seconds`) after the start. */
  at(minutes: number, seconds?: number): void;
  /**
   * Claims the result's messages as told, at the clock, and returns the result with how many
   * claims it took (a claim already taken is left as it is).
   */
  delivered(result: MonitorResult): Promise<MonitorResult & { readonly claimed: number }>;
}

/** A fresh moto world with the monitor's config `monitor` (the config's `monitor` section), its clock at `start`. */
export async function monitorOnClock(
  monitor: Record<string, unknown>,
  start = new Date("2026-11-25T12:00:00Z"),
): Promise<MonitorClock> {
  let clock = start;
  const now = () => clock;
  const world = await createWorld();
  const table = new StateTable(world.clients.documents, world.tableName, now);
  const context: MonitorContext = {
    state: new MonitorState(table, now),
    lookups: new MonitorLookups(world.clients.ecs, world.clients.ecr, "667471847564", "us-east-2"),
    config: parseConfig(JSON.stringify({ monitor }), "test").monitor,
    table,
    now,
  };
  return {
    context,
    now,
    at(minutes, seconds = 0) {
      clock = new Date(start.getTime() + minutes * 60_000 + seconds * 1000);
    },
    async delivered(result) {
      let claimed = 0;
      for (const { once } of result.messages) {
        const key = stateKeys.once(once.kind, once.id);
        const lease = await acquireLease(table, key, "test", { leaseSeconds: 60 }, clock);
        if (!lease.acquired) continue;
        await completeLease(table, key, "test", { ttlSeconds: once.seconds }, clock);
        claimed++;
      }
      return { ...result, claimed };
    },
  };
}
