/**
 * The schedule flow's pure plan, without AWS: what a reconcile writes for each service given what
 * it read (services, our scheduled actions, scalable targets, remembered capacities).
 */
import type { ScalableTarget, ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  type PlannedScheduledAction,
  planSchedules,
  type RememberedCapacity,
  type ScheduleInputs,
} from "../../../core/schedule/index.ts";

const ARN = "arn:aws:ecs:eu-west-1:123456789012:service/dev/web";
const RESOURCE = "service/dev/web";
// Wednesday 2026-11-25 13:00 in Berlin: inside Mon-Fri 07:00-19:00.
const NOON = new Date("2026-11-25T12:00:00Z");

function service(tags: Record<string, string>, desiredCount = 2): Service {
  return {
    serviceArn: ARN,
    serviceName: "web",
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev",
    status: "ACTIVE",
    desiredCount,
    taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}

const SCHEDULED = { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" };

function inputs(parts: {
  service?: Service;
  actions?: ScheduledAction[];
  target?: ScalableTarget;
  remembered?: RememberedCapacity;
}): ScheduleInputs {
  return {
    services: [parts.service ?? service(SCHEDULED)],
    actions: new Map(parts.actions ? [[RESOURCE, parts.actions]] : []),
    targets: new Map(parts.target ? [[RESOURCE, parts.target]] : []),
    remembered: new Map(parts.remembered ? [[ARN, parts.remembered]] : []),
  };
}

/** What Application Auto Scaling would return for the actions a plan put. */
const asExisting = (actions: readonly PlannedScheduledAction[]): ScheduledAction[] =>
  actions.map((a) => ({
    ScheduledActionName: a.name,
    ServiceNamespace: "ecs",
    ResourceId: RESOURCE,
    ScalableDimension: "ecs:service:DesiredCount",
    Schedule: a.schedule,
    Timezone: a.timezone,
    ScalableTargetAction: { MinCapacity: a.capacity.min, MaxCapacity: a.capacity.max },
    ScheduledActionARN: `arn:${a.name}`,
    CreationTime: new Date("2026-11-01T00:00:00Z"),
  }));

const target = (min: number, max: number): ScalableTarget => ({
  ServiceNamespace: "ecs",
  ResourceId: RESOURCE,
  ScalableDimension: "ecs:service:DesiredCount",
  MinCapacity: min,
  MaxCapacity: max,
  RoleARN: "arn:aws:iam::123456789012:role/aws-service-role",
  CreationTime: new Date("2026-11-01T00:00:00Z"),
});

describe("planSchedules (pure)", () => {
  it("creates the actions, remembers the up capacity from the desired count and registers the target", () => {
    const [plan] = planSchedules(inputs({}), DEFAULT_CONFIG, NOON);
    expect(plan?.status).toBe("scheduled");
    expect(plan?.capacity).toEqual({ up: { min: 2, max: 2 }, off: { min: 0, max: 0 } });
    expect(plan?.writes.map((w) => w.kind)).toEqual([
      "remember-capacity",
      "put-action",
      "put-action",
      "set-capacity",
    ]);
    expect(plan?.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 2, max: 2 },
      source: "desired count",
    });
    expect(plan?.writes.at(-1)).toEqual({
      kind: "set-capacity",
      capacity: { min: 2, max: 2 },
      reason: "register",
    });
    expect(plan?.actions?.map((a) => [a.schedule, a.timezone, a.capacity.max])).toEqual([
      ["cron(0 7 ? * MON-FRI *)", "Europe/Berlin", 2],
      ["cron(0 19 ? * MON-FRI *)", "Europe/Berlin", 0],
    ]);
  });

  it("writes nothing on the run after that", () => {
    const [first] = planSchedules(inputs({}), DEFAULT_CONFIG, NOON);
    const [second] = planSchedules(
      inputs({
        actions: asExisting(first?.actions ?? []),
        target: target(2, 2),
        remembered: { upMin: 2, upMax: 2, source: "desired count" },
      }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(second?.writes).toEqual([]);
  });

  it("repairs a hand-edited action (only the schedule expression changed)", () => {
    const [first] = planSchedules(inputs({}), DEFAULT_CONFIG, NOON);
    const existing = asExisting(first?.actions ?? []);
    const edited = existing.map((a, i) => (i === 0 ? { ...a, Schedule: "cron(0 9 ? * MON-FRI *)" } : a));
    const [plan] = planSchedules(
      inputs({
        actions: edited,
        target: target(2, 2),
        remembered: { upMin: 2, upMax: 2, source: "desired count" },
      }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.writes).toEqual([{ kind: "put-action", action: first?.actions?.[0], reason: "update" }]);
  });

  it("restores the remembered capacity, deletes its actions and forgets the capacity, in that order, when the schedule is removed", () => {
    const [first] = planSchedules(inputs({}), DEFAULT_CONFIG, NOON);
    const [plan] = planSchedules(
      inputs({
        service: service({}, 0),
        actions: asExisting(first?.actions ?? []),
        target: target(0, 0),
        remembered: { upMin: 2, upMax: 4, source: "tag or config" },
      }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.status).toBe("unscheduled");
    expect(plan?.writes).toEqual([
      { kind: "set-capacity", capacity: { min: 2, max: 4 }, reason: "restore" },
      { kind: "release-capacity" },
      { kind: "delete-action", name: first?.actions?.[0]?.name, reason: "obsolete" },
      { kind: "delete-action", name: first?.actions?.[1]?.name, reason: "obsolete" },
      { kind: "set-capacity", capacity: { min: 2, max: 4 }, reason: "restore" },
      { kind: "forget-capacity" },
    ]);
  });

  it("leaves a service with an invalid schedule untouched and says what is wrong", () => {
    const [plan] = planSchedules(
      inputs({ service: service({ "autopilot:schedule": "Mon-Fry 08:00-18:00 Europe/Berlin" }) }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.status).toBe("invalid");
    expect(plan?.writes).toEqual([]);
    expect(plan?.error).toContain("Fry");
  });

  it("refuses to guess the up capacity of a service already at its off capacity", () => {
    const [plan] = planSchedules(inputs({ service: service(SCHEDULED, 0) }), DEFAULT_CONFIG, NOON);
    expect(plan?.status).toBe("invalid");
    expect(plan?.error).toContain("cannot tell which capacity to restore (desired count 0)");
  });

  it("leaves the capacity to the scheduled action within 2 minutes of a transition, and sets it after", () => {
    const existing = asExisting(planSchedules(inputs({}), DEFAULT_CONFIG, NOON)[0]?.actions ?? []);
    const at = (iso: string) =>
      planSchedules(
        inputs({
          actions: existing,
          target: target(2, 2),
          remembered: { upMin: 2, upMax: 2, source: "desired count" },
        }),
        DEFAULT_CONFIG,
        new Date(iso),
      )[0]?.writes;
    // 19:01 in Berlin: the down action runs now; the reconciler does not race it.
    expect(at("2026-11-25T18:01:00Z")).toEqual([]);
    // 19:10 in Berlin: still up, the action did not run: the reconciler brings it down.
    expect(at("2026-11-25T18:10:00Z")).toEqual([
      { kind: "set-capacity", capacity: { min: 0, max: 0 }, reason: "schedule-now" },
    ]);
  });

  it("restores the remembered capacity when only the target's min differs from it", () => {
    const [plan] = planSchedules(
      inputs({
        service: service({}, 0),
        target: target(0, 4),
        remembered: { upMin: 2, upMax: 4, source: "tag or config" },
      }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.writes).toEqual([
      { kind: "set-capacity", capacity: { min: 2, max: 4 }, reason: "restore" },
      { kind: "forget-capacity" },
    ]);
  });

  it("remembers an up-capacity tag that changed only its min", () => {
    const tags = { ...SCHEDULED, "autopilot:up-capacity": "1-2" };
    const [first] = planSchedules(inputs({ service: service(tags) }), DEFAULT_CONFIG, NOON);
    const [plan] = planSchedules(
      inputs({
        service: service(tags),
        actions: asExisting(first?.actions ?? []),
        target: target(1, 2),
        remembered: { upMin: 2, upMax: 2, source: "tag or config" },
      }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.writes).toEqual([
      { kind: "remember-capacity", capacity: { min: 1, max: 2 }, source: "tag or config" },
    ]);
  });

  it("takes the up capacity from a scalable target whose max is above the off capacity though its min is at it", () => {
    const [plan] = planSchedules(inputs({ target: target(0, 4) }), DEFAULT_CONFIG, NOON);
    expect(plan?.capacity).toEqual({ up: { min: 0, max: 4 }, off: { min: 0, max: 0 } });
    expect(plan?.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 0, max: 4 },
      source: "scalable target",
    });
  });

  it("takes the up capacity from a scalable target whose min is above the off capacity though its max is at it", () => {
    const tags = { ...SCHEDULED, "autopilot:off-capacity": "1-2" };
    const [plan] = planSchedules(
      inputs({ service: service(tags), target: target(2, 2) }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.status).toBe("scheduled");
    expect(plan?.capacity).toEqual({ up: { min: 2, max: 2 }, off: { min: 1, max: 2 } });
    expect(plan?.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 2, max: 2 },
      source: "scalable target",
    });
  });

  it("sets the capacity now when only the target's min is off the schedule", () => {
    const [first] = planSchedules(inputs({}), DEFAULT_CONFIG, NOON);
    const [plan] = planSchedules(
      inputs({
        actions: asExisting(first?.actions ?? []),
        target: target(1, 2),
        remembered: { upMin: 2, upMax: 2, source: "desired count" },
      }),
      DEFAULT_CONFIG,
      NOON,
    );
    expect(plan?.writes).toEqual([
      { kind: "set-capacity", capacity: { min: 2, max: 2 }, reason: "schedule-now" },
    ]);
  });
});
