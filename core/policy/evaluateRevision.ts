import {
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  type ECSClient,
  type Service,
} from "@aws-sdk/client-ecs";
import { describeError } from "../errors.ts";
import { atOrAbove, type Evaluation, evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { fromEcsApi } from "./normalize.ts";
import { runContextOf, serviceExemptions } from "./serviceContext.ts";

/**
 * What the policy knows of a revision: evaluated, or unknown (it could not be read). An unknown
 * revision is never treated as compliant: the policy fails closed.
 */
export type RevisionCheck =
  | { readonly kind: "evaluated"; readonly evaluation: Evaluation }
  | { readonly kind: "unknown"; readonly taskDefinitionArn: string; readonly reason: string };

/** Whether a checked revision has findings at or above the enforcement threshold; unknown is not compliant. */
export function complianceOf(
  check: RevisionCheck,
  settings: PolicySettings,
): "compliant" | "non-compliant" | "unknown" {
  if (check.kind === "unknown") return "unknown";
  return atOrAbove(check.evaluation.findings, settings.enforceAt).length > 0 ? "non-compliant" : "compliant";
}

/**
 * Reads a task-definition revision from ECS and evaluates it in the context of the service that
 * runs it (load balancer, launch type, the service's exemptions). A read that fails (throttling,
 * access denied, a revision that is gone) makes the revision `unknown`, with the reason.
 */
export async function evaluateRevision(
  ecs: ECSClient,
  arn: string,
  settings: PolicySettings,
  service?: Service,
): Promise<RevisionCheck> {
  let response: DescribeTaskDefinitionCommandOutput;
  try {
    response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }));
  } catch (error) {
    return { kind: "unknown", taskDefinitionArn: arn, reason: describeError(error) };
  }
  if (!response.taskDefinition)
    return {
      kind: "unknown",
      taskDefinitionArn: arn,
      reason: "DescribeTaskDefinition returned no task definition",
    };
  return {
    kind: "evaluated",
    evaluation: evaluateTaskDefinition(
      fromEcsApi(response.taskDefinition, response.tags ?? [], runContextOf(service)),
      settings,
      { extraExemptions: serviceExemptions(service) },
    ),
  };
}
