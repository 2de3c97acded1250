import { beforeEach, describe, expect, it } from "vitest";
import { EcsServiceActionEvent, EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import {
  type MonitorContext,
  type MonitorResult,
  monitorServiceAction,
  monitorTaskStateChange,
} from "../../../core/monitor/index.ts";
import { REDRIVE_HORIZON_SECONDS } from "../../../core/state/index.ts";
import { serviceActionEvent, stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { type MonitorClock, monitorOnClock } from "../../support/monitorClock.ts";

/**
 * The monitor's decisions over time, against moto's DynamoDB with a clock the test moves: the
 * crash-loop window counts the minutes it says, an alert's cooldown ends when it says. Both the
 * state table and the monitor's memory read the same clock; "tell once" claims are kept as
 * runtime/deliver.ts keeps them (a lease, completed for the message's period).
 */
const START = new Date("2026-11-25T12:00:00Z");
let scene: MonitorClock;
let context: MonitorContext;
let tasks = 0;

const at = (minutes: number, seconds = 0) => scene.at(minutes, seconds);

async function setUp(monitor: Record<string, unknown>) {
  scene = await monitorOnClock(monitor, START);
  context = scene.context;
}

/** Delivers the result's messages the way runtime/deliver.ts claims them, at the test's clock: each claim new. */
async function delivered(result: MonitorResult): Promise<MonitorResult> {
  const done = await scene.delivered(result);
  expect(done.claimed).toBe(result.messages.length);
  return result;
}

/** The event of a new task of `service` that stopped with `exitCode` (1: an application error, 137: out of memory). */
function stopEvent(service: string, exitCode: number) {
  const n = ++tasks;
  return EcsTaskStateChangeEvent.parse(
    stoppedTaskEvent({ id: `stop-${n}`, taskId: `task${n}`, service, exitCode }),
  );
}

/** The monitor decides on a task stop event (a new one, or one delivered again), at the test's clock. */
async function decide(event: ReturnType<typeof stopEvent>) {
  return delivered(await monitorTaskStateChange(structuredClone(event), context));
}

/** A task of `service` stops with `exitCode` (1: an application error, 137: out of memory). */
async function stop(service: string, exitCode: number) {
  return decide(stopEvent(service, exitCode));
}

const DAY_MINUTES = 24 * 60;
/** How long an event can come back after its first handling (retries, then the dead-letter queue). */
const HORIZON_MINUTES = REDRIVE_HORIZON_SECONDS / 60;

const steady = (id: string, service: string) =>
  EcsServiceActionEvent.parse(
    serviceActionEvent({
      id,
      sample: "ecs-service-action-steady-state.json",
      account: "667471847564",
      region: "us-east-2",
      cluster: "primary-cluster",
      service,
    }),
  );

const brief = (r: MonitorResult) => [r.action, r.detail, r.messages.map((m) => m.message.text)];

describe("the crash-loop window", () => {
  beforeEach(async () => setUp({ crashLoop: { stops: 3, withinMinutes: 10 } }));

  it("counts the stops of the last 10 minutes: one 10 minutes before the third is outside", async () => {
    at(0);
    expect(brief(await stop("api", 1))).toEqual(["counted", "1 of 3 stops within 10 min", []]);
    at(1);
    expect(brief(await stop("api", 1))).toEqual(["counted", "2 of 3 stops within 10 min", []]);
    // Minute 10: the window is minutes 1 to 10, the first stop has left it.
    at(10);
    expect(brief(await stop("api", 1))).toEqual(["counted", "2 of 3 stops within 10 min", []]);
    at(10, 30);
    expect(brief(await stop("api", 1))).toEqual([
      "incident-opened",
      undefined,
      ["Crash loop: primary-cluster/api: 3 tasks stopped within 10 min (application-error)"],
    ]);
  });

  it("opens the incident on the third stop within the window, exactly at the threshold", async () => {
    at(0);
    await stop("web", 1);
    at(5);
    await stop("web", 1);
    at(9, 59);
    const third = await stop("web", 1);
    expect(third.action).toBe("incident-opened");
    expect(third.messages[0]?.once).toEqual({
      kind: "incident",
      id: "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/web#2026-11-25T12:09:59.000Z",
      seconds: REDRIVE_HORIZON_SECONDS,
    });
    const incident = await context.state.incident(
      "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/web",
    );
    expect(incident).toMatchObject({
      status: "open",
      stops: 3,
      firstStopAt: "2026-11-25T12:00:00.000Z",
      openedAt: "2026-11-25T12:09:59.000Z",
      lastClass: "application-error",
    });
  });

  it("after a recovery, the stops that opened the incident do not count towards the next one", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop("queue", 1);
    }
    at(3);
    expect((await delivered(await monitorServiceAction(steady("q-steady", "queue"), context))).action).toBe(
      "recovered",
    );
    // Minute 4: the window would hold minutes 0–2's three stops; they opened the recovered incident.
    at(4);
    expect(brief(await stop("queue", 1))).toEqual(["counted", "1 of 3 stops within 10 min", []]);
    at(5);
    expect(brief(await stop("queue", 1))).toEqual(["counted", "2 of 3 stops within 10 min", []]);
    at(6);
    expect((await stop("queue", 1)).action).toBe("incident-opened");
  });

  it("a stop in the very minute an incident opened and recovered opens nothing", async () => {
    for (const second of [0, 10, 20]) {
      at(0, second);
      await stop("mail", 1);
    }
    at(0, 30);
    expect((await delivered(await monitorServiceAction(steady("m-steady", "mail"), context))).action).toBe(
      "recovered",
    );
    at(0, 40);
    expect(brief(await stop("mail", 1))).toEqual(["counted", "0 of 3 stops within 10 min", []]);
    // The next minute counts from nothing: its third stop opens the next incident.
    for (const [second, seen] of [
      [0, "1 of 3 stops within 10 min"],
      [10, "2 of 3 stops within 10 min"],
    ] as const) {
      at(1, second);
      expect(brief(await stop("mail", 1))).toEqual(["counted", seen, []]);
    }
    at(1, 20);
    expect((await stop("mail", 1)).action).toBe("incident-opened");
  });

  it("keeps an open incident quiet while counting it, and tells its recovery once", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop("cart", 1);
    }
    at(3);
    expect(brief(await stop("cart", 1))).toEqual(["incident-updated", "4 stops so far", []]);
    at(4);
    expect(brief(await stop("cart", 137))).toEqual(["incident-updated", "5 stops so far", []]);
    const arn = "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/cart";
    expect(await context.state.incident(arn)).toMatchObject({ stops: 5, lastClass: "out-of-memory" });

    at(20);
    const recovered = await delivered(await monitorServiceAction(steady("s1", "cart"), context));
    expect(brief(recovered)).toEqual([
      "recovered",
      undefined,
      ["Recovered: primary-cluster/cart is steady again after 5 stops over 20 min"],
    ]);
    expect(await context.state.incident(arn)).toMatchObject({
      status: "recovered",
      recoveredAt: "2026-11-25T12:20:00.000Z",
    });
    at(21);
    expect(brief(await monitorServiceAction(steady("s2", "cart"), context))).toEqual([
      "steady",
      "no open incident",
      [],
    ]);
    // After the recovery, stops count from nothing again.
    at(30);
    expect(brief(await stop("cart", 1))).toEqual(["counted", "1 of 3 stops within 10 min", []]);
  });
});

describe("how long the monitor remembers", () => {
  beforeEach(async () => setUp({ crashLoop: { stops: 3, withinMinutes: 10 } }));
  const arn = (service: string) => `arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/${service}`;

  it("keeps an open incident 7 days after its last stop, then counts stops afresh", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop("queue", 1);
    }
    // Exactly 7 days after the stop that opened it: still open, and this stop keeps it 7 more days.
    at(2 + 7 * DAY_MINUTES);
    expect(brief(await stop("queue", 1))).toEqual(["incident-updated", "4 stops so far", []]);
    at(2 + 14 * DAY_MINUTES);
    expect(await context.state.incident(arn("queue"))).toMatchObject({ status: "open", stops: 4 });
    at(2 + 14 * DAY_MINUTES, 1);
    expect(await context.state.incident(arn("queue"))).toBeUndefined();
    expect(brief(await stop("queue", 1))).toEqual(["counted", "1 of 3 stops within 10 min", []]);
  });

  it("keeps a recovered incident as long as its event can be redriven: a recovery whose message was lost is still told by the retry or the redrive", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop("ledger", 1);
    }
    at(20);
    // Decided, but never delivered (the invocation failed after it): nothing was told.
    expect((await monitorServiceAction(steady("s1", "ledger"), context)).action).toBe("recovered");
    // The last moment a dead letter of it can be redriven (15 days and 6 hours on).
    at(20 + HORIZON_MINUTES);
    expect(brief(await monitorServiceAction(steady("s1", "ledger"), context))).toEqual([
      "recovered",
      undefined,
      ["Recovered: primary-cluster/ledger is steady again after 3 stops over 20 min"],
    ]);
    at(20 + HORIZON_MINUTES, 1);
    expect(await context.state.incident(arn("ledger"))).toBeUndefined();
    expect(brief(await monitorServiceAction(steady("s1", "ledger"), context))).toEqual([
      "steady",
      "no open incident",
      [],
    ]);
  });

  it("tells the recovery of each incident: a service that crash-loops again the same day is told it recovered again", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop("billing", 1);
    }
    at(20);
    expect(brief(await delivered(await monitorServiceAction(steady("s1", "billing"), context)))).toEqual([
      "recovered",
      undefined,
      ["Recovered: primary-cluster/billing is steady again after 3 stops over 20 min"],
    ]);
    for (const minute of [60, 61, 62]) {
      at(minute);
      await stop("billing", 1);
    }
    at(90);
    expect(brief(await delivered(await monitorServiceAction(steady("s2", "billing"), context)))).toEqual([
      "recovered",
      undefined,
      ["Recovered: primary-cluster/billing is steady again after 3 stops over 30 min"],
    ]);
  });

  it("answers an event delivered again during an open incident with the incident's own count", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop("audit", 1);
    }
    at(3);
    const fourth = stopEvent("audit", 1);
    expect(brief(await decide(fourth))).toEqual(["incident-updated", "4 stops so far", []]);
    at(3, 30);
    expect(brief(await decide(fourth))).toEqual(["incident-updated", "4 stops so far", []]);
    expect(await context.state.incident(arn("audit"))).toMatchObject({ stops: 4 });
  });
});

describe("the alert cooldown", () => {
  // A crash loop needs 10 stops here, so that only the first-stop alert speaks.
  beforeEach(async () => setUp({ crashLoop: { stops: 10, withinMinutes: 10 }, cooldownMinutes: 30 }));

  it("tells a cause once per service within the cooldown, and again once it has run out", async () => {
    at(0);
    const first = await stop("search", 137);
    expect(brief(first)).toEqual([
      "alerted",
      "out-of-memory",
      ["primary-cluster/search: task stopped (out-of-memory)"],
    ]);
    expect(first.messages[0]?.once).toEqual({
      kind: "alert",
      id: "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/search#out-of-memory",
      seconds: 30 * 60,
    });
    at(29);
    expect(brief(await stop("search", 137))).toEqual(["counted", "1 of 10 stops within 10 min", []]);
    at(30);
    expect((await stop("search", 137)).action).toBe("counted");
    at(30, 1);
    expect(brief(await stop("search", 137))).toEqual([
      "alerted",
      "out-of-memory",
      ["primary-cluster/search: task stopped (out-of-memory)"],
    ]);
  });

  it("keeps the cooldown per service and per cause", async () => {
    at(0);
    expect((await stop("search", 137)).action).toBe("alerted");
    at(1);
    expect((await stop("index", 137)).action).toBe("alerted");
    // An application error is not in alertOnFirstStop: counted, not told.
    at(2);
    expect(brief(await stop("search", 1))).toEqual(["counted", "2 of 10 stops within 10 min", []]);
  });
});
