import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  readStopStats,
  recordStopStats,
  type StateTable,
  type StopStats,
  stateKeys,
} from "../state/index.ts";
import { epochSeconds, expiresIn } from "../state/ttl.ts";
import type { StopClass } from "./classifyStop.ts";

/** An open crash-loop incident of one service. */
export interface Incident {
  readonly serviceArn: string;
  readonly openedAt: string;
  readonly firstStopAt: string;
  readonly stops: number;
  readonly lastClass: StopClass;
  readonly lastReason: string;
  readonly lastTaskArn: string;
}

export type { StopStats };

/** How long an incident stays open without news. */
const INCIDENT_SECONDS = 7 * 24 * 60 * 60;
/** How long a counted stop is remembered (ECS sends several events per stop, within minutes). */
const STOP_SECONDS = 24 * 60 * 60;

/**
 * The monitor's memory in the state table: which task stops were counted, per-minute stop
 * counts, open incidents, alert cooldowns, per-webhook rate limits and daily stop statistics.
 * Every write that decides "tell Slack or not" is a conditional write, so two concurrent
 * invocations never both send the same message.
 */
export class MonitorState {
  constructor(
    private readonly table: StateTable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** True the first time a task's stop is seen (ECS sends several events per stop). */
  async claimTaskStop(stopId: string): Promise<boolean> {
    return this.table.claim(stateKeys.taskStop(stopId), STOP_SECONDS);
  }

  /**
   * Counts the stop in its minute and returns the stops of the last `withinMinutes` minutes,
   * with the start of the earliest minute that had one.
   */
  async countStop(serviceArn: string, withinMinutes: number): Promise<{ stops: number; since: Date }> {
    const now = this.now();
    const minute = Math.floor(epochSeconds(now) / 60);
    await this.table.update(stateKeys.stopMinute(serviceArn, minute), {
      UpdateExpression: "ADD stops :one SET expiration = :expiration",
      ExpressionAttributeValues: { ":one": 1, ":expiration": expiresIn((withinMinutes + 5) * 60, now) },
    });
    const items = await this.table.queryRange(
      stateKeys.stopMinutes(serviceArn, minute - withinMinutes + 1, minute),
    );
    const first = items.reduce((min, item) => Math.min(min, stateKeys.minuteOf(item.sk)), minute);
    return {
      stops: items.reduce((sum, item) => sum + Number(item.stops ?? 0), 0),
      since: new Date(first * 60_000),
    };
  }

  /** Adds a stop to the open incident; undefined when none is open. */
  async updateIncident(
    serviceArn: string,
    stop: { stopClass: StopClass; reason: string; taskArn: string },
  ): Promise<Incident | undefined> {
    try {
      const response = await this.table.update(stateKeys.incident(serviceArn), {
        ConditionExpression: "attribute_exists(pk)",
        UpdateExpression:
          "ADD stops :one SET lastClass = :class, lastReason = :reason, lastTaskArn = :task, expiration = :expiration",
        ExpressionAttributeValues: {
          ":one": 1,
          ":class": stop.stopClass,
          ":reason": stop.reason.slice(0, 1000),
          ":task": stop.taskArn,
          ":expiration": expiresIn(INCIDENT_SECONDS, this.now()),
        },
        ReturnValues: "ALL_NEW",
      });
      return response.Attributes as Incident;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Opens an incident; undefined when another invocation opened it first. */
  async openIncident(incident: Omit<Incident, "openedAt">): Promise<Incident | undefined> {
    const item: Incident = { ...incident, openedAt: this.now().toISOString() };
    const opened = await this.table.claim(stateKeys.incident(incident.serviceArn), INCIDENT_SECONDS, {
      kind: "incident",
      ...item,
    });
    return opened ? item : undefined;
  }

  /** Closes the open incident and returns it; undefined when none was open. */
  async closeIncident(serviceArn: string): Promise<Incident | undefined> {
    const response = await this.table.delete(stateKeys.incident(serviceArn), { ReturnValues: "ALL_OLD" });
    return response.Attributes as Incident | undefined;
  }

  /** True when this alert was not sent within the cooldown (and marks it sent). */
  async claimAlert(alert: string, cooldownMinutes: number): Promise<boolean> {
    return this.table.claim(stateKeys.alertCooldown(alert), cooldownMinutes * 60);
  }

  /** Counts a stop in the service's daily statistics (kept 90 days). */
  async recordStopStats(serviceArn: string, stopClass: StopClass, abnormal: boolean): Promise<void> {
    await recordStopStats(this.table, serviceArn, { stopClass, abnormal }, this.now());
  }

  /** The service's daily stop statistics for the last `days` days. */
  async readStopStats(serviceArn: string, days: number): Promise<StopStats[]> {
    return readStopStats(this.table, serviceArn, days, this.now());
  }
}
