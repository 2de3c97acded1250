import type { MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import { AutopilotError } from "../core/errors.ts";
import { acquireLease, completeLease, releaseLease, stateKeys } from "../core/state/index.ts";
import type { FlowRuntime } from "./runtime.ts";

/** Another invocation is handling the same event right now: this one fails, so Lambda retries it later. */
export class EventInProgressError extends AutopilotError {
  override readonly name = "EventInProgressError";
  readonly code = "event-in-progress";
  constructor(readonly eventId: string) {
    super(`event ${eventId} is being handled by another invocation; retry later`);
  }
}

/** How long a handled event is answered from its record (EventBridge retries for up to 24 h). */
const HANDLED_SECONDS = 24 * 60 * 60;
/** Stored responses are capped well below DynamoDB's 400 KB item size. */
const MAX_STORED_RESPONSE = 300_000;

interface ClaimState {
  key: ReturnType<typeof stateKeys.event>;
  owner: string;
}

/**
 * At-least-once delivery, handled once (EventBridge and Lambda may deliver an event twice):
 * - the first invocation takes a lease on the event id for its own lifetime;
 * - a second delivery while the first runs fails with {@link EventInProgressError} and leaves
 *   the first one's lease alone (Lambda retries it later, when it is answered from the record);
 * - a delivery after success is answered from the stored response;
 * - when the handler fails, the lease is given back so that the retry runs the flow again (the
 *   flows are idempotent: a retry completes the work, it never repeats it);
 * - when an invocation dies (timeout), its lease runs out at its deadline.
 */
export function claimEvents(
  runtime: FlowRuntime,
  flow: string,
): MiddlewareObj<unknown, unknown, Error, Context> {
  const claims = new WeakMap<object, ClaimState>();
  return {
    before: async (request) => {
      const id = (request.event as { id?: unknown }).id;
      if (typeof id !== "string" || id.length === 0) return undefined;
      const key = stateKeys.event(flow, id);
      const owner = request.context.awsRequestId;
      const leaseSeconds = Math.ceil(request.context.getRemainingTimeInMillis() / 1000) + 30;
      const lease = await acquireLease<{ response?: string }>(runtime.state, key, owner, { leaseSeconds });
      if (lease.acquired) {
        claims.set(request, { key, owner });
        return undefined;
      }
      if (lease.holder.status === "done") {
        runtime.logger.info("event already handled: answered from its record", { eventId: id });
        return lease.holder.response === undefined ? { replayed: true } : JSON.parse(lease.holder.response);
      }
      throw new EventInProgressError(id);
    },
    after: async (request) => {
      const claim = claims.get(request);
      if (!claim) return;
      const text = JSON.stringify(request.response ?? null);
      const response =
        text.length <= MAX_STORED_RESPONSE ? text : JSON.stringify({ replayed: true, truncated: true });
      try {
        await completeLease(runtime.state, claim.key, claim.owner, {
          ttlSeconds: HANDLED_SECONDS,
          attributes: { response },
        });
      } catch (error) {
        // The work is done; a redelivery would run the (idempotent) flow again. Never fail here.
        runtime.logger.error("could not record the handled event", { error });
      }
    },
    onError: async (request) => {
      const claim = claims.get(request);
      if (!claim) return;
      await releaseLease(runtime.state, claim.key, claim.owner).catch((error: unknown) =>
        runtime.logger.error("could not give the event's lease back; it runs out at the deadline", { error }),
      );
    },
  };
}

/**
 * Records an event handled with this answer, as a claimed invocation does when it returns: for an
 * invocation that answered before taking the claim (runtime/flowHandler.ts: a kept report told),
 * so that a later delivery of the event is answered from the record, not planned again. An event
 * someone else holds or has recorded is left as it is.
 */
export async function recordHandled(
  runtime: FlowRuntime,
  flow: string,
  eventId: string,
  owner: string,
  response: unknown,
): Promise<void> {
  const key = stateKeys.event(flow, eventId);
  const lease = await acquireLease(runtime.state, key, owner, { leaseSeconds: 60 });
  if (!lease.acquired) return;
  const text = JSON.stringify(response ?? null);
  await completeLease(runtime.state, key, owner, {
    ttlSeconds: HANDLED_SECONDS,
    attributes: {
      response:
        text.length <= MAX_STORED_RESPONSE ? text : JSON.stringify({ replayed: true, truncated: true }),
    },
  });
}
