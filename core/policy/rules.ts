import { CAPACITY_PROVIDER_RULES } from "./rules/capacityProviderRules.ts";
import { CLUSTER_RULES } from "./rules/clusterRules.ts";
import { OPERATIONAL_RULES } from "./rules/operationalRules.ts";
import { SERVICE_RULES } from "./rules/serviceRules.ts";
import { TASK_DEFINITION_RULES } from "./rules/taskDefinitionRules.ts";
import { TASK_SET_RULES } from "./rules/taskSetRules.ts";
import type { PolicyRule } from "./types.ts";

/** The whole catalogue, in id order: task definitions, services, clusters, task sets, capacity providers. */
export const RULES: readonly PolicyRule[] = [
  ...TASK_DEFINITION_RULES,
  ...OPERATIONAL_RULES,
  ...SERVICE_RULES,
  ...CLUSTER_RULES,
  ...TASK_SET_RULES,
  ...CAPACITY_PROVIDER_RULES,
].sort((a, b) => a.id.localeCompare(b.id));

export const RULES_BY_ID: ReadonlyMap<string, PolicyRule> = new Map(RULES.map((r) => [r.id, r]));
