import {
  DeregisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { nameFromArn } from "../ecs/arns.ts";
import type { FlowLog } from "../flow.ts";
import { changeServiceAlone } from "../serviceChange.ts";
import type { StateTable } from "../state/index.ts";
import { REVISION_TAGS } from "../tags.ts";
import type { PolicyAction } from "./PolicyAction.ts";

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
            tags: [
              { key: REVISION_TAGS.policyFindings, value: String(action.findings) },
              { key: REVISION_TAGS.policyChecked, value: new Date().toISOString().slice(0, 19) },
            ],
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
        const result = await changeServiceAlone(
          {
            ecs: clients.ecs,
            state: guard.state,
            service: { clusterArn: action.cluster, serviceArn: action.serviceArn },
            expected: action.from,
            owner: guard.owner,
            change: `the policy's rollback of ${nameFromArn(action.from)} to ${nameFromArn(action.to)}`,
            leaseSeconds: guard.leaseSeconds,
            ...(guard.log ? { log: guard.log } : {}),
          },
          () =>
            clients.ecs.send(
              new UpdateServiceCommand({
                cluster: action.cluster,
                service: action.serviceArn,
                taskDefinition: action.to,
              }),
            ),
        );
        if (result.kind === "changed") done.push(action);
        else if (result.kind === "busy")
          // Fails closed: the event is retried and checked again once that change is done (if it
          // never updates the service, the retry rolls back; if it does, that update is checked too).
          done.push({
            kind: "no-rollback",
            cluster: action.cluster,
            service: action.service,
            reason: `${action.reason}; not rolled back yet: ${result.change} is changing the service right now; this event is retried, then dead-lettered, to check again`,
            retried: true,
          });
        // Someone's UpdateService moved it: that call is checked when its event comes.
        else
          done.push({
            kind: "no-rollback",
            cluster: action.cluster,
            service: action.service,
            reason: `${action.reason}; not rolled back: the service moved off ${nameFromArn(action.from)} since it was checked (it runs ${result.runs ? nameFromArn(result.runs) : "an unknown revision"})`,
          });
        break;
      }
      case "no-rollback":
        done.push(action);
        break;
    }
  }
  return done;
}
