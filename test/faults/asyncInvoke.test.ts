/** Lambda's asynchronous invocation as the harness emulates it: retries, DLQ, timeouts, environments. */
import { describe, expect, it } from "vitest";
import { deliverAsync, environments } from "./asyncInvoke.ts";

const options = (overrides: Partial<Parameters<typeof deliverAsync>[2]> = {}) => ({
  functionName: "test",
  timeoutMs: 1000,
  retries: 2,
  freeze: () => {},
  thaw: () => {},
  ...overrides,
});

describe("deliverAsync", () => {
  it("returns after the first invocation that does not throw", async () => {
    let calls = 0;
    const env = environments(() => async () => {
      calls++;
      if (calls < 2) throw new Error("boom");
      return { ok: true };
    });
    const delivery = await deliverAsync({ id: "e" }, env, options());
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

  it("keeps a warm environment across retries, and starts a fresh one after a timeout", async () => {
    let built = 0;
    let invocation = 0;
    const env = environments(() => {
      built++;
      return async () => {
        invocation++;
        if (invocation === 1) throw new Error("first");
        if (invocation === 2) await new Promise((r) => setTimeout(r, 300));
        return "done";
      };
    });
    const events: string[] = [];
    const delivery = await deliverAsync(
      {},
      env,
      options({ timeoutMs: 100, freeze: () => events.push("freeze"), thaw: () => events.push("thaw") }),
    );
    expect(delivery.invocations.map((i) => i.outcome)).toEqual(["threw", "timed-out", "returned"]);
    expect(events).toEqual(["freeze", "thaw"]);
    expect(built).toBe(2);
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
