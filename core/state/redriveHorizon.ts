/**
 * How long an event can come back to a flow after it was first handled — EventBridge's retries,
 * Lambda's asynchronous retries, then the dead-letter queue, from which `ecs-autopilot dlq
 * redrive` replays it through the same handler — and so how long a record that says "already
 * done" must be kept for that replay to find it. infra/ sets the queues and retry policies from
 * these numbers (infra/shared.ts, infra/eventRules.ts), so the two cannot drift apart.
 */

/** How long a dead letter is kept: the dead-letter queues' `messageRetentionSeconds` (14 days, SQS's maximum). */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** How long EventBridge retries delivering an event to a function (each rule target's `maximumEventAgeInSeconds`). */
export const EVENTBRIDGE_RETRY_SECONDS = 24 * 60 * 60;

/** How long Lambda keeps retrying an asynchronous invocation (each function's `maximumEventAgeInSeconds`). */
export const LAMBDA_RETRY_SECONDS = 6 * 60 * 60;

/**
 * The longest an event can come back after its first handling: a copy EventBridge delivers again
 * up to a day later, retried by Lambda for up to 6 hours, then kept 14 days as a dead letter —
 * 15 days and 6 hours. A marker a redriven event relies on ("this stop was counted", "this
 * incident was told") lives at least this long; TTL deletes it afterwards.
 */
export const REDRIVE_HORIZON_SECONDS =
  EVENTBRIDGE_RETRY_SECONDS + LAMBDA_RETRY_SECONDS + DEAD_LETTER_RETENTION_SECONDS;
