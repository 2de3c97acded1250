import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { describeError } from "../errors.ts";
import type { FlowLog } from "../flow.ts";
import { changeServiceAlone } from "../serviceChange.ts";
import type { StateTable } from "../state/index.ts";
import type { PolicyAction } from "./PolicyAction.ts";
import {
  policyRevisionTags,
  rollbackChange,
  rollbackOutcome,
  rollbackUpdateInput,
} from "./policyActionDecisions.ts";
import { RollbackRecords } from "./rollbackRecord.ts";

type Rollback = Extract<PolicyAction, { kind: "rollback" }>;

/** What a rollback needs to change a service alone (see `changeServiceAlone`). */
export interface RollbackGuard {
  readonly state: StateTable;
  /** The event being acted on: the lease's owner, so that its retry takes its own lease over. */
  readonly owner: string;
  readonly leaseSeconds: number;
  readonly log?: Pick<FlowLog, "warn">;
}

/**
 * Executes a plan's actions and returns them as done. A rollback changes the service only while
 * no other change of ecs-autopilot's holds it and only if it still runs the revision the verdict
 * was on; otherwise it becomes a `no-rollback` saying why: moved since (that UpdateService is
 * checked when its event comes), or held by another change (`retried`: the caller fails the event
 * so that it is checked again).
 */
export async function applyPolicyActions(
  clients: Pick<AwsClients, "ecs">,
  actions: readonly PolicyAction[],
  guard: RollbackGuard,
): Promise<PolicyAction[]> {
  const done: PolicyAction[] = [];
  for (const action of actions) {
    switch (action.kind) {
      case "tag":
        await clients.ecs.send(
          new TagResourceCommand({
            resourceArn: action.taskDefinitionArn,
            tags: policyRevisionTags(action.findings, new Date()),
          }),
        );
        done.push(action);
        break;
      case "deregister":
        await clients.ecs.send(
          new DeregisterTaskDefinitionCommand({ taskDefinition: action.taskDefinitionArn }),
        );
        done.push(action);
        break;
      case "rollback": {
        // Sent by an earlier attempt of this event (the service runs its target): told, not sent again.
        if (action.earlierAttempt) {
          done.push(action);
          break;
        }
        const records = new RollbackRecords(guard.state, guard.owner);
        const result = await changeServiceAlone(
          {
            ecs: clients.ecs,
            state: guard.state,
            service: { clusterArn: action.cluster, serviceArn: action.serviceArn },
            expected: action.from,
            owner: guard.owner,
            change: rollbackChange(action),
            leaseSeconds: guard.leaseSeconds,
            ...(guard.log ? { log: guard.log } : {}),
          },
          () => sendRollback(clients, action, records, guard.log),
        );
        done.push(rollbackOutcome(action, result));
        break;
      }
      case "no-rollback":
        done.push(action);
        break;
    }
  }
  return done;
}

/**
 * The rollback's UpdateService. Remembered under the event before it is sent: if every reply is
 * lost and the read-back below fails too, the retry finds the service on the target and this
 * record, and tells the rollback (not "nothing was rolled back").
 */
async function sendRollback(
  clients: Pick<AwsClients, "ecs">,
  action: Rollback,
  records: RollbackRecords,
  log: RollbackGuard["log"],
): Promise<unknown> {
  await records.remember(action);
  try {
    return await clients.ecs.send(new UpdateServiceCommand(rollbackUpdateInput(action)));
  } catch (error) {
    // Refused on the one attempt made (a 4xx: denied, invalid, throttled): not taken, whoever
    // moved the service since. Forgotten, so that a retry never takes a revert made by hand since
    // for this rollback.
    if (refusedOnItsOnlyAttempt(error)) {
      await records.forget(action).catch((forgetError: unknown) =>
        log?.warn("a refused rollback's record was not forgotten; it runs out by itself", {
          service: action.serviceArn,
          error: describeError(forgetError),
        }),
      );
      throw error;
    }
    // A reply lost (no answer, or a 5xx) on any of the SDK's attempts: ECS may have taken the
    // call. What the service runs now says whether it did; Slack is told that, not "could not".
    const described = await clients.ecs.send(
      new DescribeServicesCommand({ cluster: action.cluster, services: [action.serviceArn] }),
    );
    if (described.services?.[0]?.taskDefinition === action.to) return undefined;
    throw error;
  }
}

/**
 * Whether an AWS call surely changed nothing: it was answered with a 4xx on the one attempt made.
 * After several attempts (the SDK retries throttles, 5xx and lost connections) an earlier one may
 * have reached AWS and lost its reply, whatever the last one was answered.
 */
export function refusedOnItsOnlyAttempt(error: unknown): boolean {
  const metadata = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata;
  const status = metadata?.httpStatusCode;
  return status !== undefined && status < 500 && (metadata?.attempts ?? 1) <= 1;
}
