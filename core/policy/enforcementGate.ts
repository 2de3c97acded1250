import type { RegisterTaskDefinitionCommandInput, Service, Tag } from "@aws-sdk/client-ecs";
import { atOrAbove, evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { fromEcsApi } from "./normalize.ts";
import { runContextOf, serviceExemptions } from "./serviceContext.ts";
import type { Finding, UnknownResult } from "./types.ts";

/** How a blocker that could not decide is told (the redeploy gate says it through this entry). */
export { undecidedLines } from "./evaluate.ts";

/**
 * What keeps a revision from being deployed in enforce mode: a finding at or above `enforceAt`
 * (`violation`), or a rule at or above it that could not decide on the revision (`undecided`, e.g.
 * a value of the wrong type): the policy could not show it compliant, so it fails closed.
 */
export type EnforcementBlocker =
  | ({ readonly kind: "violation" } & Finding)
  | ({ readonly kind: "undecided" } & UnknownResult);

/**
 * What keeps enforce mode from accepting a revision before it is ever registered: findings at or
 * above `enforceAt`, after the service's exemptions, then the rules at or above it that could not
 * decide. The redeploy flow asks this before it deploys, so it never rolls out what the policy
 * would deregister, nor what it could not check.
 *
 * @example
 * const blocking = enforcementBlockers(register, register.tags ?? [], service, config.policy);
 * if (blocking.length > 0) skip("policy-violation");
 */
export function enforcementBlockers(
  taskDefinition: RegisterTaskDefinitionCommandInput,
  tags: readonly Tag[],
  service: Service | undefined,
  settings: PolicySettings,
): EnforcementBlocker[] {
  const evaluation = evaluateTaskDefinition(
    fromEcsApi(taskDefinition, [...tags], runContextOf(service)),
    settings,
    {
      extraExemptions: serviceExemptions(service),
    },
  );
  return [
    ...atOrAbove(evaluation.findings, settings.enforceAt).map((f) => ({ kind: "violation" as const, ...f })),
    ...atOrAbove(evaluation.unknown, settings.enforceAt).map((u) => ({ kind: "undecided" as const, ...u })),
  ];
}
