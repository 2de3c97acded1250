import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
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

/** Daily stop counters of a service, read by the right-sizing flow. */
export interface StopStats {
  readonly day: string;
  readonly stops: number;
  readonly outOfMemory: number;
  readonly byClass: Readonly<Record<string, number>>;
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === "ConditionalCheckFailedException";
/** DynamoDB deletes expired items lazily (up to days later): conditions treat them as gone. */
const ABSENT_OR_EXPIRED = "attribute_not_exists(pk) OR expiration < :now";

/**
 * The monitor's memory in the state table: which task stops were counted, per-minute stop
 * counts, open incidents, alert cooldowns, per-webhook rate limits and daily stop statistics.
 * Every write that decides "tell Slack or not" is a conditional write, so two concurrent
 * invocations never both send the same message.
 */
export class MonitorState {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** True the first time a task's stop is seen (ECS sends several events per stop). */
  async claimTaskStop(taskArn: string): Promise<boolean> {
    return this.#putIfAbsent({ pk: `task#${taskArn}`, sk: "stop" }, 24 * 60 * 60);
  }

  /**
   * Counts the stop in its minute and returns the stops of the last `withinMinutes` minutes,
   * with the start of the earliest minute that had one.
   */
  async countStop(serviceArn: string, withinMinutes: number): Promise<{ stops: number; since: Date }> {
    const now = this.now();
    const minute = Math.floor(epoch(now) / 60);
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `svc#${serviceArn}`, sk: `stops#${minute}` },
        UpdateExpression: "ADD stops :one SET expiration = :expiration",
        ExpressionAttributeValues: { ":one": 1, ":expiration": epoch(now) + (withinMinutes + 5) * 60 },
      }),
    );
    const response = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": `svc#${serviceArn}`,
          ":from": `stops#${minute - withinMinutes + 1}`,
          ":to": `stops#${minute}`,
        },
        ConsistentRead: true,
      }),
    );
    const items = response.Items ?? [];
    const first = items.reduce(
      (min, item) => Math.min(min, Number(String(item.sk).slice("stops#".length))),
      minute,
    );
    return {
      stops: items.reduce((sum, item) => sum + Number(item.stops ?? 0), 0),
      since: new Date(first * 60_000),
    };
  }

  /** Adds a stop to the open incident; false when none is open. */
  async updateIncident(
    serviceArn: string,
    stop: { stopClass: StopClass; reason: string; taskArn: string },
  ): Promise<Incident | undefined> {
    try {
      const response = await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `svc#${serviceArn}`, sk: "incident" },
          ConditionExpression: "attribute_exists(pk)",
          UpdateExpression:
            "ADD stops :one SET lastClass = :class, lastReason = :reason, lastTaskArn = :task, expiration = :expiration",
          ExpressionAttributeValues: {
            ":one": 1,
            ":class": stop.stopClass,
            ":reason": stop.reason.slice(0, 1000),
            ":task": stop.taskArn,
            ":expiration": epoch(this.now()) + 7 * 24 * 60 * 60,
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return response.Attributes as Incident;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Opens an incident; undefined when another invocation opened it first. */
  async openIncident(incident: Omit<Incident, "openedAt">): Promise<Incident | undefined> {
    const item: Incident = { ...incident, openedAt: this.now().toISOString() };
    const opened = await this.#putIfAbsent(
      { pk: `svc#${incident.serviceArn}`, sk: "incident", ...item },
      7 * 24 * 60 * 60,
    );
    return opened ? item : undefined;
  }

  /** Closes the open incident and returns it; undefined when none was open. */
  async closeIncident(serviceArn: string): Promise<Incident | undefined> {
    const response = await this.documents.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: `svc#${serviceArn}`, sk: "incident" },
        ReturnValues: "ALL_OLD",
      }),
    );
    return response.Attributes as Incident | undefined;
  }

  /** True when this alert was not sent within the cooldown (and marks it sent). */
  async claimAlert(key: string, cooldownMinutes: number): Promise<boolean> {
    return this.#putIfAbsent({ pk: `alert#${key}`, sk: "cooldown" }, cooldownMinutes * 60);
  }

  /** True while a webhook has sent fewer than `limit` messages this minute (and counts this one). */
  async takeRateToken(webhook: string, limit: number): Promise<boolean> {
    const now = this.now();
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `rate#${webhook}`, sk: String(Math.floor(epoch(now) / 60)) },
          ConditionExpression: "attribute_not_exists(sent) OR sent < :limit",
          UpdateExpression: "ADD sent :one SET expiration = :expiration",
          ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":expiration": epoch(now) + 120 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Counts a stop in the service's daily statistics (kept 90 days). */
  async recordStopStats(serviceArn: string, stopClass: StopClass, abnormal: boolean): Promise<void> {
    const now = this.now();
    await this.documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `svc#${serviceArn}`, sk: `stats#${now.toISOString().slice(0, 10)}` },
        UpdateExpression:
          "ADD stops :one, abnormal :abnormal, oom :oom, #class :one SET expiration = :expiration",
        ExpressionAttributeNames: { "#class": `class_${stopClass}` },
        ExpressionAttributeValues: {
          ":one": 1,
          ":abnormal": abnormal ? 1 : 0,
          ":oom": stopClass === "out-of-memory" ? 1 : 0,
          ":expiration": epoch(now) + 90 * 24 * 60 * 60,
        },
      }),
    );
  }

  /**
   * The service's daily stop statistics for the last `days` days: what the right-sizing flow
   * reads to never recommend less memory for a service that was OOM-killed.
   */
  async readStopStats(serviceArn: string, days: number): Promise<StopStats[]> {
    const from = new Date(this.now().getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const response = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": `svc#${serviceArn}`,
          ":from": `stats#${from}`,
          ":to": "stats#9999",
        },
      }),
    );
    return (response.Items ?? []).map((item) => ({
      day: String(item.sk).slice("stats#".length),
      stops: Number(item.stops ?? 0),
      outOfMemory: Number(item.oom ?? 0),
      byClass: Object.fromEntries(
        Object.entries(item)
          .filter(([key]) => key.startsWith("class_"))
          .map(([key, value]) => [key.slice("class_".length), Number(value)]),
      ),
    }));
  }

  async #putIfAbsent(item: Record<string, unknown>, ttlSeconds: number): Promise<boolean> {
    const now = epoch(this.now());
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...item, expiration: now + ttlSeconds },
          ConditionExpression: ABSENT_OR_EXPIRED,
          ExpressionAttributeValues: { ":now": now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
