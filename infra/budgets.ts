/**
 * How long each function may run, from its worst case with retries (the numbers each infra file
 * states beside its timeout). Sources: Slack's retry budget is core/notify/SlackWebhook.ts's
 * SLACK_POST_WORST_CASE_MS (4 attempts × 5 s + 3 waits ≤ 30 s = 110 s); AWS calls retry inside
 * the SDK (adaptive mode, 5 attempts); Lambda's hard limit is 900 s.
 */
import { SLACK_POST_WORST_CASE_MS } from "../core/notify/index.ts";

/** One Slack post, every attempt timing out and every wait at its cap: 110 s. */
export const SLACK_POST_SECONDS = SLACK_POST_WORST_CASE_MS / 1000;

/** Lambda's maximum timeout. */
export const LAMBDA_MAX_SECONDS = 900;

/** A timeout covering `parts` (seconds), never above Lambda's maximum: a budget that does not fit fails the deploy. */
export function timeoutFor(name: string, parts: Record<string, number>): number {
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  if (total > LAMBDA_MAX_SECONDS)
    throw new Error(
      `${name}: its worst case (${total} s: ${JSON.stringify(parts)}) exceeds Lambda's ${LAMBDA_MAX_SECONDS} s`,
    );
  return total;
}
