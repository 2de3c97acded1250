/**
 * runtime/deliver.ts keeps the report of a report-keeping flow (policy, schedule, right-sizing)
 * that the outbox did not take, under the event id, and the retry tells it: which reports are kept,
 * what a retry gets back, and that a report still not taken stays kept. Against moto's SQS and
 * DynamoDB; the outbox failure is a queue URL that does not exist (SQS's QueueDoesNotExist).
 */
import { describe, expect, it } from "vitest";
import type { FlowLog, FlowResult } from "../../../core/flow.ts";
import type { SlackMessage } from "../../../core/notify/index.ts";
import { epochSeconds, REDRIVE_HORIZON_SECONDS, stateKeys } from "../../../core/state/index.ts";
import { DeliveryError, type DeliveryTargets, deliver, deliverKeptReport } from "../../../runtime/deliver.ts";
import { drainOutbox, outboxQueues } from "../../support/outbox.ts";
import { createWorld } from "../../support/world.ts";

const quiet: FlowLog = { info: () => {}, warn: () => {}, error: () => {} };
const slack = (text: string): SlackMessage => ({
  text,
  blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
});
const notPosted = () => ({
  post: async () => {
    throw new Error("no Slack here: messages go through the outbox");
  },
});

async function setUp(flow: string, eventId: string) {
  const world = await createWorld();
  const outbox = await outboxQueues(world.clients.sqs, `outbox-kept-${flow}`);
  const targets = (queueUrl: string): DeliveryTargets => ({
    state: world.state,
    notifierFor: notPosted,
    log: quiet,
    flow,
    eventId,
    outbox: { sqs: world.clients.sqs, queueUrl },
  });
  const kept = () => world.state.get(stateKeys.keptReport(flow, eventId));
  return { world, outbox, targets, kept };
}

describe("a report the outbox did not take", () => {
  it("is kept for the redrive horizon and told by the retry, which is answered without running the flow", async () => {
    const { world, outbox, targets, kept } = await setUp("schedule", "event-kept-1");
    const result: FlowResult<{ applied: number }> = {
      summary: { applied: 1 },
      messages: [{ message: slack("Schedule applied: prod/web") }],
    };
    await expect(deliver(result, targets(outbox.missing))).rejects.toBeInstanceOf(DeliveryError);
    const item = (await kept()) as Record<string, unknown>;
    expect({ complete: item.complete, summary: item.summary }).toEqual({
      complete: true,
      summary: JSON.stringify({ applied: 1 }),
    });
    expect(Number(item.expiration) - epochSeconds(new Date())).toBeGreaterThan(REDRIVE_HORIZON_SECONDS - 60);

    // A retry while the outbox is still down: still kept, the invocation fails again.
    await expect(deliverKeptReport(targets(outbox.missing))).rejects.toBeInstanceOf(DeliveryError);
    expect(await kept()).toBeDefined();

    const retry = await deliverKeptReport(targets(outbox.working));
    expect(retry).toEqual({
      complete: true,
      told: true,
      response: {
        applied: 1,
        sent: ["SlackWebhookUrl: Schedule applied: prod/web"],
        dropped: [],
        reportOf: "earlier attempt",
      },
    });
    expect(await drainOutbox(world.clients.sqs, outbox.working)).toEqual(["Schedule applied: prod/web"]);
    expect(await kept()).toBeUndefined();
    // Nothing is kept any more: a later delivery of the event runs the flow.
    expect(await deliverKeptReport(targets(outbox.working))).toBeUndefined();
  });

  it("of a flow whose work failed too is told first, and the flow runs again (complete: false)", async () => {
    const { outbox, targets } = await setUp("policy", "event-kept-2");
    const result: FlowResult<{ rolledBack: number }> = {
      summary: { rolledBack: 0 },
      messages: [{ message: slack("Policy (enforce): web:7 could not be rolled back") }],
      failure: new Error("UpdateService failed"),
    };
    await expect(deliver(result, targets(outbox.missing))).rejects.toBeInstanceOf(DeliveryError);
    expect((await deliverKeptReport(targets(outbox.working)))?.complete).toBe(false);
  });

  it("is not kept for a flow that keeps its own records, for a message with afterQueued, or without an outbox", async () => {
    const cases: Array<[string, string, FlowResult<object>, boolean]> = [
      ["monitor", "event-kept-3", { summary: {}, messages: [{ message: slack("OOM: prod/web") }] }, true],
      [
        "rightsize",
        "event-kept-4",
        { summary: {}, messages: [{ message: slack("Right-sizing"), afterQueued: async () => {} }] },
        true,
      ],
      [
        "schedule",
        "event-kept-5",
        { summary: {}, messages: [{ message: slack("Schedule applied") }], afterDelivery: async () => {} },
        true,
      ],
      ["policy", "event-kept-6", { summary: {}, messages: [{ message: slack("Policy") }] }, false],
    ];
    for (const [flow, eventId, result, withOutbox] of cases) {
      const { outbox, targets, kept } = await setUp(flow, eventId);
      const local: DeliveryTargets = {
        ...targets(outbox.missing),
        outbox: undefined,
        notifierFor: notPosted,
      } as DeliveryTargets;
      await deliver(result, withOutbox ? targets(outbox.missing) : local).catch(() => undefined);
      expect([flow, eventId, await kept()]).toEqual([flow, eventId, undefined]);
    }
  });
});
