import { isObject, isUnknown } from "../fields.ts";
import type { LoadedResource } from "../LoadedResource.ts";
import { PolicyInputError } from "../PolicyInputError.ts";
import { type FieldPath, formatPath, type ResourceDoc } from "../types.ts";

/** Lists of a task definition whose entries are objects (ECS API reference, RegisterTaskDefinition). */
const TASK_DEFINITION_LISTS = [
  "containerDefinitions",
  "volumes",
  "placementConstraints",
  "inferenceAccelerators",
] as const;
/** Lists of a container definition whose entries are objects (ECS API reference, ContainerDefinition). */
const CONTAINER_LISTS = [
  "portMappings",
  "mountPoints",
  "volumesFrom",
  "environment",
  "environmentFiles",
  "secrets",
  "ulimits",
  "dependsOn",
  "extraHosts",
  "systemControls",
  "resourceRequirements",
] as const;

/** What is wrong with the shape of a task definition's lists, with its path; undefined when nothing is. */
function listProblem(document: ResourceDoc, lists: readonly string[], base: FieldPath) {
  for (const key of lists) {
    const value = document[key];
    if (value === undefined || value === null || isUnknown(value)) continue;
    if (!Array.isArray(value)) return { path: [...base, key], problem: "must be a list" };
    const index = value.findIndex((entry) => !isObject(entry) && !isUnknown(entry));
    if (index !== -1)
      return {
        path: [...base, key, index],
        problem: `must be an object, not ${JSON.stringify(value[index]) ?? String(value[index])}`,
      };
  }
  return undefined;
}

/**
 * Refuses a task definition whose lists hold something other than objects, such as
 * `containerDefinitions: [null]`: the rules read each entry as an object, so such an entry would
 * be passed over and the file reported as if it were valid. Values not known in the input
 * (intrinsics, Terraform expressions) are fine.
 *
 * @throws {PolicyInputError} naming the file, the JSON path of the entry and its line.
 *
 * @example
 * for (const resource of resources) assertWellFormed(resource);
 */
export function assertWellFormed(resource: LoadedResource): void {
  if (resource.resourceType !== "taskDefinition") return;
  const document = resource.document;
  let found = listProblem(document, TASK_DEFINITION_LISTS, []);
  const containers = document.containerDefinitions;
  if (!found && Array.isArray(containers))
    for (const [i, container] of containers.entries()) {
      if (!isObject(container)) continue;
      found = listProblem(container, CONTAINER_LISTS, ["containerDefinitions", i]);
      if (found) break;
    }
  if (found)
    throw new PolicyInputError(
      resource.file,
      `${resource.address ?? resource.subject}: ${formatPath(found.path)} ${found.problem}`,
      resource.locate(found.path),
    );
}
