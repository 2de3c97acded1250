import { DescribeTaskDefinitionCommand, type ECSClient, type Service } from "@aws-sdk/client-ecs";
import { type Evaluation, evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { fromEcsApi } from "./normalize.ts";
import { runContextOf, serviceExemptions } from "./serviceContext.ts";

/**
 * Reads a task-definition revision from ECS and evaluates it in the context of the service that
 * runs it (load balancer, launch type, the service's exemptions).
 */
export async function evaluateRevision(
  ecs: ECSClient,
  arn: string,
  settings: PolicySettings,
  service?: Service,
): Promise<Evaluation | undefined> {
  const described = await ecs
    .send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }))
    .catch(() => undefined);
  if (!described?.taskDefinition) return undefined;
  return evaluateTaskDefinition(
    fromEcsApi(described.taskDefinition, described.tags ?? [], runContextOf(service)),
    settings,
    {
      extraExemptions: serviceExemptions(service),
    },
  );
}
