import { type TaskDefinitionDoc, Unknown } from "./types.ts";

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A string field; undefined when missing, null or unknown. */
export function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** A boolean field as ECS reads it (`"true"` from templates counts). */
export function flag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

export const isUnknown = (value: unknown): value is Unknown => value instanceof Unknown;

export interface Container {
  readonly index: number;
  readonly name: string;
  readonly definition: Json;
}

export function containers(taskDefinition: TaskDefinitionDoc): Container[] {
  return asArray(taskDefinition.containerDefinitions).flatMap((definition, index) =>
    isObject(definition) ? [{ index, name: text(definition.name) ?? `#${index}`, definition }] : [],
  );
}

export function isFargate(taskDefinition: TaskDefinitionDoc): boolean {
  return asArray(taskDefinition.requiresCompatibilities).includes("FARGATE");
}

/** A path into a container definition: `containerDefinitions[i].…`. */
export const containerPath = (index: number, ...rest: Array<string | number>): Array<string | number> => [
  "containerDefinitions",
  index,
  ...rest,
];

/** The task's operating system family when it declares one (`LINUX`, `WINDOWS_SERVER_2022_CORE`…). */
export function operatingSystemFamily(taskDefinition: TaskDefinitionDoc): string | undefined {
  const platform = taskDefinition.runtimePlatform;
  return isObject(platform) ? text(platform.operatingSystemFamily) : undefined;
}

/** The task declares a Windows operating system family. */
export const isWindows = (taskDefinition: TaskDefinitionDoc): boolean =>
  (operatingSystemFamily(taskDefinition) ?? "").startsWith("WINDOWS");

/** A resource's tags as `{key: value}` (ECS `[{key, value}]` shape); undefined when not known. */
export function tagsOf(document: Json): Record<string, string> | undefined {
  if (isUnknown(document.tags)) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of asArray(document.tags)) {
    if (!isObject(tag)) continue;
    const key = text(tag.key) ?? text(tag.Key);
    if (key !== undefined) tags[key] = text(tag.value) ?? text(tag.Value) ?? "";
  }
  return tags;
}

/** The last part of an ARN or a name as given (`…:cluster/prod` → `prod`). */
export const lastName = (value: string): string => value.slice(value.lastIndexOf("/") + 1);
