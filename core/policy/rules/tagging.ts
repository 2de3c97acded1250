import { asArray, isObject, text } from "../fields.ts";
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
  // Tags not known in the input (`tags = var.tags`) are read as such by the evaluator: unknown.
  const required = Array.isArray(params.requiredTagKeys) ? params.requiredTagKeys.map(String) : [];
  // Keys only: a tag whose value is not known (`env = var.env`) is there all the same.
  const keys = asArray(document.tags)
    .flatMap((tag) => (isObject(tag) ? [text(tag.key) ?? text(tag.Key)] : []))
    .filter((key): key is string => key !== undefined && !key.startsWith("aws:"));
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
