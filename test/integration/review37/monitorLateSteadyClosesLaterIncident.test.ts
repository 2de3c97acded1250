/**
 * Review 37 (issue 11, Must show 3 — "a retry after any fault completes the work", alerts "shown
 * once" and true): the retry of a steady-state event closes a later crash-loop incident than the
 * one it was about.
 *
 * `api` crash-loops at minutes 0–2 (incident I1, told). At minute 20 it is steady: the monitor
 * marks I1 recovered, but the invocation fails before its "Recovered" message is queued (the
 * outbox refused it), so Lambda retries the event later. Meanwhile, at minutes 21–23, `api`
 * crash-loops again: I1 is recovered, so I2 is opened and told. At minute 24 the steady-state
 * event of minute 20 is retried: recoverIncident reads the incident the service has *now* — I2,
 * open — and marks it recovered; the monitor tells "Recovered … after 3 stops" for I2, a crash loop
 * that is going on, and I1's recovery is never told. The next stop of `api` then finds no open
 * incident and opens a third. (The same with `dlq redrive monitor` of the steady-state event hours
 * later.)
 *
 * A steady state only closes an incident opened before it: the retry tells I1's recovery (kept
 * for the redrive horizon exactly for this, MonitorState.RECOVERED_SECONDS) or nothing, and I2
 * stays open. (Fixed: the recovery is recorded under the event's id with the incident's update;
 * an incident whose first stop came after the event's time is left open.)
 */
import { beforeEach, describe, expect, it } from "vitest";
import { EcsServiceActionEvent, EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import {
  type MonitorContext,
  type MonitorResult,
  monitorServiceAction,
  monitorTaskStateChange,
} from "../../../core/monitor/index.ts";
import { serviceActionEvent, stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { type MonitorClock, monitorOnClock } from "../../support/monitorClock.ts";

const START = new Date("2026-11-25T12:00:00Z");
const ARN = "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/api";
let scene: MonitorClock;
let context: MonitorContext;
let tasks = 0;

const at = (minutes: number) => scene.at(minutes);

beforeEach(async () => {
  scene = await monitorOnClock({ crashLoop: { stops: 3, withinMinutes: 10 } }, START);
  context = scene.context;
});

/** Claims the result's messages as told, as runtime/deliver.ts does after queueing them. */
const delivered = (result: MonitorResult) => scene.delivered(result);

async function stop() {
  const n = ++tasks;
  const event = EcsTaskStateChangeEvent.parse(
    stoppedTaskEvent({ id: `stop-${n}`, taskId: `task${n}`, service: "api", exitCode: 1 }),
  );
  return delivered(await monitorTaskStateChange(event, context));
}

const steady = EcsServiceActionEvent.parse(
  serviceActionEvent({
    id: "steady-at-minute-20",
    sample: "ecs-service-action-steady-state.json",
    account: "667471847564",
    region: "us-east-2",
    cluster: "primary-cluster",
    service: "api",
    time: new Date(START.getTime() + 20 * 60_000),
  }),
);

describe("a steady-state event retried after the service crash-looped again (review 37)", () => {
  it("does not close the later incident, nor tell it recovered", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop();
    }
    const first = await context.state.incident(ARN);
    expect(first).toMatchObject({ status: "open", openedAt: "2026-11-25T12:02:00.000Z" });

    // Minute 20: steady; decided, but its message never queued (the invocation fails, Lambda retries).
    at(20);
    expect((await monitorServiceAction(structuredClone(steady), context)).action).toBe("recovered");

    // Minutes 21–23: a new crash loop, opened and told.
    let opened: MonitorResult | undefined;
    for (const minute of [21, 22, 23]) {
      at(minute);
      opened = await stop();
    }
    expect(opened?.action).toBe("incident-opened");

    // Minute 24: the retry of minute 20's steady state.
    at(24);
    const retry = await delivered(await monitorServiceAction(structuredClone(steady), context));
    // Today: "Recovered: primary-cluster/api is steady again after 3 stops over 3 min" — the open incident I2.
    expect(retry.messages.map((m) => m.message.text)).not.toContain(
      "Recovered: primary-cluster/api is steady again after 3 stops over 3 min",
    );
    // The retry tells what it recovered: I1 (3 stops over minutes 0–2, recovered at minute 20).
    expect(retry.action).toBe("recovered");
    expect(retry.messages.map((m) => [m.message.text, m.once.id])).toEqual([
      [
        "Recovered: primary-cluster/api is steady again after 3 stops over 20 min",
        `${ARN}#2026-11-25T12:02:00.000Z`,
      ],
    ]);
    expect(await context.state.incident(ARN)).toMatchObject({
      status: "open",
      openedAt: "2026-11-25T12:23:00.000Z",
    });
  });

  it("leaves a later incident open when the steady state's every attempt failed before recovering anything (a redrive)", async () => {
    for (const minute of [0, 1, 2]) {
      at(minute);
      await stop();
    }
    // Minute 20: steady, but no attempt got as far as the incident (all failed, parked in the DLQ).
    // Minute 21–23: I1 is still open, so these stops are counted on it; at 30 a steady state closes it.
    for (const minute of [21, 22, 23]) {
      at(minute);
      await stop();
    }
    at(30);
    const laterSteady = EcsServiceActionEvent.parse(
      serviceActionEvent({
        id: "steady-at-minute-30",
        sample: "ecs-service-action-steady-state.json",
        account: "667471847564",
        region: "us-east-2",
        cluster: "primary-cluster",
        service: "api",
        time: new Date(START.getTime() + 30 * 60_000),
      }),
    );
    expect((await delivered(await monitorServiceAction(laterSteady, context))).action).toBe("recovered");
    // Minutes 40–42: a new crash loop (I2).
    for (const minute of [40, 41, 42]) {
      at(minute);
      await stop();
    }
    expect(await context.state.incident(ARN)).toMatchObject({
      status: "open",
      openedAt: "2026-11-25T12:42:00.000Z",
    });
    // Minute 50: the redrive of minute 20's steady state: it predates I2's first stop, which stays open.
    at(50);
    const redriven = await delivered(await monitorServiceAction(structuredClone(steady), context));
    expect([redriven.action, redriven.messages.length]).toEqual(["steady", 0]);
    expect(await context.state.incident(ARN)).toMatchObject({
      status: "open",
      openedAt: "2026-11-25T12:42:00.000Z",
    });
  });
});
