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
