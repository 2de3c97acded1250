/**
 * Review 37 (issue 11, Must show 3: "a stop is counted exactly once across retries"; a redelivered
 * event changes nothing): a task stop event delivered again after the crash loop it belonged to
 * has recovered.
 *
 * Three stops of `api` within 3 minutes open a crash-loop incident (told); at minute 4 the service
 * is steady again (recovery told). At minute 5 EventBridge delivers the third stop's event again (at
 * least once: the same event, the same id; or Lambda retries an attempt whose reply was lost).
 * countStopOnce answers "counted before by this event" and the incident it reads is `recovered`,
 * so monitorTaskStateChange goes on as for a new stop: the crash-loop window still holds the three
 * stops (their minutes are never taken out of it when an incident opens or recovers), 3 ≥ 3, and
 * openIncident (which takes over a recovered incident) opens a new one: "Crash loop … 3 tasks
 * stopped" is told for a service that has been steady for a minute, and the incident stays open (7
 * days, until some later steady state) — from a stop that was counted, and told, before. The same
 * happens for the redelivery of the first or second stop's event.
 *
 * The decision for a stop this very event counted before, whose incident has since recovered, is
 * the one for any redelivery: nothing changes, nothing is told.
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

const at = (minutes: number) => scene.at(minutes);

beforeEach(async () => {
  scene = await monitorOnClock({ crashLoop: { stops: 3, withinMinutes: 10 } }, START);
  context = scene.context;
});

/** Claims the result's messages as told, as runtime/deliver.ts does after queueing them. */
const delivered = (result: MonitorResult) => scene.delivered(result);

const stopEvent = (n: number) =>
  EcsTaskStateChangeEvent.parse(
    stoppedTaskEvent({ id: `stop-${n}`, taskId: `task${n}`, service: "api", exitCode: 1 }),
  );
const decide = async (event: ReturnType<typeof stopEvent>) =>
  delivered(await monitorTaskStateChange(structuredClone(event), context));

describe("a stop event delivered again after its crash loop recovered (review 37)", () => {
  it("changes nothing and tells nothing: no second crash loop for a steady service", async () => {
    const stops = [stopEvent(1), stopEvent(2), stopEvent(3)];
    for (const [minute, event] of stops.entries()) {
      at(minute);
      await decide(event);
    }
    expect(await context.state.incident(ARN)).toMatchObject({ status: "open", stops: 3 });
    at(4);
    const recovered = await delivered(
      await monitorServiceAction(
        EcsServiceActionEvent.parse(
          serviceActionEvent({
            id: "steady-1",
            sample: "ecs-service-action-steady-state.json",
            account: "667471847564",
            region: "us-east-2",
            cluster: "primary-cluster",
            service: "api",
          }),
        ),
        context,
      ),
    );
    expect(recovered.action).toBe("recovered");

    // Minute 5: the third stop's event again (EventBridge at least once, or a Lambda retry).
    at(5);
    const again = await decide(stops[2] as ReturnType<typeof stopEvent>);
    // Today: incident-opened, "Crash loop: primary-cluster/api: 3 tasks stopped within 10 min (application-error)".
    expect(again.messages.map((m) => m.message.text)).toEqual([]);
    expect(again.action).not.toBe("incident-opened");
    expect(await context.state.incident(ARN)).toMatchObject({
      status: "recovered",
      openedAt: "2026-11-25T12:02:00.000Z",
      stops: 3,
    });
  });
});
