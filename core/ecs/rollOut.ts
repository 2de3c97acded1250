import {
  type DeploymentConfiguration,
  DeregisterTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";

export interface Deployed {
  readonly taskDefinitionArn: string;
  readonly deploymentId?: string;
  readonly replayed?: boolean;
}

/** What a rollout needs: the revision to register and the service to move onto it. */
export interface RollOut {
  readonly register: RegisterTaskDefinitionCommandInput;
  readonly service: { readonly clusterArn: string; readonly serviceArn: string };
  readonly deploymentConfiguration: DeploymentConfiguration;
}

/**
 * Registers the new revision and rolls it out with the circuit breaker and rollback on. When the
 * service update fails, the revision just registered is deregistered again, so a failure leaves
 * nothing half-applied. Used by the redeploy and the right-sizing flows.
 */
export async function rollOut(ecs: ECSClient, action: RollOut): Promise<Deployed> {
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(action.register));
  const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn;
  if (!taskDefinitionArn) throw new Error("RegisterTaskDefinition returned no task definition ARN");
  try {
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: action.service.clusterArn,
        service: action.service.serviceArn,
        taskDefinition: taskDefinitionArn,
        deploymentConfiguration: action.deploymentConfiguration,
      }),
    );
    const primary = updated.service?.deployments?.find((d) => d.status === "PRIMARY");
    return { taskDefinitionArn, ...(primary?.id ? { deploymentId: primary.id } : {}) };
  } catch (error) {
    await ecs
      .send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }))
      .catch(() => undefined);
    throw error;
  }
}
