import { createHash } from "node:crypto";
import {
  ConditionalCheckFailedException,
  IdempotentParameterMismatchException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  ABSENT_OR_EXPIRED,
  epochSeconds,
  expiresIn,
  type LeaseItem,
  REDRIVE_HORIZON_SECONDS,
  readStopStats,
  type StateTable,
  type StopStats,
  stateKeys,
  stopStatsUpdate,
  type TransactItem,
} from "../state/index.ts";
import type { StopClass } from "./classifyStop.ts";

/** An open (or just recovered) crash-loop incident of one service. */
export interface Incident {
  readonly serviceArn: string;
  readonly openedAt: string;
  readonly firstStopAt: string;
  readonly stops: number;
  readonly lastClass: StopClass;
  readonly lastReason: string;
  readonly lastTaskArn: string;
  /** The stop that opened it: its own retry tells the opening again (the message is posted once). */
  readonly openedByStop?: string;
  /**
   * `recovered` once the service was steady again (kept as long as its steady-state event can be
   * redriven, so a retry or a redrive can still tell it).
   */
  readonly status?: "open" | "recovered";
  readonly recoveredAt?: string;
}

export type { StopStats };

/** Who counted a stop: this event (now, or in an earlier attempt of it) or another event of the same stop. */
export interface StopCount {
  readonly by: "counted" | "counted-before-by-this-event" | "counted-by-another-event";
  /** The service's incident as read before counting (abnormal stops only). */
  readonly incident?: Incident;
}

/** How long an incident stays open without news. */
const INCIDENT_SECONDS = 7 * 24 * 60 * 60;
/**
 * How long a recovered incident is kept: its recovery message may still be retried or redriven
 * from the dead-letter queue (a recovered incident changes no decision, it only lets the
 * steady-state event that recovered it tell it). The recovery's "tell once" lives as long
 * (monitorEvent.ts), so a later steady state never tells it again.
 */
export const RECOVERED_SECONDS = REDRIVE_HORIZON_SECONDS;
/**
 * How long a counted stop is remembered. ECS sends several events per stop, within minutes; but
 * the same event may also come back from the dead-letter queue up to {@link REDRIVE_HORIZON_SECONDS}
 * after it was counted (a counted stop whose alert could not be queued on any retry), and must
 * then find the stop counted. One small item per stopped task (about 300 bytes: two ARN keys,
 * the event id, the expiration): 10,000 stops a day keep about 150,000 items, some 45 MB.
 */
export const STOP_SECONDS = REDRIVE_HORIZON_SECONDS;

/** The incident as the transaction left it: one more stop for an open one. */
const counted = (incident: Incident, stop: { readonly stopClass: StopClass }): Incident =>
  isOpen(incident) ? { ...incident, stops: incident.stops + 1, lastClass: stop.stopClass } : incident;

/** What the table adds to an item: its key, its kind and its expiration. */
interface StoredFields {
  readonly pk?: string;
  readonly sk?: string;
  readonly kind?: string;
  readonly expiration?: number;
}

/** The incident alone, without the fields of the item it was read from. */
function withoutStoredFields(item: Incident & StoredFields): Incident {
  const { pk: _pk, sk: _sk, kind: _kind, expiration: _expiration, ...incident } = item;
  return incident;
}

const isOpen = (incident: Incident | undefined): incident is Incident =>
  incident !== undefined && incident.status !== "recovered";

/**
 * The monitor's memory in the state table: which task stops were counted, per-minute stop
 * counts, crash-loop incidents and daily stop statistics. A stop is counted exactly once across
 * duplicate events, retries and lost replies: the marker that says "counted" and every counter
 * it moves are written in one transaction, with a client request token.
 */
export class MonitorState {
  constructor(
    private readonly table: StateTable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The service's incident, open or recovered; undefined when there is none. */
  async incident(serviceArn: string): Promise<Incident | undefined> {
    return this.table.get<Incident>(stateKeys.incident(serviceArn));
  }

  /**
   * Counts a stop once: the "counted" marker, the daily statistics and — for an abnormal stop —
   * either the open incident's count or the stop's minute (the crash-loop window), atomically.
   * A second event of the same stop, or a retry, changes nothing and says who counted it.
   * `token` is off only for the second try after DynamoDB refused the token (see below).
   */
  async countStopOnce(
    stop: {
      readonly stopId: string;
      readonly eventId: string;
      readonly serviceArn: string;
      readonly stopClass: StopClass;
      readonly abnormal: boolean;
      readonly reason: string;
      readonly taskArn: string;
      readonly windowMinutes: number;
    },
    token = true,
  ): Promise<StopCount> {
    const now = this.now();
    const incident = stop.abnormal ? await this.incident(stop.serviceArn) : undefined;
    const marker = stateKeys.taskStop(stop.stopId);
    const items: TransactItem[] = [
      {
        Put: {
          Item: {
            ...marker,
            kind: "stop-counted",
            countedBy: stop.eventId,
            expiration: expiresIn(STOP_SECONDS, now),
          },
          ConditionExpression: ABSENT_OR_EXPIRED,
          ExpressionAttributeValues: { ":now": epochSeconds(now) },
        },
      },
      { Update: stopStatsUpdate(stop.serviceArn, stop, now) },
    ];
    if (stop.abnormal && isOpen(incident)) {
      const key = stateKeys.incident(stop.serviceArn);
      items.push({
        Update: {
          Key: { pk: key.pk, sk: key.sk },
          ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(#status) OR #status = :open)",
          UpdateExpression:
            "ADD stops :one SET lastClass = :class, lastReason = :reason, lastTaskArn = :task, expiration = :expiration",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":one": 1,
            ":open": "open",
            ":class": stop.stopClass,
            ":reason": stop.reason.slice(0, 1000),
            ":task": stop.taskArn,
            ":expiration": expiresIn(INCIDENT_SECONDS, now),
          },
        },
      });
    } else if (stop.abnormal) {
      const key = stateKeys.stopMinute(stop.serviceArn, Math.floor(epochSeconds(now) / 60));
      items.push({
        Update: {
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: "ADD stops :one SET expiration = :expiration",
          ExpressionAttributeValues: {
            ":one": 1,
            ":expiration": expiresIn((stop.windowMinutes + 5) * 60, now),
          },
        },
      });
    }
    try {
      // The same stop always gets the same token: a retried call after a lost reply is a no-op.
      await this.table.transactWrite(
        items,
        token ? createHash("sha256").update(stop.stopId).digest("hex").slice(0, 36) : undefined,
      );
      return { by: "counted", ...(incident ? { incident: counted(incident, stop) } : {}) };
    } catch (error) {
      // DynamoDB keeps a token for 10 minutes and refuses it with other values: a retried
      // invocation (a later expiration, maybe another minute) or the retry below. The marker's
      // condition alone still counts the stop once; a lost reply then reads as counted before.
      if (error instanceof IdempotentParameterMismatchException && token)
        return this.countStopOnce(stop, false);
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === "ConditionalCheckFailed") {
        const marked = await this.table.get<{ countedBy?: string }>(marker);
        return {
          by:
            marked?.countedBy === stop.eventId ? "counted-before-by-this-event" : "counted-by-another-event",
          ...(incident ? { incident } : {}),
        };
      }
      // The incident closed between the read and the write: count the stop without it.
      if (reasons[2]?.Code === "ConditionalCheckFailed") return this.countStopOnce(stop, false);
      throw error;
    }
  }

  /**
   * The stops of the last `withinMinutes` minutes (counted by {@link countStopOnce}), with the
   * first minute that had one. `after` (a recovered incident's `openedAt`) leaves out the minutes
   * up to that one: their stops opened that incident and are not counted towards another.
   */
  async recentStops(
    serviceArn: string,
    withinMinutes: number,
    after?: string,
  ): Promise<{ stops: number; since: Date }> {
    const minute = Math.floor(epochSeconds(this.now()) / 60);
    const afterMinute = after ? Math.floor(Date.parse(after) / 60_000) + 1 : Number.NEGATIVE_INFINITY;
    const from = Math.max(minute - withinMinutes + 1, afterMinute);
    if (from > minute) return { stops: 0, since: new Date(minute * 60_000) };
    const items = await this.table.queryRange(stateKeys.stopMinutes(serviceArn, from, minute));
    const first = items.reduce((min, item) => Math.min(min, stateKeys.minuteOf(item.sk)), minute);
    return {
      stops: items.reduce((sum, item) => sum + Number(item.stops ?? 0), 0),
      since: new Date(first * 60_000),
    };
  }

  /**
   * Opens an incident; returns it, or the one already open (opened by another invocation, or by
   * this stop in an earlier attempt — compare `openedByStop`).
   */
  async openIncident(
    incident: Omit<Incident, "openedAt" | "status">,
  ): Promise<{ opened: boolean; incident: Incident }> {
    const now = this.now();
    const item: Incident = { ...incident, openedAt: now.toISOString(), status: "open" };
    try {
      await this.table.put(
        {
          ...stateKeys.incident(incident.serviceArn),
          kind: "incident",
          ...item,
          expiration: expiresIn(INCIDENT_SECONDS, now),
        },
        {
          ConditionExpression: `${ABSENT_OR_EXPIRED} OR #status = :recovered`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":now": epochSeconds(now), ":recovered": "recovered" },
        },
      );
      return { opened: true, incident: item };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.incident(incident.serviceArn);
      if (!existing) return this.openIncident(incident);
      return { opened: false, incident: existing };
    }
  }

  /**
   * Recovers the service's open incident for a steady-state event (`id`, `time`: when ECS saw the
   * service steady) and returns what the event recovered:
   * - `recovered`: the incident this event recovered — now, or in an earlier attempt (kept under
   *   the event's id, so a retry or a redrive tells that one even after a later incident took the
   *   service's item), or one recovered before by another event (told once by whichever tells it);
   * - `predates`: the open incident's first stop came after the steady state, which therefore
   *   says nothing about it (a retry or a redrive of an older event): it stays open;
   * - undefined: no incident.
   * The incident's update and the event's record are one transaction: a retry finds both or neither.
   */
  async recoverIncident(
    serviceArn: string,
    event: { readonly id: string; readonly time: string },
  ): Promise<{ recovered: Incident } | { predates: Incident } | undefined> {
    const record = stateKeys.incidentRecovery(event.id);
    const earlier = await this.table.get<Incident & StoredFields>(record);
    if (earlier) return { recovered: withoutStoredFields(earlier) };
    const incident = await this.incident(serviceArn);
    if (!incident) return undefined;
    if (incident.status === "recovered") return { recovered: incident };
    if (Date.parse(incident.firstStopAt) > Date.parse(event.time)) return { predates: incident };
    const now = this.now();
    const recovered: Incident = {
      ...withoutStoredFields(incident),
      status: "recovered",
      recoveredAt: now.toISOString(),
    };
    const expiration = expiresIn(RECOVERED_SECONDS, now);
    const key = stateKeys.incident(serviceArn);
    try {
      await this.table.transactWrite(
        [
          {
            Update: {
              Key: { pk: key.pk, sk: key.sk },
              ConditionExpression: "openedAt = :openedAt",
              UpdateExpression: "SET #status = :recovered, recoveredAt = :at, expiration = :expiration",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: {
                ":openedAt": incident.openedAt,
                ":recovered": "recovered",
                ":at": now.toISOString(),
                ":expiration": expiration,
              },
            },
          },
          {
            Put: {
              Item: { ...record, kind: "incident-recovery", ...recovered, expiration },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
        // The same event recovering the same incident: a call retried after a lost reply is a no-op.
        createHash("sha256").update(`${event.id}#${incident.openedAt}`).digest("hex").slice(0, 36),
      );
      return { recovered };
    } catch (error) {
      // The incident changed (another steady state recovered it, a stop reopened it) or this
      // event's record appeared (a concurrent attempt): read again.
      if (
        error instanceof TransactionCanceledException ||
        error instanceof IdempotentParameterMismatchException
      )
        return this.recoverIncident(serviceArn, event);
      throw error;
    }
  }

  /**
   * Whether a "tell once" message of this kind and id was told within its period. A claim still
   * pending is not "told": another invocation may be telling it right now — or an earlier attempt
   * of this very event left it when queueing failed (a write applied, its reply lost) and the
   * retry must tell it. The delivery step's lease decides between the two (runtime/deliver.ts).
   */
  async told(kind: string, id: string): Promise<boolean> {
    const claim = await this.table.get<LeaseItem>(stateKeys.once(kind, id));
    return claim?.status === "done" && Number(claim.expiration) >= epochSeconds(this.now());
  }

  /** The service's daily stop statistics for the last `days` days. */
  async readStopStats(serviceArn: string, days: number): Promise<StopStats[]> {
    return readStopStats(this.table, serviceArn, days, this.now());
  }
}
