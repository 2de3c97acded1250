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
import type { UnknownResult } from "./types.ts";

/**
 * What the policy knows of a revision: evaluated, or unknown (it could not be read). An unknown
 * revision is never treated as compliant: the policy fails closed.
 */
export type RevisionCheck =
  | { readonly kind: "evaluated"; readonly evaluation: Evaluation }
  | { readonly kind: "unknown"; readonly taskDefinitionArn: string; readonly reason: string };

/**
 * What enforce mode concludes from a checked revision, failing closed:
 * - `non-compliant`: a finding at or above the enforcement threshold (it holds whatever else is
 *   not known);
 * - `unknown`: the revision could not be read, or a rule at or above the threshold could not
 *   decide on it (see {@link undecidedOf}) — never compliant, never a rollback target, and not
 *   acted on as a violation either;
 * - `compliant`: read, every rule at or above the threshold decided, none found anything.
 * A rule below the threshold that could not decide changes nothing, as a finding there would not.
 */
export function complianceOf(
  check: RevisionCheck,
  settings: PolicySettings,
): "compliant" | "non-compliant" | "unknown" {
  if (check.kind === "unknown") return "unknown";
  if (atOrAbove(check.evaluation.findings, settings.enforceAt).length > 0) return "non-compliant";
  return undecidedOf(check.evaluation, settings).length > 0 ? "unknown" : "compliant";
}

/** The rules at or above the enforcement threshold that could not decide on an evaluated revision, and why. */
export function undecidedOf(evaluation: Evaluation, settings: PolicySettings): UnknownResult[] {
  return atOrAbove(evaluation.unknown, settings.enforceAt);
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
