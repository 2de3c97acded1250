/**
 * The state table's key layout, in one place. Every item ecs-autopilot keeps is addressed by a
 * constructor here; no other module spells a key (a test greps for key literals elsewhere).
 *
 * One DynamoDB table, partition key `pk`, sort key `sk` (both strings), TTL on `expiration`
 * (epoch seconds).
 *
 * | pk | sk | what |
 * | --- | --- | --- |
 * | `repo#<account>#<region>#<name>` | `svc#<serviceArn>` | repository → service index entry |
 * | `svc#<serviceArn>` | `repos` | repositories a service is indexed under |
 * | `index#meta` | `built` | the index was built once |
 * | `svc#<serviceArn>` | `stops#<minute>` | stops counted in one minute (crash-loop window) |
 * | `svc#<serviceArn>` | `incident` | open crash-loop incident |
 * | `svc#<serviceArn>` | `stats#<YYYY-MM-DD>` | daily stop statistics (read by right-sizing) |
 * | `svc#<serviceArn>` | `schedule` | the up capacity a schedule restores |
 * | `svc#<serviceArn>` | `rightsize#<ISO week>` | right-sizing stepped the service down that week |
 * | `task#<taskArn>[#<container>]` | `stop` | a stop already counted |
 * | `rate#<webhook>` | `<minute>` | the ids of the messages sent to a webhook in one minute |
 * | `once#<kind>#<id>` | `claim` | a "tell once" claim (alerts: kept for their cooldown) |
 * | `deployment#<deploymentId>` | `redeploy` | a deployment the redeploy flow started |
 * | `agent-disconnected` | `<containerInstanceArn>` | when the monitor first saw an instance's agent disconnected (one partition: the sweep queries it) |
 * | `pending` | `<serviceArn>` | a push waiting for the service's deployment to finish |
 * | `rollout#<serviceArn>` | `<images hash>` | one roll-out of a set of images to a service (lease, then done) |
 * | `rollout#<serviceArn>` | `updating` | the one roll-out changing a service right now (a lease from plan check to UpdateService) |
 * | `event#<flow>#<eventId>` | `claim` | an event being handled or handled (lease, then the stored response) |
 * | `event#monitor#<eventId>` | `recovery` | the incident a steady-state event recovered (for its retry) |
 * | `delivered#<messageId>` | `slack` | an outbox message posted to Slack |
 * | `told#<kind>#<id>` | `slack` | a "tell once" claim's message posted to Slack (by Notify, for its period) |
 */

import { createHash } from "node:crypto";

/** The primary key of one item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A partition and an inclusive sort-key range within it. */
export interface KeyRange {
  readonly pk: string;
  readonly from: string;
  readonly to: string;
}

/** A partition and a sort-key prefix within it. */
export interface KeyPrefix {
  readonly pk: string;
  readonly prefix: string;
}

/** Attribute names of the table's layout (what SST and the tests create). */
export const STATE_TABLE_KEYS = { partitionKey: "pk", sortKey: "sk", ttl: "expiration" } as const;

/**
 * DynamoDB's limit on a partition key: "The minimum length of a partition key value is 1 byte.
 * The maximum length is 2048 bytes" (DynamoDB developer guide, Constraints: partition keys).
 */
export const MAX_PARTITION_KEY_BYTES = 2048;

/**
 * A partition key that always fits: `key` itself when it does, else its first 512 characters and
 * the SHA-256 of the whole (the same key for the same text, another for any other). Events bound
 * every field they carry, but a key joins several (a cluster ARN and a task group, a service and
 * a placement failure's reason), so the join can still be longer than DynamoDB takes.
 */
export function fittedPartitionKey(key: string): string {
  if (Buffer.byteLength(key, "utf8") <= MAX_PARTITION_KEY_BYTES) return key;
  return `${key.slice(0, 512)}…sha256:${createHash("sha256").update(key).digest("hex")}`;
}

const service = (serviceArn: string) => fittedPartitionKey(`svc#${serviceArn}`);
const INDEX_ENTRY = "svc#";
const STOPS = "stops#";
const STATS = "stats#";
const AGENT_DISCONNECTED = "agent-disconnected";

/**
 * The keys of ecs-autopilot's items.
 *
 * @example
 * await table.get(stateKeys.incident(serviceArn));
 */
export const stateKeys = {
  /** Partition of a repository in the index: account, region and name identify an ECR repository. */
  repository: (account: string, region: string, name: string): string => `repo#${account}#${region}#${name}`,
  /** One service under one repository in the index. */
  indexEntry: (repositoryPartition: string, serviceArn: string): ItemKey => ({
    pk: repositoryPartition,
    sk: `${INDEX_ENTRY}${serviceArn}`,
  }),
  /** Every service indexed under a repository. */
  indexEntries: (repositoryPartition: string): KeyPrefix => ({
    pk: repositoryPartition,
    prefix: INDEX_ENTRY,
  }),
  /** The repositories a service is indexed under (to remove them when it changes). */
  indexedRepositories: (serviceArn: string): ItemKey => ({ pk: service(serviceArn), sk: "repos" }),
  /** Written once a full index build completed. */
  indexBuilt: (): ItemKey => ({ pk: "index#meta", sk: "built" }),

  /** Stops of a service counted in one minute (minutes since the epoch). */
  stopMinute: (serviceArn: string, minute: number): ItemKey => ({
    pk: service(serviceArn),
    sk: `${STOPS}${minute}`,
  }),
  /** The minutes `[from, to]` of a service's stop counts. */
  stopMinutes: (serviceArn: string, fromMinute: number, toMinute: number): KeyRange => ({
    pk: service(serviceArn),
    from: `${STOPS}${fromMinute}`,
    to: `${STOPS}${toMinute}`,
  }),
  /** The minute a stop-count key stands for. */
  minuteOf: (sk: string): number => Number(sk.slice(STOPS.length)),
  /** A service's open crash-loop incident. */
  incident: (serviceArn: string): ItemKey => ({ pk: service(serviceArn), sk: "incident" }),
  /** A service's stop statistics of one day (`YYYY-MM-DD`, UTC). */
  stopStatsDay: (serviceArn: string, day: string): ItemKey => ({
    pk: service(serviceArn),
    sk: `${STATS}${day}`,
  }),
  /** A service's daily stop statistics from `fromDay` on. */
  stopStatsSince: (serviceArn: string, fromDay: string): KeyRange => ({
    pk: service(serviceArn),
    from: `${STATS}${fromDay}`,
    to: `${STATS}9999`,
  }),
  /** The day a stop-statistics key stands for. */
  dayOf: (sk: string): string => sk.slice(STATS.length),
  /** A stop already counted (a task, or one container of a task that keeps running). */
  taskStop: (stopId: string): ItemKey => ({ pk: fittedPartitionKey(`task#${stopId}`), sk: "stop" }),
  /** Messages a webhook sent in one minute (minutes since the epoch). */
  rateWindow: (webhook: string, minute: number): ItemKey => ({ pk: `rate#${webhook}`, sk: String(minute) }),

  /** Right-sizing's step down of a service in one ISO week (`2026-W48`): at most one a week. */
  rightsizeStep: (serviceArn: string, isoWeek: string): ItemKey => ({
    pk: service(serviceArn),
    sk: `rightsize#${isoWeek}`,
  }),

  /** The up capacity a schedule restores. */
  scheduleMemory: (serviceArn: string): ItemKey => ({ pk: service(serviceArn), sk: "schedule" }),

  /** A "tell once" claim of one kind (`schedule-invalid`, …) and id. */
  once: (kind: string, id: string): ItemKey => ({
    pk: fittedPartitionKey(`once#${kind}#${id}`),
    sk: "claim",
  }),

  /** When the monitor first saw a container instance's agent disconnected (cleared on reconnect). */
  agentDisconnected: (containerInstanceArn: string): ItemKey => ({
    pk: AGENT_DISCONNECTED,
    sk: containerInstanceArn,
  }),
  /** Every remembered agent disconnect (one partition: the monitor's sweep queries it). */
  agentDisconnects: (): string => AGENT_DISCONNECTED,

  /** A deployment the redeploy flow started. */
  deployment: (deploymentId: string): ItemKey => ({ pk: `deployment#${deploymentId}`, sk: "redeploy" }),

  /**
   * A push waiting for a service's deployment to finish: one per service and repository (an app
   * image and a sidecar's image each have their own, newest wins within a repository).
   */
  pendingPush: (serviceArn: string, repository: string): ItemKey => ({
    pk: "pending",
    sk: `${serviceArn}#${repository}`,
  }),
  /**
   * A push queued by a build before queues were kept per repository (one per service): still
   * released by the sweep, and forgotten under this key.
   */
  legacyPendingPush: (serviceArn: string): ItemKey => ({ pk: "pending", sk: serviceArn }),
  /** The pushes waiting for one service (its repositories'). */
  pendingPushesOf: (serviceArn: string): KeyPrefix => ({ pk: "pending", prefix: `${serviceArn}#` }),
  /** Every pending push (one partition: the sweep queries it). */
  pendingPushes: (): string => "pending",
  /** One roll-out of a set of images (hashed) to a service. */
  rollout: (serviceArn: string, imagesHash: string): ItemKey => ({
    pk: `rollout#${serviceArn}`,
    sk: imagesHash,
  }),
  /** The one roll-out updating a service right now, whatever its images (not a hex hash). */
  serviceUpdate: (serviceArn: string): ItemKey => ({ pk: `rollout#${serviceArn}`, sk: "updating" }),
  /** An event a flow is handling or has handled. */
  event: (flow: string, eventId: string): ItemKey => ({ pk: `event#${flow}#${eventId}`, sk: "claim" }),
  /** A flow's report the outbox did not take, kept for the retry of its event (runtime/deliver.ts). */
  keptReport: (flow: string, eventId: string): ItemKey => ({ pk: `event#${flow}#${eventId}`, sk: "report" }),
  /**
   * A policy rollback this event sent (or is about to send) to a service: what its retry reads when
   * the UpdateService's replies were lost, so that it tells its own rollback, not "nothing was rolled back".
   */
  policyRollback: (eventId: string, serviceArn: string): ItemKey => ({
    pk: `event#policy#${eventId}`,
    sk: `rollback#${serviceArn}`,
  }),
  /**
   * The crash-loop incident a steady-state event recovered, as it recovered it: what a retry or a
   * redrive of that event tells, even once a later incident has taken the service's incident item.
   */
  incidentRecovery: (eventId: string): ItemKey => ({ pk: `event#monitor#${eventId}`, sk: "recovery" }),
  /** An outbox message posted to Slack. */
  delivered: (messageId: string): ItemKey => ({ pk: `delivered#${messageId}`, sk: "slack" }),
  /** A "tell once" claim whose message Notify posted (held for the claim's period). */
  told: (kind: string, id: string): ItemKey => ({
    pk: fittedPartitionKey(`told#${kind}#${id}`),
    sk: "slack",
  }),
} as const;
