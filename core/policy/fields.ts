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

/** Task or container CPU in units (1024 = 1 vCPU): `"256"`, `256`, `"1 vCPU"`, `".25 vcpu"`. */
export function cpuUnits(value: unknown): number | undefined {
  const raw = text(value)?.trim().toLowerCase();
  if (!raw) return undefined;
  const match = /^(\d*\.?\d+)\s*(vcpu)?$/.exec(raw);
  if (!match) return undefined;
  const number = Number(match[1]);
  return match[2] ? Math.round(number * 1024) : number;
}

/** Memory in MiB: `"512"`, `512`, `"0.5 GB"`, `"2GB"`. */
export function memoryMiB(value: unknown): number | undefined {
  const raw = text(value)?.trim().toLowerCase();
  if (!raw) return undefined;
  const match = /^(\d*\.?\d+)\s*(gb|mb|mib|gib)?$/.exec(raw);
  if (!match) return undefined;
  const number = Number(match[1]);
  return match[2] === "gb" || match[2] === "gib" ? Math.round(number * 1024) : number;
}

/** Valid Fargate task sizes: CPU units → allowed memory MiB (AWS Fargate task size table). */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

export function isFargate(taskDefinition: TaskDefinitionDoc): boolean {
  return asArray(taskDefinition.requiresCompatibilities).includes("FARGATE");
}
