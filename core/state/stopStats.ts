import type { STOP_CLASS_NAMES } from "../config/AutopilotConfig.ts";
import { stateKeys } from "./keys.ts";
import type { StateTable } from "./StateTable.ts";
import { expiresIn } from "./ttl.ts";

/** Daily stop counters of a service: written by the monitor, read by right-sizing. */
export interface StopStats {
  readonly day: string;
  readonly stops: number;
  readonly outOfMemory: number;
  readonly byClass: Readonly<Record<string, number>>;
}

/** How long daily stop statistics are kept. */
export const STOP_STATS_DAYS = 90;

type Stop = { readonly stopClass: (typeof STOP_CLASS_NAMES)[number]; readonly abnormal: boolean };

/**
 * The update that counts one stop in the service's statistics of the day (UTC), kept
 * {@link STOP_STATS_DAYS} days: an ADD, so it belongs in the same transaction as the marker that
 * says the stop was counted (the monitor's `countStopOnce`).
 */
export function stopStatsUpdate(serviceArn: string, stop: Stop, now: Date = new Date()) {
  const key = stateKeys.stopStatsDay(serviceArn, now.toISOString().slice(0, 10));
  return {
    Key: { pk: key.pk, sk: key.sk },
    UpdateExpression:
      "ADD stops :one, abnormal :abnormal, oom :oom, #class :one SET expiration = :expiration",
    ExpressionAttributeNames: { "#class": `class_${stop.stopClass}` },
    ExpressionAttributeValues: {
      ":one": 1,
      ":abnormal": stop.abnormal ? 1 : 0,
      ":oom": stop.stopClass === "out-of-memory" ? 1 : 0,
      ":expiration": expiresIn(STOP_STATS_DAYS * 24 * 60 * 60, now),
    },
  };
}

/** Counts one stop in the service's statistics of the day (tests and tools; the monitor uses {@link stopStatsUpdate}). */
export async function recordStopStats(
  table: StateTable,
  serviceArn: string,
  stop: Stop,
  now: Date = new Date(),
) {
  const { Key, ...update } = stopStatsUpdate(serviceArn, stop, now);
  await table.update(Key, update);
}

/**
 * A service's daily stop statistics for the last `days` days up to `now`: what the right-sizing
 * flow reads to never recommend less memory for a service that was OOM-killed.
 */
export async function readStopStats(
  table: StateTable,
  serviceArn: string,
  days: number,
  now: Date = new Date(),
): Promise<StopStats[]> {
  const from = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const items = await table.queryRange(stateKeys.stopStatsSince(serviceArn, from));
  return items.map((item) => ({
    day: stateKeys.dayOf(item.sk),
    stops: Number(item.stops ?? 0),
    outOfMemory: Number(item.oom ?? 0),
    byClass: Object.fromEntries(
      Object.entries(item)
        .filter(([key]) => key.startsWith("class_"))
        .map(([key, value]) => [key.slice("class_".length), Number(value)]),
    ),
  }));
}
