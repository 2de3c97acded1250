import { describe, expect, it } from "vitest";
import type { ImagePush } from "../../../core/redeploy/index.ts";
import { newerThanQueued } from "../../../core/redeploy/planRedeploy.ts";
import { parseTagPolicy } from "../../../core/tagPolicy/index.ts";

/**
 * Which of two pushes waits for a service's deployment (README, "Pushes during a roll-out"): the
 * newer by the tag policy's order and, between tags the policy cannot order (or the same tag
 * pushed again), by push time; between pushes of the same second, by event id, so that every
 * delivery order ends with the same push queued.
 */
const push = (tag: string | undefined, time: string | undefined, eventId: string): ImagePush => ({
  account: "123456789012",
  region: "eu-west-1",
  repository: "shop/web",
  digest: `sha256:${eventId.padEnd(64, "0")}`,
  ...(tag !== undefined ? { tag } : {}),
  eventId,
  ...(time !== undefined ? { time } : {}),
});

const T1 = "2026-11-26T10:00:00Z";
const T2 = "2026-11-26T10:00:10Z";
const minor = parseTagPolicy("minor");
const any = parseTagPolicy("any");

describe("newerThanQueued: the tag policy's order first", () => {
  it("lets a higher version replace the queued one whatever the push times, never a lower one", () => {
    expect(newerThanQueued(push("1.5.1", T1, "a"), push("1.5.0", T2, "b"), minor)).toBe(true);
    expect(newerThanQueued(push("1.5.0", T2, "b"), push("1.5.1", T1, "a"), minor)).toBe(false);
  });

  it("orders by the policy, not by the text: release-10 is newer than release-9", () => {
    const prefix = parseTagPolicy("prefix:release-");
    expect(newerThanQueued(push("release-10", T1, "a"), push("release-9", T2, "b"), prefix)).toBe(true);
    expect(newerThanQueued(push("release-9", T2, "b"), push("release-10", T1, "a"), prefix)).toBe(false);
  });
});

describe("newerThanQueued: push time where the policy has no order (README: 'by push time')", () => {
  it("the same tag pushed again: the later push wins", () => {
    expect(newerThanQueued(push("1.5.0", T2, "a"), push("1.5.0", T1, "b"), minor)).toBe(true);
    expect(newerThanQueued(push("1.5.0", T1, "b"), push("1.5.0", T2, "a"), minor)).toBe(false);
  });

  it("a push by digest only (no tag), against a tagged one or another untagged one: the later wins", () => {
    expect(newerThanQueued(push(undefined, T2, "a"), push("1.5.0", T1, "b"), minor)).toBe(true);
    expect(newerThanQueued(push(undefined, T1, "a"), push("1.5.0", T2, "b"), minor)).toBe(false);
    expect(newerThanQueued(push("1.5.0", T2, "a"), push(undefined, T1, "b"), minor)).toBe(true);
    expect(newerThanQueued(push("1.5.0", T1, "a"), push(undefined, T2, "b"), minor)).toBe(false);
    expect(newerThanQueued(push(undefined, T2, "a"), push(undefined, T1, "b"), minor)).toBe(true);
  });

  it("any between non-version tags: an older push delivered late never replaces a newer queued one", () => {
    // main pushed at T1, develop at T2; develop's event arrived first and was queued.
    expect(newerThanQueued(push("main", T1, "a"), push("develop", T2, "b"), any)).toBe(false);
    expect(newerThanQueued(push("main", T2, "a"), push("develop", T1, "b"), any)).toBe(true);
    // A version and a non-version have no order under any either.
    expect(newerThanQueued(push("1.3.0", T1, "a"), push("develop", T2, "b"), any)).toBe(false);
    expect(newerThanQueued(push("1.3.0", T2, "a"), push("develop", T1, "b"), any)).toBe(true);
  });

  it("the same version written differently (1.5 and 1.5.0): the policy ties them, the later push wins", () => {
    expect(newerThanQueued(push("1.5.0", T2, "a"), push("1.5", T1, "b"), minor)).toBe(true);
    expect(newerThanQueued(push("1.5.0", T1, "a"), push("1.5", T2, "b"), minor)).toBe(false);
  });

  it("a push without a time is older than one with a time, and a queued push without one is older than any", () => {
    expect(newerThanQueued(push("1.5.0", undefined, "z"), push("1.5.0", T1, "a"), minor)).toBe(false);
    expect(newerThanQueued(push("1.5.0", T1, "a"), push("1.5.0", undefined, "z"), minor)).toBe(true);
  });
});

describe("newerThanQueued: event id between pushes of the same time", () => {
  it("takes the higher event id, so that both delivery orders keep the same push", () => {
    const [a, b] = [push("1.5.0", T1, "3f1b-a"), push("1.5.0", T1, "3f1b-b")];
    expect(newerThanQueued(b, a, minor)).toBe(true);
    expect(newerThanQueued(a, b, minor)).toBe(false);
  });

  it("prefers a later push even when its event id is lower, and an earlier one never by its id", () => {
    expect(newerThanQueued(push("1.5.0", T2, "a"), push("1.5.0", T1, "b"), minor)).toBe(true);
    expect(newerThanQueued(push("1.5.0", T1, "b"), push("1.5.0", T2, "a"), minor)).toBe(false);
  });

  it("never replaces a push with itself (same time, same event id)", () => {
    expect(newerThanQueued(push("1.5.0", T1, "a"), push("1.5.0", T1, "a"), minor)).toBe(false);
  });
});

describe("newerThanQueued: between two digests of one tag, the one ECR's tag names now", () => {
  const force = parseTagPolicy("force");

  it("lets the push the tag names replace the queued one even when its event id sorts lower in the same second", () => {
    const queued = push("main", T1, "f41");
    const candidate = push("main", T1, "042");
    expect(newerThanQueued(candidate, queued, force)).toBe(false); // the event-id tie-break alone
    expect(newerThanQueued(candidate, queued, force, { tag: "main", digest: candidate.digest })).toBe(true);
  });

  it("never lets a push of the same second replace the queued digest the tag names, whatever the event ids", () => {
    const queued = push("main", T1, "a");
    const candidate = push("main", T1, "b");
    expect(newerThanQueued(candidate, queued, force)).toBe(true); // the event-id tie-break alone
    expect(newerThanQueued(candidate, queued, force, { tag: "main", digest: queued.digest })).toBe(false);
  });

  it("leaves pushes of different seconds to their times: a lookup read before a later push never overturns them", () => {
    // The candidate's lookup was read before the queued (later) push moved the tag.
    const candidate = push("main", T1, "b");
    const queued = push("main", T2, "a");
    expect(newerThanQueued(candidate, queued, force, { tag: "main", digest: candidate.digest })).toBe(false);
  });

  it("falls back to time when the tag names neither, and ignores a lookup of another tag", () => {
    const queued = push("main", T1, "b");
    const candidate = push("main", T2, "a");
    const elsewhere = `sha256:${"e".repeat(64)}`;
    expect(newerThanQueued(candidate, queued, force, { tag: "main", digest: elsewhere })).toBe(true);
    expect(newerThanQueued(queued, candidate, force, { tag: "main", digest: elsewhere })).toBe(false);
    expect(newerThanQueued(queued, candidate, force, { tag: "develop", digest: queued.digest })).toBe(false);
  });

  it("compares digests only between pushes of the same tag", () => {
    const queued = push("1.5.1", T1, "a");
    const candidate = push("1.5.0", T2, "b");
    expect(newerThanQueued(candidate, queued, minor, { tag: "1.5.0", digest: candidate.digest })).toBe(false);
  });
});

describe("newerThanQueued: ECR breaks only a same-second tie between two digests of one tag", () => {
  const force = parseTagPolicy("force");

  it("asks ECR only between pushes of the same tag: other tags of the same second go by event id", () => {
    // `any` cannot order `main` and `develop`: the same second falls to the event id.
    const queued = push("develop", T1, "b");
    const candidate = push("main", T1, "a");
    expect(newerThanQueued(candidate, queued, any, { tag: "main", digest: candidate.digest })).toBe(false);
  });

  it("asks ECR only between two digests: the same digest again goes by event id", () => {
    const queued = push("main", T1, "b");
    const candidate = { ...push("main", T1, "a"), digest: queued.digest };
    expect(newerThanQueued(candidate, queued, force, { tag: "main", digest: queued.digest })).toBe(false);
  });

  it("goes by event id when the tag names neither of the two digests of the same second", () => {
    const elsewhere = `sha256:${"e".repeat(64)}`;
    expect(
      newerThanQueued(push("main", T1, "b"), push("main", T1, "a"), force, {
        tag: "main",
        digest: elsewhere,
      }),
    ).toBe(true);
    expect(
      newerThanQueued(push("main", T1, "a"), push("main", T1, "b"), force, {
        tag: "main",
        digest: elsewhere,
      }),
    ).toBe(false);
  });
});
