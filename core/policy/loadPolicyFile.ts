import { readFile } from "node:fs/promises";
import { isObject } from "./fields.ts";
import { resourcesFromTemplate } from "./inputs/cloudFormationResources.ts";
import { resourcesFromEcsJson } from "./inputs/ecsJsonResources.ts";
import { parseStructuredText } from "./inputs/structuredText.ts";
import {
  isTerraformPlan,
  resourcesFromTerraformFile,
  resourcesFromTerraformJson,
  resourcesFromTerraformPlan,
} from "./inputs/terraformResources.ts";
import { assertWellFormed } from "./inputs/wellFormedTaskDefinition.ts";
import type { LoadedResource } from "./LoadedResource.ts";
import { PolicyInputError } from "./PolicyInputError.ts";

/** What `policy check` reads: JSON/YAML (ECS API shapes, CloudFormation, Terraform JSON and plans) and `.tf`. */
export const POLICY_INPUT = /\.(json|ya?ml|tf)$/i;

/** Problems that mean "this file is something else", passed over when a directory is checked. */
export const NOT_AN_ECS_INPUT = /^(not an ECS input|a CloudFormation template without|no ECS resources)/;

/**
 * A Go template action (`{{ .Values.image }}`, `{{- include "x" . }}`, `{{ if … }}`): Helm charts'
 * templates are YAML only once rendered. CloudFormation's dynamic references
 * (`{{resolve:ssm:/db/host}}`) are not actions.
 */
const GO_TEMPLATE =
  /\{\{-?\s*(?:[.$]|(?:if|else|end|range|with|define|template|include|block|toYaml|tpl|printf|default|required|quote)\b)/;

/**
 * Reads one file and finds the ECS resources in it: task definitions, services, clusters, task sets
 * and capacity providers. Inputs: ECS API JSON (RegisterTaskDefinition/CreateService input,
 * Describe* output), CloudFormation templates (CDK synth output included), Terraform (`.tf`,
 * `.tf.json`) and Terraform plans (`terraform show -json`).
 *
 * @example
 * for (const resource of await loadPolicyFile("infra/ecs.tf")) evaluateResource(resource, config.policy);
 */
export async function loadPolicyFile(file: string): Promise<LoadedResource[]> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    throw new PolicyInputError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return loadPolicyText(content, file);
}

/**
 * Finds the ECS resources in a file's text (see {@link loadPolicyFile}); a task definition whose
 * lists hold something other than objects (`containerDefinitions: [null]`) is refused.
 */
export async function loadPolicyText(content: string, file: string): Promise<LoadedResource[]> {
  const resources = await findPolicyResources(content, file);
  for (const resource of resources) assertWellFormed(resource);
  return resources;
}

async function findPolicyResources(content: string, file: string): Promise<LoadedResource[]> {
  if (/\.tf$/i.test(file)) {
    const resources = await resourcesFromTerraformFile(file, content);
    if (resources.length === 0) throw new PolicyInputError(file, "no ECS resources in this Terraform file");
    return resources;
  }
  const template = /^\s*[[{]/.test(content) ? null : GO_TEMPLATE.exec(content);
  if (template) {
    const line = content.slice(0, template.index).split("\n").length;
    const end = content.indexOf("}}", template.index);
    const action = content.slice(template.index, end === -1 ? undefined : end + 2).slice(0, 60);
    throw new PolicyInputError(
      file,
      `not an ECS input: skipped, a Go template (Helm chart or similar: ${action}), not CloudFormation or ECS JSON`,
      { line, column: template.index - content.lastIndexOf("\n", template.index - 1) },
    );
  }
  const source = parseStructuredText(content, file);
  const value = source.value;
  if (isObject(value) && isTerraformPlan(value)) {
    const resources = resourcesFromTerraformPlan(value, file, source);
    if (resources.length === 0) throw new PolicyInputError(file, "no ECS resources in this Terraform plan");
    return resources;
  }
  if (isObject(value) && (isObject(value.resource) || isObject(value.module)) && /\.tf\.json$/i.test(file)) {
    const resources = await resourcesFromTerraformJson(value, file, source);
    if (resources.length === 0) throw new PolicyInputError(file, "no ECS resources in this Terraform file");
    return resources;
  }
  if (isObject(value) && isObject(value.Resources)) {
    const resources = resourcesFromTemplate(value, file, source);
    if (resources.length === 0)
      throw new PolicyInputError(
        file,
        "a CloudFormation template without ECS resources (AWS::ECS::TaskDefinition, Service, Cluster, TaskSet, CapacityProvider)",
      );
    return resources;
  }
  const resources = isObject(value) ? resourcesFromEcsJson(value, file, source) : [];
  if (resources.length > 0) return resources;
  throw new PolicyInputError(
    file,
    "not an ECS input: expected a task definition (containerDefinitions, or DescribeTaskDefinition's taskDefinition), DescribeServices/Clusters/CapacityProviders/TaskSets output, a CloudFormation template, Terraform or a Terraform plan",
    { line: 1, column: 1 },
  );
}
