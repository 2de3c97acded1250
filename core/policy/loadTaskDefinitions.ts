import { readFile } from "node:fs/promises";
import { isObject } from "./fields.ts";
import { resourcesFromTemplate } from "./inputs/cloudFormationResources.ts";
import { resourcesFromEcsJson } from "./inputs/ecsJsonResources.ts";
import { parseStructuredText } from "./inputs/structuredText.ts";
import { assertWellFormed } from "./inputs/wellFormedTaskDefinition.ts";
import type { LoadedResource } from "./LoadedResource.ts";
import { PolicyInputError } from "./PolicyInputError.ts";
import type { FieldPath, RunContext, SourceLocation, Suppression, TaskDefinitionDoc } from "./types.ts";

export { PolicyInputError };

/** One task definition found in a file, in the ECS API's shape, with a way back to its source lines. */
export interface LoadedTaskDefinition {
  readonly file: string;
  readonly kind: "ecs" | "describe" | "cloudformation";
  /** Family, or the template's logical id. */
  readonly subject: string;
  readonly family?: string;
  readonly taskDefinition: TaskDefinitionDoc;
  readonly run: RunContext;
  readonly suppressions: readonly Suppression[];
  /** Where a field (or its nearest existing parent) is in the file. */
  locate(path: FieldPath): SourceLocation | undefined;
}

/** A loaded task-definition resource in the task-definition loader's shape. */
export function asLoadedTaskDefinition(resource: LoadedResource): LoadedTaskDefinition {
  return {
    file: resource.file,
    kind:
      resource.format === "cloudformation"
        ? "cloudformation"
        : resource.format === "ecs"
          ? "ecs"
          : "describe",
    subject: resource.subject,
    ...(resource.name ? { family: resource.name } : {}),
    taskDefinition: resource.document,
    run: resource.run,
    suppressions: resource.suppressions,
    locate: resource.locate,
  };
}

/** Reads one file (JSON or YAML; ECS JSON in either shape, or a CloudFormation template). */
export async function loadTaskDefinitionFile(file: string): Promise<LoadedTaskDefinition[]> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    throw new PolicyInputError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return loadTaskDefinitionText(content, file);
}

/** Parses text as JSON or YAML and finds the task definitions in it. */
export function loadTaskDefinitionText(content: string, file: string): LoadedTaskDefinition[] {
  const source = parseStructuredText(content, file);
  const value = source.value;
  if (isObject(value) && isObject(value.Resources)) {
    const found = resourcesFromTemplate(value, file, source).filter(
      (r) => r.resourceType === "taskDefinition",
    );
    for (const resource of found) assertWellFormed(resource);
    if (found.length === 0)
      throw new PolicyInputError(
        file,
        "a CloudFormation template without an AWS::ECS::TaskDefinition resource",
      );
    return found.map(asLoadedTaskDefinition);
  }
  const found = isObject(value)
    ? resourcesFromEcsJson(value, file, source).filter((r) => r.resourceType === "taskDefinition")
    : [];
  for (const resource of found) assertWellFormed(resource);
  if (found.length > 0) return found.map(asLoadedTaskDefinition);
  throw new PolicyInputError(
    file,
    "not a task definition: expected containerDefinitions (RegisterTaskDefinition input), taskDefinition (DescribeTaskDefinition output) or a CloudFormation template with AWS::ECS::TaskDefinition",
    { line: 1, column: 1 },
  );
}
