import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { mapWithConcurrency } from "../aws/concurrency.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import type { ToldRollout } from "./applyDecisions.ts";

/*
 * "Told once" for a push's roll-outs across the retries of its event. A push that fails for one
 * service (its reads failed: `unread`) fails the invocation, so Lambda retries it; the retry finds
 * the services the first attempt deployed running the pushed digest (`deployed-earlier`). Whether
 * to tell them again depends on whether the first attempt's report got out: once the report is
 * handed to the outbox (runtime/deliver.ts, `afterQueued`), each roll-out it told is marked
 * `reported` on its record (the roll-out's lease, then `done`), which the retry reads anyway to tell
 * who deployed it (applyRedeployPlan.ts, whoDeployed): a reported one is not told again. A report
 * that never got out (the send failed, the process died first) leaves no mark: the retry tells it.
 */

/**
 * Marks each roll-out's record as reported, under `owner` (the event that rolled it out): one
 * conditional UpdateItem each, a SET that can be repeated (a lost reply retried by the SDK sets it
 * again). A record that is gone or another owner's (taken back since) is left alone. Run only once
 * the report is queued; when it fails, the first error is thrown (the caller logs it) and a retry
 * tells those roll-outs again: twice at worst, never lost.
 */
export async function recordReported(
  state: StateTable,
  rollouts: readonly ToldRollout[],
  owner: string,
): Promise<void> {
  await mapWithConcurrency(rollouts, 4, async ({ serviceArn, rolloutId }) => {
    try {
      await state.update(stateKeys.rollout(serviceArn, rolloutId), {
        ConditionExpression: "#owner = :owner",
        UpdateExpression: "SET #reported = :reported",
        ExpressionAttributeNames: { "#owner": "owner", "#reported": "reported" },
        ExpressionAttributeValues: { ":owner": owner, ":reported": true },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  });
}
