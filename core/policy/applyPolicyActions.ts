import {
  DeregisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { REVISION_TAGS } from "../tags.ts";
import type { PolicyAction } from "./PolicyAction.ts";

/** Executes a plan's actions. */
export async function applyPolicyActions(
  clients: Pick<AwsClients, "ecs">,
  actions: readonly PolicyAction[],
): Promise<void> {
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
        break;
      case "deregister":
        await clients.ecs.send(
          new DeregisterTaskDefinitionCommand({ taskDefinition: action.taskDefinitionArn }),
        );
        break;
      case "rollback":
        await clients.ecs.send(
          new UpdateServiceCommand({
            cluster: action.cluster,
            service: action.service,
            taskDefinition: action.to,
          }),
        );
        break;
      case "no-rollback":
        break;
    }
  }
}
