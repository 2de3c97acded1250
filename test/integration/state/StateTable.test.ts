/**
 * The state table's owner against moto. moto processes every batch item at once, so the partial
 * results DynamoDB returns under throttling (UnprocessedItems / UnprocessedKeys) are injected by a
 * middleware that forwards only part of each batch to moto and reports the rest as unprocessed —
 * the requests that do reach moto are real.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { StateIncompleteError, StateTable, stateKeys } from "../../../core/state/index.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;

type Batch = Record<string, unknown[]>;
interface Args {
  input: { RequestItems?: Record<string, unknown> };
}

/**
 * A document client whose batches reach moto only partly (half of each batch), `partialCalls`
 * times; with `stuck`, no item of a batch write ever gets through (sustained throttling).
 */
function partialClient(partialCalls: number, stuck = false) {
  const calls = { BatchWriteItem: 0, BatchGetItem: 0 };
  const client = new DynamoDBClient({ region: REGION });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName?.replace(/Command$/, "");
      if (operation !== "BatchWriteItem" && operation !== "BatchGetItem") return next(args);
      calls[operation]++;
      const input = (args as unknown as Args).input;
      if (calls[operation] > partialCalls) return next(args);
      const [table, requests] = Object.entries(input.RequestItems ?? {})[0] ?? ["", []];
      if (operation === "BatchWriteItem" && stuck)
        return {
          output: { $metadata: {}, UnprocessedItems: { [table]: requests } },
          response: {},
        } as Awaited<ReturnType<typeof next>>;
      if (operation === "BatchWriteItem") {
        const all = requests as unknown[];
        const kept = all.slice(0, Math.ceil(all.length / 2));
        const rest = all.slice(kept.length);
        input.RequestItems = { [table]: kept };
        const result = (await next(args)) as { output: { UnprocessedItems?: Batch } };
        result.output.UnprocessedItems = rest.length > 0 ? { [table]: rest } : {};
        return result as Awaited<ReturnType<typeof next>>;
      }
      const keys = (requests as { Keys: unknown[] }).Keys;
      const kept = keys.slice(0, Math.ceil(keys.length / 2));
      const rest = keys.slice(kept.length);
      input.RequestItems = { [table]: { ...(requests as object), Keys: kept } };
      const result = (await next(args)) as { output: { UnprocessedKeys?: Record<string, unknown> } };
      result.output.UnprocessedKeys =
        rest.length > 0 ? { [table]: { Keys: rest, ConsistentRead: true } } : {};
      return result as Awaited<ReturnType<typeof next>>;
    },
    { step: "serialize", priority: "high", name: "injectPartialBatches" },
  );
  return { documents: DynamoDBDocumentClient.from(client), calls };
}

const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({
    ...stateKeys.scheduleMemory(`${prefix}-${i}`),
    upMin: i,
    upMax: i,
  }));

describe("StateTable (core/state)", () => {
  beforeAll(async () => {
    world = await createWorld();
  });

  it("writes every item of a batch even when DynamoDB leaves some unprocessed, then reads them all back", async () => {
    const { documents, calls } = partialClient(6);
    const table = new StateTable(documents, world.tableName);
    const written = items(60, "write");
    await table.batchWriteAll(written.map((put) => ({ put })));
    // 60 items = 3 batches of ≤ 25; the first 6 calls each left half unprocessed, so more calls were needed.
    expect(calls.BatchWriteItem).toBeGreaterThan(3);

    const read = await table.batchGetAll(written.map(({ pk, sk }) => ({ pk, sk })));
    expect(calls.BatchGetItem).toBeGreaterThan(1);
    expect(read.map((item) => item.upMin).sort((a, b) => Number(a) - Number(b))).toEqual(
      written.map((item) => item.upMin),
    );
  });

  it("deletes through the same batches", async () => {
    const { documents } = partialClient(2);
    const table = new StateTable(documents, world.tableName);
    const written = items(30, "delete");
    await table.batchWriteAll(written.map((put) => ({ put })));
    await table.batchWriteAll(written.map(({ pk, sk }) => ({ delete: { pk, sk } })));
    expect(await world.state.batchGetAll(written.map(({ pk, sk }) => ({ pk, sk })))).toEqual([]);
  });

  it("fails with StateIncompleteError when items stay unprocessed past the deadline, naming how many", async () => {
    const { documents } = partialClient(Number.POSITIVE_INFINITY, true);
    const table = new StateTable(documents, world.tableName);
    const error = await table
      .batchWriteAll(
        items(4, "never").map((put) => ({ put })),
        { maxWaitMs: 300 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateIncompleteError);
    expect((error as StateIncompleteError).code).toBe("state-incomplete");
    expect((error as StateIncompleteError).operation).toBe("BatchWriteItem");
    expect((error as StateIncompleteError).unprocessed).toBeGreaterThan(0);
  });

  it("claims a key once, and again once the claim has expired", async () => {
    const key = stateKeys.once("test", "claim-1");
    expect(await world.state.claim(key, 60)).toBe(true);
    expect(await world.state.claim(key, 60)).toBe(false);
    // An expired claim DynamoDB has not deleted yet counts as gone.
    await world.state.put({ ...key, expiration: Math.floor(Date.now() / 1000) - 1 });
    expect(await world.state.claim(key, 60)).toBe(true);
  });

  it("treats an expired item as absent on reads", async () => {
    const key = stateKeys.once("test", "expired");
    await world.state.put({ ...key, expiration: Math.floor(Date.now() / 1000) - 5 });
    expect(await world.state.get(key)).toBeUndefined();
    await world.state.put({ ...key, expiration: Math.floor(Date.now() / 1000) + 60 });
    expect(await world.state.get(key)).toMatchObject(key);
  });
});
