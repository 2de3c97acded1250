import { isUnknown, tagsOf } from "../fields.ts";
import type { ResourceDoc, Violation } from "../types.ts";

/**
 * The tagging standard's check (Security Hub ECS.13–ECS.15): every key in `requiredTagKeys`
 * present, or at least one tag when none are required; `aws:` system tags do not count.
 */
export function missingTags(
  document: ResourceDoc,
  params: Readonly<Record<string, unknown>>,
  label: string,
): Violation[] {
  if (isUnknown(document.tags)) return [];
  const required = Array.isArray(params.requiredTagKeys) ? params.requiredTagKeys.map(String) : [];
  const keys = Object.keys(tagsOf(document) ?? {}).filter((key) => !key.startsWith("aws:"));
  if (required.length === 0)
    return keys.length === 0 ? [{ path: ["tags"], message: `the ${label} has no tags` }] : [];
  const missing = required.filter((key) => !keys.includes(key));
  return missing.length > 0
    ? [
        {
          path: ["tags"],
          message: `the ${label} lacks the tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
        },
      ]
    : [];
}
