/**
 * The monitor's memory (core/monitor/MonitorState.ts) when another invocation acts between its
 * read and its write, and when DynamoDB refuses a call for a reason other than a condition.
 * Every call reaches moto; what moto cannot produce on cue — the other invocation's writes at
 * that very moment, a transaction cancelled for a conflict, a refused call — is done by a
 * middleware on the client of the MonitorState under test, just before its call is sent.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { MonitorState } from "../../../core/monitor/index.ts";
import { StateTable, stateKeys } from "../../../core/state/index.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

const SERVICE = "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/orders";
const TASK = "arn:aws:ecs:us-east-2:667471847564:task/primary-cluster";

let world: World;
/** The monitor of another invocation, on its own client. */
let other: MonitorState;

beforeEach(async () => {
  world = await createWorld();
  other = new MonitorState(world.state);
});

/** A MonitorState whose first `command` call runs `before` first (and is then sent, unless `before` throws). */
function stateWith(command: string, before: () => Promise<void>): MonitorState {
  const clients = createAwsClients({ region: REGION });
  let done = false;
  (clients.dynamodb.middlewareStack.add as (m: unknown, o: unknown) => void)(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (context.commandName === `${command}Command` && !done) {
        done = true;
        await before();
      }
      return next(args);
    },
    { step: "initialize", name: `before-${command}` },
  );
  return new MonitorState(new StateTable(clients.documents, world.tableName));
}

const refused = (operation: string) =>
  Object.assign(new Error(`User is not authorized to perform: dynamodb:${operation}`), {
    name: "AccessDeniedException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });

const incidentOf = (by: string) => ({
  serviceArn: SERVICE,
  firstStopAt: "2026-11-25T12:00:00.000Z",
  stops: 3,
  lastClass: "application-error" as const,
  lastReason: "Essential container in task exited",
  lastTaskArn: `${TASK}/${by}`,
  openedByStop: `${TASK}/${by}`,
});

/** A steady-state event of the service, seen after the incidents' first stop. */
const steadyEvent = (id: string) => ({ id, time: "2026-11-25T12:30:00Z" });

const stopOf = (task: string) => ({
  stopId: `${TASK}/${task}`,
  eventId: `event-${task}`,
  serviceArn: SERVICE,
  stopClass: "application-error" as const,
  abnormal: true,
  reason: "Essential container in task exited",
  taskArn: `${TASK}/${task}`,
  windowMinutes: 10,
});

describe("MonitorState counting a stop", () => {
  it("counts the stop in the crash-loop window when the incident recovered between its read and its write", async () => {
    await other.openIncident(incidentOf("t1"));
    const state = stateWith("TransactWriteItems", async () => {
      await other.recoverIncident(SERVICE, steadyEvent("steady-other"));
    });
    const count = await state.countStopOnce(stopOf("t4"));
    expect(count).toMatchObject({ by: "counted", incident: { status: "recovered", stops: 3 } });
    // The recovered incident keeps its count; the stop starts the next window.
    expect(await other.incident(SERVICE)).toMatchObject({ status: "recovered", stops: 3 });
    expect((await other.recentStops(SERVICE, 10)).stops).toBe(1);
    expect(await other.readStopStats(SERVICE, 1)).toMatchObject([{ stops: 1 }]);
  });

  it("fails, counting nothing, when DynamoDB cancels the transaction for a conflict (the invocation is retried)", async () => {
    const conflict = new TransactionCanceledException({
      message: "Transaction cancelled, please refer cancellation reasons for specific reasons",
      $metadata: { httpStatusCode: 400 },
      CancellationReasons: [{ Code: "None" }, { Code: "TransactionConflict" }, { Code: "None" }],
    });
    const state = stateWith("TransactWriteItems", async () => {
      throw conflict;
    });
    await expect(state.countStopOnce(stopOf("t1"))).rejects.toBe(conflict);
    expect(await other.readStopStats(SERVICE, 1)).toEqual([]);
    expect((await other.recentStops(SERVICE, 10)).stops).toBe(0);
  });
});

describe("MonitorState's records of a counted stop", () => {
  it("marks the stop counted by this event, for as long as the event can be redriven (15 days 6 hours)", async () => {
    const now = new Date();
    await new MonitorState(world.state, () => now).countStopOnce(stopOf("t1"));
    expect(await world.state.get(stateKeys.taskStop(`${TASK}/t1`))).toEqual({
      ...stateKeys.taskStop(`${TASK}/t1`),
      kind: "stop-counted",
      countedBy: "event-t1",
      expiration: Math.floor(now.getTime() / 1000) + (14 * 24 + 24 + 6) * 60 * 60,
    });
  });

  it("counts a normal stop in the day's statistics only: never in the crash-loop window, never in the open incident", async () => {
    const normal = { ...stopOf("t1"), stopClass: "scale-in" as const, abnormal: false };
    await other.countStopOnce(normal);
    expect((await other.recentStops(SERVICE, 10)).stops).toBe(0);
    expect(await other.readStopStats(SERVICE, 1)).toMatchObject([{ stops: 1, byClass: { "scale-in": 1 } }]);

    await other.openIncident(incidentOf("t3"));
    expect(await other.countStopOnce({ ...normal, stopId: `${TASK}/t4`, eventId: "event-t4" })).toEqual({
      by: "counted",
    });
    expect(await other.incident(SERVICE)).toMatchObject({ stops: 3, lastTaskArn: `${TASK}/t3` });
    expect((await other.recentStops(SERVICE, 10)).stops).toBe(0);
  });

  it("keeps the first 1,000 characters of a stop's reason in the open incident", async () => {
    await other.openIncident(incidentOf("t3"));
    const reason = `CannotPullContainerError: ${"x".repeat(1200)}`;
    await other.countStopOnce({ ...stopOf("t4"), stopClass: "image-pull", reason });
    expect(await other.incident(SERVICE)).toMatchObject({
      stops: 4,
      lastClass: "image-pull",
      lastReason: reason.slice(0, 1000),
      lastTaskArn: `${TASK}/t4`,
    });
  });
});

describe("MonitorState opening an incident", () => {
  it("gives a second opener the incident already open, not a new one", async () => {
    const first = await other.openIncident(incidentOf("t3"));
    expect(first).toMatchObject({ opened: true, incident: { status: "open", openedByStop: `${TASK}/t3` } });
    const second = await new MonitorState(world.state).openIncident(incidentOf("t9"));
    expect(second).toEqual({ opened: false, incident: expect.objectContaining(first.incident) });
    expect(await other.incident(SERVICE)).toMatchObject({ openedByStop: `${TASK}/t3`, stops: 3 });
  });

  it("fails when DynamoDB refuses the write, and opens nothing", async () => {
    const state = stateWith("PutItem", async () => {
      throw refused("PutItem");
    });
    await expect(state.openIncident(incidentOf("t3"))).rejects.toMatchObject({
      name: "AccessDeniedException",
    });
    expect(await other.incident(SERVICE)).toBeUndefined();
  });
});

describe("MonitorState recovering an incident", () => {
  it("recovers the incident open now when another invocation recovered the one it read and a new one opened", async () => {
    await other.openIncident(incidentOf("t3"));
    const later = new MonitorState(world.state, () => new Date(Date.now() + 60_000));
    const state = stateWith("TransactWriteItems", async () => {
      await other.recoverIncident(SERVICE, steadyEvent("steady-other"));
      await later.openIncident(incidentOf("t7"));
    });
    const recovered = await state.recoverIncident(SERVICE, steadyEvent("steady-this"));
    expect(recovered).toMatchObject({ recovered: { status: "recovered", openedByStop: `${TASK}/t7` } });
    expect(await other.incident(SERVICE)).toMatchObject({ status: "recovered", openedByStop: `${TASK}/t7` });
  });

  it("fails when DynamoDB refuses the write, and leaves the incident open and the event unrecorded", async () => {
    await other.openIncident(incidentOf("t3"));
    const state = stateWith("TransactWriteItems", async () => {
      throw refused("TransactWriteItems");
    });
    await expect(state.recoverIncident(SERVICE, steadyEvent("steady-refused"))).rejects.toMatchObject({
      name: "AccessDeniedException",
    });
    expect(await other.incident(SERVICE)).toMatchObject({ status: "open" });
    expect(await world.state.get(stateKeys.incidentRecovery("steady-refused"))).toBeUndefined();
  });

  it("leaves open an incident whose first stop came after the steady state (an older event retried or redriven)", async () => {
    await other.openIncident(incidentOf("t3"));
    const found = await other.recoverIncident(SERVICE, { id: "steady-before", time: "2026-11-25T11:59:00Z" });
    expect(found).toMatchObject({ predates: { status: "open", openedByStop: `${TASK}/t3` } });
    expect(await other.incident(SERVICE)).toMatchObject({ status: "open" });
  });

  it("answers a retry with the incident the event recovered, after a later incident took the service's item", async () => {
    await other.openIncident(incidentOf("t3"));
    const first = await other.recoverIncident(SERVICE, steadyEvent("steady-retried"));
    const later = new MonitorState(world.state, () => new Date(Date.now() + 60_000));
    await later.openIncident(incidentOf("t7"));
    const retry = await other.recoverIncident(SERVICE, steadyEvent("steady-retried"));
    expect(retry).toEqual(first);
    expect(retry).toMatchObject({ recovered: { status: "recovered", openedByStop: `${TASK}/t3` } });
    expect(await other.incident(SERVICE)).toMatchObject({ status: "open", openedByStop: `${TASK}/t7` });
  });
});
