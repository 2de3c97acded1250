import type { ScalableTarget, ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { type AutopilotConfig, DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  type PlannedScheduledAction,
  planScheduledActions,
} from "../../../core/schedule/planScheduledActions.ts";
import { diffActions, planSchedules } from "../../../core/schedule/planSchedules.ts";
import { parseScheduleTag } from "../../../core/schedule/ScheduleSpec.ts";
import type { RememberedCapacity, ScheduleInputs } from "../../../core/schedule/types.ts";

const TAG = "Mon-Fri 07:00-19:00 Europe/Berlin";
/** Wednesday 2026-11-25, 13:00 in Berlin: inside the window. */
const NOON = new Date("2026-11-25T12:00:00Z");
const RESOURCE = "service/dev/web";
const ARN = "arn:aws:ecs:eu-west-1:123456789012:service/dev/web";

const planned = (tag = TAG, now = NOON) =>
  planScheduledActions(parseScheduleTag(tag), { up: { min: 2, max: 6 }, off: { min: 0, max: 0 } }, now);

/** A planned action as DescribeScheduledActions returns it. */
const described = (action: PlannedScheduledAction, edit: Partial<ScheduledAction> = {}): ScheduledAction => ({
  ScheduledActionARN: `arn:aws:autoscaling:eu-west-1:123456789012:scheduledAction:${action.name}`,
  ServiceNamespace: "ecs",
  ResourceId: RESOURCE,
  CreationTime: new Date("2026-11-01T00:00:00Z"),
  ScheduledActionName: action.name,
  Schedule: action.schedule,
  Timezone: action.timezone,
  ...(action.startTime ? { StartTime: action.startTime } : {}),
  ...(action.endTime ? { EndTime: action.endTime } : {}),
  ScalableTargetAction: { MinCapacity: action.capacity.min, MaxCapacity: action.capacity.max },
  ...edit,
});

describe("diffActions: the writes that turn our existing actions into the planned ones", () => {
  const [up, down] = planned() as [PlannedScheduledAction, PlannedScheduledAction];

  it("writes nothing when every action is as planned (a missing Timezone is UTC)", () => {
    expect(diffActions([described(up), described(down)], [up, down])).toEqual([]);
    const utc = planned("Mon-Fri 07:00-19:00 UTC");
    const { Timezone: _zone, ...noZone } = described(utc[0] as PlannedScheduledAction);
    expect(diffActions([noZone, described(utc[1] as PlannedScheduledAction)], utc)).toEqual([]);
  });

  it.each([
    ["the schedule expression only", { Schedule: "cron(0 9 ? * MON-FRI *)" }],
    ["the time zone only", { Timezone: "UTC" }],
    ["the minimum only", { ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 6 } }],
    ["the maximum only", { ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 9 } }],
  ])("repairs a hand edit of %s with one put of the planned action", (_what, edit) => {
    expect(diffActions([described(up, edit), described(down)], [up, down])).toEqual([
      { kind: "put-action", action: up, reason: "update" },
    ]);
  });

  it("recreates an action whose start or end time must go (PutScheduledAction would keep it)", () => {
    const start = new Date("2026-12-01T00:00:00Z");
    const end = new Date("2027-01-01T00:00:00Z");
    expect(
      diffActions([described(up, { StartTime: start }), described(down, { EndTime: end })], [up, down]),
    ).toEqual([
      { kind: "delete-action", name: up.name, reason: "recreate" },
      { kind: "put-action", action: up, reason: "update" },
      { kind: "delete-action", name: down.name, reason: "recreate" },
      { kind: "put-action", action: down, reason: "update" },
    ]);
    // A planned end time where there was none is a plain update.
    const withEnd = { ...up, endTime: end };
    expect(diffActions([described(up)], [withEnd])).toEqual([
      { kind: "put-action", action: withEnd, reason: "update" },
    ]);
  });

  it("deletes our actions that are no longer planned and creates the missing ones", () => {
    const stale = described(up, { ScheduledActionName: "autopilot-up-0800-MON-FRI" });
    expect(diffActions([stale, described(down)], [up, down])).toEqual([
      { kind: "delete-action", name: "autopilot-up-0800-MON-FRI", reason: "obsolete" },
      { kind: "put-action", action: up, reason: "create" },
    ]);
  });
});

function service(tags: Record<string, string>, extra: Partial<Service> = {}): Service {
  return {
    serviceArn: ARN,
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/dev",
    serviceName: "web",
    desiredCount: 3,
    taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    ...extra,
  };
}

function inputs(
  svc: Service,
  state: { actions?: ScheduledAction[]; target?: Partial<ScalableTarget>; memory?: RememberedCapacity } = {},
): ScheduleInputs {
  return {
    services: [svc],
    actions: new Map(state.actions ? [[RESOURCE, state.actions]] : []),
    targets: new Map(state.target ? [[RESOURCE, state.target as ScalableTarget]] : []),
    remembered: new Map(state.memory ? [[ARN, state.memory]] : []),
  };
}

const planOne = (i: ScheduleInputs, now = NOON, config: AutopilotConfig = DEFAULT_CONFIG) => {
  const [plan] = planSchedules(i, config, now);
  if (!plan) throw new Error("no plan");
  return plan;
};
const writesOf = (i: ScheduleInputs, now = NOON) =>
  planOne(i, now).writes.map((w) =>
    w.kind === "put-action" ? `put ${w.action.name} (${w.reason})` : JSON.stringify(w),
  );

describe("planSchedules: which capacity a scheduled service gets and remembers", () => {
  it("registers a new target at the capacity the schedule wants now, remembering the desired count as up", () => {
    const plan = planOne(inputs(service({ "autopilot:schedule": TAG })));
    expect(plan).toMatchObject({
      status: "scheduled",
      service: { clusterName: "dev", serviceName: "web", serviceArn: ARN, resourceId: RESOURCE },
      capacity: { up: { min: 3, max: 3 }, off: { min: 0, max: 0 } },
      upTasks: 3,
      taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
    });
    expect(writesOf(inputs(service({ "autopilot:schedule": TAG })))).toEqual([
      '{"kind":"remember-capacity","capacity":{"min":3,"max":3},"source":"desired count"}',
      "put autopilot-up-0700-MON-FRI (create)",
      "put autopilot-down-1900-MON-FRI (create)",
      '{"kind":"set-capacity","capacity":{"min":3,"max":3},"reason":"register"}',
    ]);
    // Saturday: the wanted capacity is the off one.
    expect(
      writesOf(inputs(service({ "autopilot:schedule": TAG })), new Date("2026-11-28T12:00:00Z")).at(-1),
    ).toBe('{"kind":"set-capacity","capacity":{"min":0,"max":0},"reason":"register"}');
  });

  it("takes the up capacity from the scalable target unless it is at the off capacity", () => {
    const fromTarget = planOne(
      inputs(service({ "autopilot:schedule": TAG }), { target: { MinCapacity: 2, MaxCapacity: 6 } }),
    );
    expect(fromTarget.capacity?.up).toEqual({ min: 2, max: 6 });
    expect(fromTarget.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 2, max: 6 },
      source: "scalable target",
    });
    // At the off capacity (scaled in), the target says nothing about up: the desired count does.
    const scaledIn = planOne(
      inputs(service({ "autopilot:schedule": TAG }, { desiredCount: 4 }), {
        target: { MinCapacity: 0, MaxCapacity: 0 },
      }),
    );
    expect(scaledIn.capacity?.up).toEqual({ min: 4, max: 4 });
    expect(scaledIn.writes[0]).toMatchObject({ kind: "remember-capacity", source: "desired count" });
  });

  it("uses the remembered capacity without writing it again, and an explicit one over it", () => {
    const memory = { upMin: 2, upMax: 5, source: "desired count" };
    const remembered = planOne(
      inputs(service({ "autopilot:schedule": TAG }), { target: { MinCapacity: 0, MaxCapacity: 0 }, memory }),
    );
    expect(remembered.capacity?.up).toEqual({ min: 2, max: 5 });
    expect(remembered.writes.filter((w) => w.kind === "remember-capacity")).toEqual([]);
    const explicit = planOne(
      inputs(service({ "autopilot:schedule": TAG, "autopilot:up-capacity": "1-4" }), { memory }),
    );
    expect(explicit.capacity?.up).toEqual({ min: 1, max: 4 });
    expect(explicit.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 1, max: 4 },
      source: "tag or config",
    });
    const same = planOne(
      inputs(service({ "autopilot:schedule": TAG, "autopilot:up-capacity": "2-5" }), { memory }),
    );
    expect(same.writes.filter((w) => w.kind === "remember-capacity")).toEqual([]);
    const minOnly = planOne(
      inputs(service({ "autopilot:schedule": TAG, "autopilot:up-capacity": "2-6" }), { memory }),
    );
    expect(minOnly.writes[0]).toMatchObject({ kind: "remember-capacity", capacity: { min: 2, max: 6 } });
  });

  it("never takes a memory released by a removed schedule for the up capacity of a schedule set again", () => {
    // Left behind when forgetting it failed (review 35): 2-2, while the team now runs 4-10.
    const released = { upMin: 2, upMax: 2, source: "desired count", released: true };
    const again = planOne(
      inputs(service({ "autopilot:schedule": TAG }, { desiredCount: 4 }), {
        target: { MinCapacity: 4, MaxCapacity: 10 },
        memory: released,
      }),
    );
    expect(again.capacity?.up).toEqual({ min: 4, max: 10 });
    expect(again.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 4, max: 10 },
      source: "scalable target",
    });
    // An explicit up capacity equal to the released one is written again (the memory is live again).
    const explicit = planOne(
      inputs(service({ "autopilot:schedule": TAG, "autopilot:up-capacity": "2" }), { memory: released }),
    );
    expect(explicit.writes[0]).toEqual({
      kind: "remember-capacity",
      capacity: { min: 2, max: 2 },
      source: "tag or config",
    });
    // Unscheduled with no actions left: only forgotten (not released again, not restored twice).
    expect(
      writesOf(inputs(service({}), { target: { MinCapacity: 2, MaxCapacity: 2 }, memory: released })),
    ).toEqual(['{"kind":"forget-capacity"}']);
  });

  it("reads the off capacity from the tag, as a count or a range", () => {
    const count = planOne(inputs(service({ "autopilot:schedule": TAG, "autopilot:off-capacity": "1" })));
    expect(count.capacity?.off).toEqual({ min: 1, max: 1 });
    const range = planOne(inputs(service({ "autopilot:schedule": TAG, "autopilot:off-capacity": "1-2" })));
    expect(range.capacity?.off).toEqual({ min: 1, max: 2 });
  });

  it("takes schedule, off and up capacity from a config rule (numbers and objects)", () => {
    const config = parseConfig(
      JSON.stringify({
        schedule: {
          services: [{ cluster: "dev", schedule: TAG, offCapacity: 1, upCapacity: { min: 2, max: 8 } }],
        },
      }),
      "test",
    );
    const [plan] = planSchedules(inputs(service({})), config, NOON);
    expect(plan?.capacity).toEqual({ up: { min: 2, max: 8 }, off: { min: 1, max: 1 } });
  });

  it.each([
    [
      "no capacity to restore",
      service({ "autopilot:schedule": TAG }, { desiredCount: 0 }),
      { target: { MinCapacity: 0, MaxCapacity: 0 } },
      `invalid schedule '${TAG}': cannot tell which capacity to restore (desired count 0): set autopilot:up-capacity, e.g. '2-6'`,
    ],
    [
      "a desired count at the off capacity",
      service({ "autopilot:schedule": TAG, "autopilot:off-capacity": "2" }, { desiredCount: 2 }),
      {},
      `invalid schedule '${TAG}': cannot tell which capacity to restore (desired count 2): set autopilot:up-capacity, e.g. '2-6'`,
    ],
    [
      "up below off",
      service({ "autopilot:schedule": TAG, "autopilot:off-capacity": "3", "autopilot:up-capacity": "1-2" }),
      {},
      `invalid schedule '${TAG}': the up capacity 1-2 is below the off capacity 3-3`,
    ],
    [
      "a schedule that cannot be read",
      service({ "autopilot:schedule": "Mon-Fry 07:00-19:00 Europe/Berlin" }),
      {},
      "invalid schedule 'Mon-Fry 07:00-19:00 Europe/Berlin': 'Mon-Fry': unknown day 'Fry' (use Sun, Mon, Tue, Wed, Thu, Fri, Sat)",
    ],
  ])("leaves a service untouched on %s, saying why", (_what, svc, state, error) => {
    expect(planOne(inputs(svc, state))).toEqual({
      service: { clusterName: "dev", serviceName: "web", serviceArn: ARN, resourceId: RESOURCE },
      status: "invalid",
      writes: [],
      error,
    });
  });

  it("an up capacity equal to the off capacity is allowed (up.max = off.max)", () => {
    const plan = planOne(
      inputs(
        service({ "autopilot:schedule": TAG, "autopilot:off-capacity": "2", "autopilot:up-capacity": "2" }),
      ),
    );
    expect(plan.status).toBe("scheduled");
    expect(plan.error).toBeUndefined();
    // Up 2-2 remembered from the tag, the new target registered at 2-2 (up and off are the same).
    expect(plan.writes.filter((w) => w.kind === "set-capacity" || w.kind === "remember-capacity")).toEqual([
      { kind: "remember-capacity", capacity: { min: 2, max: 2 }, source: "tag or config" },
      { kind: "set-capacity", capacity: { min: 2, max: 2 }, reason: "register" },
    ]);
  });

  it("sets the capacity the schedule wants now, except within two minutes of a scheduled change", () => {
    const actions = planned().map((a) => described(a));
    const wrong = { target: { MinCapacity: 0, MaxCapacity: 0 }, memory: { upMin: 2, upMax: 6, source: "x" } };
    const at = (iso: string) =>
      writesOf(inputs(service({ "autopilot:schedule": TAG }), { actions, ...wrong }), new Date(iso));
    // 13:00 Berlin: up is wanted and the target is at 0-0.
    expect(at("2026-11-25T12:00:00Z")).toEqual([
      '{"kind":"set-capacity","capacity":{"min":2,"max":6},"reason":"schedule-now"}',
    ]);
    // 06:59 and 07:01 Berlin: the 07:00 action does it.
    expect(at("2026-11-25T05:59:00Z")).toEqual([]);
    expect(at("2026-11-25T06:01:00Z")).toEqual([]);
    // 06:57 and 07:03: three minutes away, the reconciler sets what the schedule wants then.
    expect(at("2026-11-25T05:57:00Z")).toEqual([]);
    expect(at("2026-11-25T06:03:00Z")).toEqual([
      '{"kind":"set-capacity","capacity":{"min":2,"max":6},"reason":"schedule-now"}',
    ]);
    // A target already right is left alone, whichever of min and max would differ.
    const right = { target: { MinCapacity: 2, MaxCapacity: 6 }, memory: { upMin: 2, upMax: 6, source: "x" } };
    expect(writesOf(inputs(service({ "autopilot:schedule": TAG }), { actions, ...right }))).toEqual([]);
    const maxOff = {
      target: { MinCapacity: 2, MaxCapacity: 5 },
      memory: { upMin: 2, upMax: 6, source: "x" },
    };
    expect(writesOf(inputs(service({ "autopilot:schedule": TAG }), { actions, ...maxOff }))).toEqual([
      '{"kind":"set-capacity","capacity":{"min":2,"max":6},"reason":"schedule-now"}',
    ]);
  });

  it("counts up tasks as the desired count held inside the up capacity", () => {
    const memory = { upMin: 2, upMax: 6, source: "x" };
    const tasks = (desiredCount: number | undefined) =>
      planOne(inputs(service({ "autopilot:schedule": TAG }, { desiredCount }), { memory })).upTasks;
    expect([tasks(1), tasks(4), tasks(9), tasks(undefined)]).toEqual([2, 4, 6, 2]);
  });
});

describe("planSchedules: a service whose schedule was removed", () => {
  const ours = planned().map((a) => described(a));

  it("restores the remembered capacity, marks it released, deletes our actions (what brings a later run back), restores again, then forgets it", () => {
    const plan = planOne(
      inputs(service({}), {
        actions: ours,
        target: { MinCapacity: 0, MaxCapacity: 0 },
        memory: { upMin: 2, upMax: 6, source: "desired count" },
      }),
    );
    expect(plan).toEqual({
      service: { clusterName: "dev", serviceName: "web", serviceArn: ARN, resourceId: RESOURCE },
      status: "unscheduled",
      writes: [
        { kind: "set-capacity", capacity: { min: 2, max: 6 }, reason: "restore" },
        { kind: "release-capacity" },
        { kind: "delete-action", name: "autopilot-up-0700-MON-FRI", reason: "obsolete" },
        { kind: "delete-action", name: "autopilot-down-1900-MON-FRI", reason: "obsolete" },
        // Again once the actions are gone: undoes an off-hours action that ran in between.
        { kind: "set-capacity", capacity: { min: 2, max: 6 }, reason: "restore" },
        { kind: "forget-capacity" },
      ],
    });
  });

  it("releases a memory only once, and only one there is", () => {
    // Our actions without any memory: only deleted (nothing to release or restore); with a memory
    // released already (a run that died before forgetting it): not released again.
    expect(
      writesOf(inputs(service({}), { actions: ours, target: { MinCapacity: 2, MaxCapacity: 2 } })),
    ).toEqual([
      '{"kind":"delete-action","name":"autopilot-up-0700-MON-FRI","reason":"obsolete"}',
      '{"kind":"delete-action","name":"autopilot-down-1900-MON-FRI","reason":"obsolete"}',
    ]);
    expect(
      writesOf(
        inputs(service({}), {
          actions: ours,
          target: { MinCapacity: 2, MaxCapacity: 2 },
          memory: { upMin: 2, upMax: 2, source: "desired count", released: true },
        }),
      ),
    ).toEqual([
      '{"kind":"delete-action","name":"autopilot-up-0700-MON-FRI","reason":"obsolete"}',
      '{"kind":"delete-action","name":"autopilot-down-1900-MON-FRI","reason":"obsolete"}',
      '{"kind":"set-capacity","capacity":{"min":2,"max":2},"reason":"restore"}',
      '{"kind":"forget-capacity"}',
    ]);
  });

  it("restores nothing when the target already has the remembered capacity, or nothing is remembered", () => {
    const memory = { upMin: 2, upMax: 6, source: "desired count" };
    expect(writesOf(inputs(service({}), { target: { MinCapacity: 2, MaxCapacity: 6 }, memory }))).toEqual([
      '{"kind":"forget-capacity"}',
    ]);
    expect(writesOf(inputs(service({}), { target: { MinCapacity: 2, MaxCapacity: 5 }, memory }))).toEqual([
      '{"kind":"set-capacity","capacity":{"min":2,"max":6},"reason":"restore"}',
      '{"kind":"forget-capacity"}',
    ]);
    expect(writesOf(inputs(service({}), { memory }))).toEqual(['{"kind":"forget-capacity"}']);
    expect(writesOf(inputs(service({}), { target: { MinCapacity: 0, MaxCapacity: 0 } }))).toEqual([]);
  });
});
