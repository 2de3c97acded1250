import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";
import { AUTOPILOT_TAG_PREFIX, IMAGE_TAG_PREFIX, LAST_VERSION_PREFIX } from "../tags.ts";

/**
 * Fields of DescribeTaskDefinition's output that RegisterTaskDefinition does not take. Everything
 * else is copied, so a field AWS adds later is carried over rather than silently dropped.
 */
const READ_ONLY_FIELDS = new Set<string>([
  "taskDefinitionArn",
  "revision",
  "status",
  "requiresAttributes",
  "compatibilities",
  "registeredAt",
  "registeredBy",
  "deregisteredAt",
]);

/**
 * Builds the RegisterTaskDefinition input of a new revision: a copy of the current revision
 * with only the given container images replaced, and its tags merged.
 *
 * @example
 * const input = copyTaskDefinition(current, new Map([["web", "…/shop/web@sha256:…"]]), tags);
 */
export function copyTaskDefinition(
  current: TaskDefinition,
  images: ReadonlyMap<string, string>,
  tags: readonly Tag[],
): RegisterTaskDefinitionCommandInput {
  const copy: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(current)) {
    if (!READ_ONLY_FIELDS.has(field) && value !== undefined) copy[field] = structuredClone(value);
  }
  const kept = tags.filter((tag) => !isReservedTagKey(tag.key ?? ""));
  const containers = (current.containerDefinitions ?? []).map((definition) => {
    const image = definition.name === undefined ? undefined : images.get(definition.name);
    return image === undefined ? structuredClone(definition) : { ...structuredClone(definition), image };
  });
  return {
    ...(copy as unknown as RegisterTaskDefinitionCommandInput),
    containerDefinitions: containers,
    ...(kept.length > 0 ? { tags: kept } : {}),
  };
}

/**
 * True for tag keys AWS reserves: `aws:` in any case (CloudFormation writes
 * `aws:cloudformation:stack-name` and friends on the revisions it registers). ECS refuses them
 * in RegisterTaskDefinition ("Do not use aws:, AWS:, or any upper or lowercase combination of
 * such as a prefix for either keys or values as it is reserved for AWS use", Amazon ECS
 * Developer Guide, "Tagging your resources"), so a copy that carried them could never register.
 */
export const isReservedTagKey = (key: string): boolean => key.toLowerCase().startsWith("aws:");

/**
 * Merges tags: the current revision's own tags, with the autopilot ones replaced by `ours` and
 * AWS's reserved `aws:` tags left out (AWS writes those itself). What a container runs
 * (`autopilot:image-tag:*`, `autopilot:last-version:*`) is kept: a copy that does not change the
 * image (right-sizing) still runs the same tags.
 */
export function mergeTags(
  current: Readonly<Record<string, string>>,
  ours: Readonly<Record<string, string>>,
): Tag[] {
  const merged = new Map<string, string>();
  for (const [key, value] of Object.entries(current)) {
    if (isReservedTagKey(key)) continue;
    const kept =
      !key.startsWith(AUTOPILOT_TAG_PREFIX) ||
      key.startsWith(IMAGE_TAG_PREFIX) ||
      key.startsWith(LAST_VERSION_PREFIX);
    if (kept) merged.set(key, value);
  }
  for (const [key, value] of Object.entries(ours)) merged.set(key, value);
  return [...merged].map(([key, value]) => ({ key, value }));
}
