import type { RegisterTaskDefinitionCommandInput, Service, Tag } from "@aws-sdk/client-ecs";
import { atOrAbove, evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { fromEcsApi } from "./normalize.ts";
import { runContextOf, serviceExemptions } from "./serviceContext.ts";
import type { Finding } from "./types.ts";

/**
 * The findings that would make enforce mode remove a revision before it is ever registered:
 * at or above `enforceAt`, after the service's exemptions. The redeploy flow asks this before
 * it deploys, so it never rolls out what the policy would immediately deregister.
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
): Finding[] {
  const evaluation = evaluateTaskDefinition(
    fromEcsApi(taskDefinition, [...tags], runContextOf(service)),
    settings,
    {
      extraExemptions: serviceExemptions(service),
    },
  );
  return atOrAbove(evaluation.findings, settings.enforceAt);
}
