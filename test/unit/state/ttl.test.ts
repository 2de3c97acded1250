import { describe, expect, it } from "vitest";
import { ABSENT_OR_EXPIRED, epochSeconds, expiresIn, isLive } from "../../../core/state/ttl.ts";

/** 2026-01-01T00:00:00Z in epoch seconds (1,767,225,600). */
const NEW_YEAR = 1_767_225_600;
const at = (iso: string) => new Date(iso);

describe("the state table's expiration (epoch seconds)", () => {
  it("counts whole seconds, the fraction dropped", () => {
    expect(epochSeconds(at("2026-01-01T00:00:00.000Z"))).toBe(NEW_YEAR);
    expect(epochSeconds(at("2026-01-01T00:00:00.999Z"))).toBe(NEW_YEAR);
    expect(epochSeconds(at("2026-01-01T00:00:01.000Z"))).toBe(NEW_YEAR + 1);
  });

  it("sets an item's expiration that many seconds after now", () => {
    expect(expiresIn(60, at("2026-01-01T00:00:00.500Z"))).toBe(NEW_YEAR + 60);
    expect(expiresIn(24 * 60 * 60, at("2026-01-01T00:00:00Z"))).toBe(NEW_YEAR + 86_400);
  });

  it("defaults now to the clock", () => {
    const before = Math.floor(Date.now() / 1000);
    const seconds = epochSeconds();
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(before + 1);
    const expiration = expiresIn(300);
    expect(expiration).toBeGreaterThanOrEqual(before + 300);
    expect(expiration).toBeLessThanOrEqual(before + 301);
  });
});

describe("isLive: claims, cooldowns and markers past their expiration are gone", () => {
  const now = at("2026-01-01T00:00:00.999Z");

  it("is live through the second of its expiration, gone the second after", () => {
    expect(isLive({ expiration: NEW_YEAR + 1 }, now)).toBe(true);
    expect(isLive({ expiration: NEW_YEAR }, now)).toBe(true);
    expect(isLive({ expiration: NEW_YEAR - 1 }, now)).toBe(false);
    expect(isLive({ expiration: NEW_YEAR }, at("2026-01-01T00:00:01Z"))).toBe(false);
  });

  it("keeps an item with no numeric expiration (it never expires), and has no item for nothing read", () => {
    expect(isLive({}, now)).toBe(true);
    // DynamoDB's TTL ignores an expiration that is not a number; so does every read.
    expect(isLive({ expiration: String(NEW_YEAR - 1) }, now)).toBe(true);
    expect(isLive(undefined, now)).toBe(false);
  });

  it("reads the clock when no now is given", () => {
    const seconds = Math.floor(Date.now() / 1000);
    expect(isLive({ expiration: seconds + 60 })).toBe(true);
    expect(isLive({ expiration: seconds - 60 })).toBe(false);
  });

  it("writes the same rule as a DynamoDB condition: no item, or one expired before :now", () => {
    expect(ABSENT_OR_EXPIRED).toBe("attribute_not_exists(pk) OR expiration < :now");
  });
});
