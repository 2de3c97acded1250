import { expiresIn, REDRIVE_HORIZON_SECONDS, type StateTable, stateKeys } from "../state/index.ts";
import type { PolicyAction } from "./PolicyAction.ts";

type Rollback = Extract<PolicyAction, { kind: "rollback" }>;

/** What a rollback remembers under its event before it sends its UpdateService. */
export interface RollbackRecord {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/**
 * The records a policy rollback keeps under its event (`stateKeys.policyRollback`), so that the
 * event's retry can tell its own rollback when every UpdateService reply was lost and the
 * read-back failed too: by then the service runs the rollback's target, and planned again the
 * event would say "the service no longer runs it, so nothing was rolled back". Kept for the
 * redrive horizon (a `dlq redrive` is a retry too).
 */
export class RollbackRecords {
  constructor(
    private readonly state: StateTable,
    /** The event being acted on. */
    private readonly eventId: string,
  ) {}

  /** Written before the UpdateService is sent: a lost reply can no longer lose what was sent. */
  async remember(action: Rollback): Promise<void> {
    await this.state.put({
      ...stateKeys.policyRollback(this.eventId, action.serviceArn),
      kind: "policy-rollback",
      from: action.from,
      to: action.to,
      reason: action.reason,
      expiration: expiresIn(REDRIVE_HORIZON_SECONDS),
    });
  }

  /** ECS refused the UpdateService (a 4xx): it was not taken, so there is nothing to remember. */
  async forget(action: Rollback): Promise<void> {
    await this.state.delete(stateKeys.policyRollback(this.eventId, action.serviceArn));
  }

  /** The rollback an earlier attempt of this event sent to the service, if any. */
  async find(serviceArn: string): Promise<RollbackRecord | undefined> {
    const item = await this.state.get<Partial<RollbackRecord>>(
      stateKeys.policyRollback(this.eventId, serviceArn),
    );
    if (typeof item?.from !== "string" || typeof item.to !== "string") return undefined;
    return { from: item.from, to: item.to, reason: typeof item.reason === "string" ? item.reason : "" };
  }
}

/**
 * Whether a service that moved off the revision a call set was moved by this event's own earlier
 * rollback: the record names that revision as its `from` and the service runs its `to`. (An
 * engineer who, in the minutes between a lost reply and the retry, rolled the service back to
 * the very same revision by hand is told as the policy's rollback: the outcome is the same.)
 */
export const isEarlierRollback = (
  record: RollbackRecord | undefined,
  current: string,
  running: string,
): record is RollbackRecord => record !== undefined && record.from === current && record.to === running;
