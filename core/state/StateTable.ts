import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  paginateQuery,
  paginateScan,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { chunk } from "../aws/concurrency.ts";
import type { ItemKey, KeyPrefix, KeyRange } from "./keys.ts";
import { StateIncompleteError } from "./StateIncompleteError.ts";
import { ABSENT_OR_EXPIRED, epochSeconds, isLive } from "./ttl.ts";

/** An item of the state table: its key and any attributes. */
export type StateItem = ItemKey & Record<string, unknown>;

type Transact = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];
type WithoutTable<T> = T extends object ? Omit<T, "TableName"> : never;
/** One write of a transaction (the table is filled in). */
export type TransactItem =
  | { readonly Put: WithoutTable<NonNullable<Transact["Put"]>> }
  | { readonly Update: WithoutTable<NonNullable<Transact["Update"]>> }
  | { readonly Delete: WithoutTable<NonNullable<Transact["Delete"]>> }
  | { readonly ConditionCheck: WithoutTable<NonNullable<Transact["ConditionCheck"]>> };

/** One request of a batch write. */
export type StateWrite = { readonly put: StateItem } | { readonly delete: ItemKey };

export interface BatchOptions {
  /**
   * How long unprocessed items are retried (with exponential backoff and jitter) before the
   * batch fails with {@link StateIncompleteError}. Default 15 s.
   */
  readonly maxWaitMs?: number;
}

const DEFAULT_MAX_WAIT_MS = 15_000;
const BASE_DELAY_MS = 50;
const MAX_DELAY_MS = 2_000;

/** Sleeps before the `attempt`-th retry: exponential backoff with full jitter (AWS's advice for batch APIs). */
const backoff = (attempt: number) =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)),
  );

/**
 * The one owner of ecs-autopilot's DynamoDB state table: reads, writes, batches that retry
 * unprocessed items until done or a deadline, and the conditional-write claim. Keys come from
 * {@link stateKeys}; every flow reads and writes its state through this class.
 *
 * @example
 * const table = new StateTable(clients.documents, "autopilot-state");
 * if (await table.claim(stateKeys.taskStop(taskArn), 24 * 3600)) count();
 */
export class StateTable {
  constructor(
    readonly documents: DynamoDBDocumentClient,
    readonly name: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The item at `key`, or undefined when it is absent or expired. */
  async get<T extends object = StateItem>(
    key: ItemKey,
    options: { consistent?: boolean } = {},
  ): Promise<(T & ItemKey) | undefined> {
    const response = await this.documents.send(
      new GetCommand({
        TableName: this.name,
        Key: { pk: key.pk, sk: key.sk },
        ConsistentRead: options.consistent ?? true,
      }),
    );
    const item = response.Item as (T & ItemKey & { expiration?: unknown }) | undefined;
    return isLive(item, this.now()) ? item : undefined;
  }

  /** Writes an item (with extra PutItem options, e.g. a condition); returns the old item when asked for. */
  async put(
    item: StateItem,
    options: Omit<PutCommandInput, "TableName" | "Item"> = {},
  ): Promise<Record<string, unknown> | undefined> {
    const response = await this.documents.send(
      new PutCommand({ ...options, TableName: this.name, Item: item }),
    );
    return response.Attributes;
  }

  /** Updates the item at `key` with the given expression. */
  async update(key: ItemKey, input: Omit<UpdateCommandInput, "TableName" | "Key">) {
    return this.documents.send(
      new UpdateCommand({ ...input, TableName: this.name, Key: { pk: key.pk, sk: key.sk } }),
    );
  }

  /** Deletes the item at `key` (with extra options, e.g. `ReturnValues: "ALL_OLD"`). */
  async delete(key: ItemKey, options: Omit<DeleteCommandInput, "TableName" | "Key"> = {}) {
    return this.documents.send(
      new DeleteCommand({ ...options, TableName: this.name, Key: { pk: key.pk, sk: key.sk } }),
    );
  }

  /**
   * Writes several items atomically (TransactWriteItems): all or none. `token` makes a retried
   * call (a lost reply) idempotent for 10 minutes — DynamoDB's ClientRequestToken.
   */
  async transactWrite(items: ReadonlyArray<TransactItem>, token?: string): Promise<void> {
    const withTable = items.map((item): NonNullable<TransactWriteCommandInput["TransactItems"]>[number] => {
      if ("Put" in item) return { Put: { ...item.Put, TableName: this.name } };
      if ("Update" in item) return { Update: { ...item.Update, TableName: this.name } };
      if ("Delete" in item) return { Delete: { ...item.Delete, TableName: this.name } };
      return { ConditionCheck: { ...item.ConditionCheck, TableName: this.name } };
    });
    await this.documents.send(
      new TransactWriteCommand({ TransactItems: withTable, ...(token ? { ClientRequestToken: token } : {}) }),
    );
  }

  /**
   * True the first time `key` is claimed within `ttlSeconds`: a conditional write that succeeds
   * when the item is absent or expired (DynamoDB deletes expired items late). `attributes` are
   * stored with the claim. The "do once" primitive of every flow.
   */
  async claim(
    key: ItemKey,
    ttlSeconds: number,
    attributes: Record<string, unknown> = {},
    /**
     * Who claims it. A claim already held by the same holder is granted again: the SDK's retry
     * of a put whose reply was lost finds the item it wrote and must not read it as someone
     * else's claim.
     */
    holder?: string,
  ): Promise<boolean> {
    const now = epochSeconds(this.now());
    try {
      await this.put(
        {
          ...attributes,
          pk: key.pk,
          sk: key.sk,
          expiration: now + ttlSeconds,
          ...(holder === undefined ? {} : { claimedBy: holder }),
        },
        holder === undefined
          ? { ConditionExpression: ABSENT_OR_EXPIRED, ExpressionAttributeValues: { ":now": now } }
          : {
              ConditionExpression: `${ABSENT_OR_EXPIRED} OR claimedBy = :holder`,
              ExpressionAttributeValues: { ":now": now, ":holder": holder },
            },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The live items of a partition whose sort key lies in `[from, to]`, consistently read. */
  async queryRange<T extends object = StateItem>(range: KeyRange): Promise<Array<T & ItemKey>> {
    return this.#query("pk = :pk AND sk BETWEEN :from AND :to", {
      ":pk": range.pk,
      ":from": range.from,
      ":to": range.to,
    });
  }

  /** The live items of a partition whose sort key starts with `prefix`, consistently read. */
  async queryPrefix<T extends object = StateItem>(prefix: KeyPrefix): Promise<Array<T & ItemKey>> {
    return this.#query("pk = :pk AND begins_with(sk, :prefix)", {
      ":pk": prefix.pk,
      ":prefix": prefix.prefix,
    });
  }

  /** Every live item of a partition, consistently read. */
  async queryPartition<T extends object = StateItem>(pk: string): Promise<Array<T & ItemKey>> {
    return this.#query("pk = :pk", { ":pk": pk });
  }

  /** Every live item whose `kind` attribute is `kind` (a scan: for rebuilds, not for hot paths). */
  async scanKind<T extends object = StateItem>(kind: string): Promise<Array<T & ItemKey>> {
    const items: Array<T & ItemKey> = [];
    const pages = paginateScan(
      { client: this.documents },
      {
        TableName: this.name,
        FilterExpression: "kind = :kind",
        ExpressionAttributeValues: { ":kind": kind },
        ConsistentRead: true,
      },
    );
    const now = this.now();
    for await (const page of pages)
      for (const item of page.Items ?? []) if (isLive(item, now)) items.push(item as T & ItemKey);
    return items;
  }

  /**
   * Reads many items, 100 keys per BatchGetItem, retrying unprocessed keys with backoff until all
   * are read or `maxWaitMs` has passed ({@link StateIncompleteError}). Absent and expired items are
   * left out of the result.
   */
  async batchGetAll<T extends object = StateItem>(
    keys: readonly ItemKey[],
    options: BatchOptions & { consistent?: boolean } = {},
  ): Promise<Array<T & ItemKey>> {
    const deadline = Date.now() + (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    const found: Array<T & ItemKey> = [];
    const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
    for (const batch of chunk(unique, 100)) {
      let pending: Array<Record<string, unknown>> = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) {
          if (Date.now() >= deadline) throw new StateIncompleteError("BatchGetItem", pending.length, attempt);
          await backoff(attempt);
        }
        const response = await this.documents.send(
          new BatchGetCommand({
            RequestItems: { [this.name]: { Keys: pending, ConsistentRead: options.consistent ?? true } },
          }),
        );
        const now = this.now();
        for (const item of response.Responses?.[this.name] ?? [])
          if (isLive(item, now)) found.push(item as T & ItemKey);
        pending = response.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return found;
  }

  /**
   * Writes and deletes many items, 25 per BatchWriteItem, retrying unprocessed ones with backoff
   * until all are done or `maxWaitMs` has passed ({@link StateIncompleteError}).
   */
  async batchWriteAll(writes: readonly StateWrite[], options: BatchOptions = {}): Promise<void> {
    const deadline = Date.now() + (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    type Request =
      | { PutRequest: { Item: Record<string, unknown> } }
      | { DeleteRequest: { Key: Record<string, unknown> } };
    const requests: Request[] = writes.map((write) =>
      "put" in write
        ? { PutRequest: { Item: write.put } }
        : { DeleteRequest: { Key: { pk: write.delete.pk, sk: write.delete.sk } } },
    );
    for (const batch of chunk(requests, 25)) {
      let pending: Request[] = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) {
          if (Date.now() >= deadline)
            throw new StateIncompleteError("BatchWriteItem", pending.length, attempt);
          await backoff(attempt);
        }
        const response = await this.documents.send(
          new BatchWriteCommand({ RequestItems: { [this.name]: pending } }),
        );
        pending = (response.UnprocessedItems?.[this.name] as Request[] | undefined) ?? [];
      }
    }
  }

  async #query<T extends object>(
    condition: string,
    values: Record<string, unknown>,
  ): Promise<Array<T & ItemKey>> {
    const items: Array<T & ItemKey> = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.name,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ConsistentRead: true,
      },
    );
    const now = this.now();
    for await (const page of pages)
      for (const item of page.Items ?? []) if (isLive(item, now)) items.push(item as T & ItemKey);
    return items;
  }
}
