import { describe, expect, it } from "vitest";
import { mapWithConcurrency } from "../../../core/aws/index.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("mapWithConcurrency", () => {
  it("keeps at most `limit` calls in flight and returns the results in order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });

  it("after a failure starts nothing new and throws only once the calls in flight have settled", async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapWithConcurrency([1, 2, 3, 4, 5, 6, 7, 8], 3, async (n) => {
      started.push(n);
      if (n === 2) throw new Error("item 2 failed");
      await tick();
      settled++;
      return n;
    });
    await expect(run).rejects.toThrow("item 2 failed");
    // 1 and 3 were in flight with 2; nothing starts after the failure.
    expect(started).toEqual([1, 2, 3]);
    // Both calls in flight had finished when the error was thrown: none runs on behind the caller.
    expect(settled).toBe(2);
  });
});
