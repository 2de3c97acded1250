/**
 * Every record the monitor relies on to say "already done" for a redriven event outlives the
 * longest path an event can take back to it (EventBridge's retries, Lambda's, 14 days in the
 * dead-letter queue: core/state/redriveHorizon.ts, which infra/ reads for its settings).
 * Periods that are decisions of their own (an alert's cooldown, an incident's quiet week, the
 * crash-loop window) are not such records and are not held to it.
 */
import { describe, expect, it } from "vitest";
import { RECOVERED_SECONDS, STOP_SECONDS } from "../../../core/monitor/MonitorState.ts";
import { OCCURRENCE_TOLD_SECONDS } from "../../../core/monitor/monitorEvent.ts";
import { REDRIVE_HORIZON_SECONDS } from "../../../core/state/index.ts";
import { POSTED_SECONDS } from "../../../runtime/postOutbox.ts";

describe("the monitor's 'already done' records and the redrive horizon", () => {
  it.each([
    ["a counted stop (counted once across a redrive)", STOP_SECONDS],
    ["a recovered incident (its recovery still told by a redrive)", RECOVERED_SECONDS],
    ["an incident's opening, recovery or deployment outcome told", OCCURRENCE_TOLD_SECONDS],
    [
      "a Slack message the Notify function posted (a late redrive of its outbox letter posts nothing)",
      POSTED_SECONDS,
    ],
  ])("%s is kept at least as long as an event can come back", (_what, seconds) => {
    expect(seconds).toBeGreaterThanOrEqual(REDRIVE_HORIZON_SECONDS);
  });

  it("a recovery's 'told' is kept at least as long as the recovered incident (a later steady state never tells it again)", () => {
    expect(OCCURRENCE_TOLD_SECONDS).toBeGreaterThanOrEqual(RECOVERED_SECONDS);
  });
});
