/** Lambda's asynchronous invocation as the harness emulates it: retries, DLQ, timeouts, environments. */
import { describe, expect, it } from "vitest";
import { type DeliveryOptions, deliverAsync, environments } from "./asyncInvoke.ts";

const options = (overrides: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
  functionName: "test",
  timeoutMs: 1000,
  retries: 2,
  retryDelaysMs: [50, 100],
  cutOff: async () => {},
  ...overrides,
});

describe("deliverAsync", () => {
  it("returns after the first invocation that does not throw, retrying at once after a throw", async () => {
    let calls = 0;
    const env = environments(() => async () => {
      calls++;
      if (calls < 2) throw new Error("boom");
      return { ok: true };
    });
    const started = Date.now();
    const delivery = await deliverAsync({ id: "e" }, env, options({ retryDelaysMs: [5_000, 5_000] }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(delivery.deadLettered).toBe(false);
    expect(delivery.invocations.map((i) => i.outcome)).toEqual(["threw", "returned"]);
    expect(delivery.invocations[0]?.error).toBe("Error: boom");
  });

  it("dead-letters the event after 1 + retries failed invocations", async () => {
    const env = environments(() => async () => {
      throw new Error("always");
    });
    const delivery = await deliverAsync({}, env, options());
    expect(delivery.deadLettered).toBe(true);
    expect(delivery.invocations).toHaveLength(3);
  });

  it("keeps a warm environment across retries; cuts a timed-out one off, waits Lambda's delay, starts a fresh one", async () => {
    let invocation = 0;
    const env = environments(() => async () => {
      invocation++;
      if (invocation === 1) throw new Error("first");
      if (invocation === 2) await new Promise((r) => setTimeout(r, 300));
      return "done";
    });
    const lifecycle: string[] = [];
    const delivery = await deliverAsync(
      {},
      env,
      options({
        timeoutMs: 100,
        retryDelaysMs: [0, 150],
        started: (id) => lifecycle.push(`start ${id}`),
        ended: (id) => lifecycle.push(`end ${id}`),
        cutOff: async (id) => {
          lifecycle.push(`cut ${id}`);
        },
      }),
    );
    expect(delivery.invocations.map((i) => i.outcome)).toEqual(["threw", "timed-out", "returned"]);
    const [first, second, third] = delivery.invocations.map((i) => i.environment);
    expect(second).toBe(first);
    expect(third).not.toBe(first);
    expect(lifecycle).toEqual([
      `start ${first}`,
      `end ${first}`,
      `start ${first}`,
      `cut ${first}`,
      `start ${third}`,
      `end ${third}`,
    ]);
  });

  it("gives the handler its remaining time, counting down from the function's timeout", async () => {
    let remaining = 0;
    const env = environments(() => async (_event, context) => {
      remaining = context.getRemainingTimeInMillis();
    });
    await deliverAsync({}, env, options({ timeoutMs: 30_000 }));
    expect(remaining).toBeGreaterThan(29_000);
    expect(remaining).toBeLessThanOrEqual(30_000);
  });
});
