import * as z from "../zod.ts";

/** A Slack message on its way through the outbox queue: what the Notify function posts. */
export const OutboxMessage = z.strictObject({
  /** Stable id: the same message of the same event has the same id, so it is posted once. */
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The webhook secret naming the channel. */
  channel: z.string().check(z.regex(/^[A-Z][A-Za-z0-9]*$/)),
  /** The flow and event it came from (for logs and the DLQ). */
  flow: z.string().check(z.maxLength(64)),
  eventId: z.optional(z.string().check(z.maxLength(256))),
  /**
   * The "tell once" claim the flow took for it (an alert and its cooldown): Notify posts one
   * message per claim, so the copies of a cause queued by different events while a queue reply
   * was lost (the flow could not know it was queued) are shown once.
   */
  once: z.optional(
    z.strictObject({
      kind: z.string().check(z.minLength(1), z.maxLength(64)),
      id: z.string().check(z.minLength(1), z.maxLength(1024)),
      seconds: z.int().check(z.nonnegative()),
    }),
  ),
  message: z.strictObject({
    text: z.string(),
    blocks: z.array(z.looseObject({ type: z.string() })),
  }),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
