/**
 * The matrix page's headline (test/faults/reliabilityDoc.ts) says apart the known limit of
 * incoming webhooks — a reply lost after Slack took the message, `Slack drop-after ×1` — from
 * every other inconsistency, including the same fault with a bot token, which must not hide there,
 * and counts AWS's faults (the matrix) apart from Slack's.
 */
import { describe, expect, it } from "vitest";
import { FLOWS, type MatrixRun, SLACK_FAULT_CLASSES } from "./matrix.ts";
import { matrixSection, SLACK_REPLY_LOST } from "./reliabilityDoc.ts";
import type { ScenarioResult, Status } from "./scenario.ts";

const result = (flow: string, faultClass: string, status: Status, target = "Slack"): ScenarioResult => ({
  flow,
  target,
  faultClass,
  group: faultClass,
  status,
  violations:
    status === "consistent" ? [] : [{ invariant: "R5 said once", breaks: status, detail: "shown 2 times" }],
  events: 1,
  invocations: 1,
  notifyInvocations: 1,
  deadLettered: 0,
  parked: 0,
  leftQueued: 0,
  droppedByOutbox: 0,
  timedOut: 0,
  actionsDone: 0,
  injected: 1,
  shown: 2,
  ms: 10,
  commands: {},
  attempts: {},
  unimplemented: [],
});

const run = (results: ScenarioResult[]): MatrixRun => ({
  startedAt: "2026-11-27T17:00:00.000Z",
  revision: "abc1234",
  ms: 60_000,
  clean: FLOWS.map((f) => result(f.name, "none", "consistent")),
  results,
});
const headline = (r: MatrixRun) => matrixSection(r).split("\n")[2] ?? "";

describe("the matrix headline and the webhook's known limit", () => {
  it("the webhook's lost reply is named as the known limit; the Web API's same fault counts as any other", () => {
    expect(SLACK_FAULT_CLASSES.find((c) => c.name === SLACK_REPLY_LOST)?.mode).toBe("webhook");
    expect(SLACK_FAULT_CLASSES.find((c) => c.name === "Slack API drop-after ×1")?.mode).toBe("api");
    expect(
      headline(
        run([
          result("redeploy", SLACK_REPLY_LOST, "inconsistent"),
          result("redeploy", "Slack API drop-after ×1", "inconsistent"),
          result("monitor", "Slack API drop-after ×1", "consistent"),
          result("monitor", "throttle always", "lost", "DynamoDB.UpdateItem"),
          result("schedule", "drop-after ×1", "consistent", "ApplicationAutoScaling.PutScheduledAction"),
        ]),
      ),
    ).toBe(
      "Measured 2026-11-27 on `abc1234` in 1 min 0 s: **5 scenarios, 2 inconsistent, 1 lost; 0 not consistent after a redrive of the DLQ.** 1 of the 2 inconsistent is `Slack drop-after ×1`: a message an incoming webhook took whose reply was lost is shown twice (known limit above; with a bot token the channel is read back first: `Slack API drop-after ×1`); 1 is not. Of them, **AWS faults** (the proxy between the SDK and moto): 2 scenarios, 0 inconsistent, 1 lost; **Slack faults** (the stand-in's webhook and Web API): 3 scenarios, 2 inconsistent, 0 lost.",
    );
  });

  it("with only the Web API's scenarios inconsistent, nothing is put down to the known limit", () => {
    expect(headline(run([result("policy", "Slack API drop-after ×1", "inconsistent")]))).toBe(
      "Measured 2026-11-27 on `abc1234` in 1 min 0 s: **1 scenarios, 1 inconsistent, 0 lost; 0 not consistent after a redrive of the DLQ.** Of them, **AWS faults** (the proxy between the SDK and moto): 0 scenarios, 0 inconsistent, 0 lost; **Slack faults** (the stand-in's webhook and Web API): 1 scenarios, 1 inconsistent, 0 lost.",
    );
  });

  it("every Slack class has a row in the per-class table, both modes", () => {
    const section = matrixSection(run([]));
    for (const c of SLACK_FAULT_CLASSES) expect(section).toContain(`| ${c.name} `);
  });
});
