/**
 * What one rule decided for one resource, as exact lines: `ECSnnn severity path: message` for
 * each finding, `?ECSnnn path: message` for each place it could not decide. Shared by the tests
 * of the service, cluster, capacity-provider, task-set and tagging rules.
 */
import { type AutopilotConfig, DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import { evaluateResource, type ResourceKind } from "../../../core/policy/index.ts";
import type { RelatedResources, RunContext } from "../../../core/policy/types.ts";

export type Json = Record<string, unknown>;

export function decide(
  ruleId: string,
  kind: ResourceKind,
  document: Json,
  options: { related?: RelatedResources; run?: RunContext; config?: AutopilotConfig } = {},
): string[] {
  const evaluation = evaluateResource(
    {
      document,
      subject: "x",
      suppressions: [],
      run: options.run ?? {},
      resourceType: kind,
      related: options.related ?? {},
    },
    (options.config ?? DEFAULT_CONFIG).policy,
  );
  return [
    ...evaluation.findings
      .filter((f) => f.ruleId === ruleId)
      .map((f) => `${f.ruleId} ${f.severity} ${f.path}: ${f.message}`),
    ...evaluation.unknown
      .filter((u) => u.ruleId === ruleId)
      .map((u) => `?${u.ruleId} ${u.path}: ${u.message}`),
  ];
}

/** A config that sets one rule's entry (`{ enabled: true, params: {…} }`). */
export const withRule = (ruleId: string, entry: Json): AutopilotConfig =>
  parseConfig(JSON.stringify({ policy: { rules: { [ruleId]: entry } } }), `${ruleId} config`);
