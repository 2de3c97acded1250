import { type RunContext, type TaskDefinitionDoc, Unknown } from "./types.ts";

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

/**
 * The container definitions that are objects. An entry that is not (an unknown value, `null`) is
 * not a container here, but it is not passed over: reading it is what makes a rule unknown there
 * (the evaluator's `ReadLog` reads a non-object entry as unknown).
 */
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

/**
 * What a service's load balancers say about how it runs its task definition: behind one when
 * there are any, unknown when the list is (a `dynamic "load_balancer"` block, an `!If`).
 *
 * @example
 * run = { ...behindLoadBalancer(service.loadBalancers) };
 */
export function behindLoadBalancer(loadBalancers: unknown): { behindLoadBalancer?: true | Unknown } {
  if (isUnknown(loadBalancers)) return { behindLoadBalancer: loadBalancers };
  return asArray(loadBalancers).length > 0 ? { behindLoadBalancer: true } : {};
}

/**
 * How a task definition runs, from the services and task sets of the input that run it (services
 * first): behind a load balancer when any of them is behind one, else unknown when one's list is
 * unknown; the first platform version and launch type one of them gives. Under the external deployment
 * controller (CodeDeploy blue/green with CloudFormation hooks, task sets in Terraform) the load
 * balancers are the task set's, not the service's.
 *
 * @example
 * run = runOfRunners([{ loadBalancers: service.loadBalancers, launchType: service.launchType }]);
 */
export function runOfRunners(
  runners: readonly { loadBalancers?: unknown; platformVersion?: unknown; launchType?: unknown }[],
): RunContext {
  const each = runners.map((r) => behindLoadBalancer(r.loadBalancers).behindLoadBalancer);
  const behind = each.includes(true) ? true : each.find(isUnknown);
  const platformVersion = runners.map((r) => text(r.platformVersion)).find(Boolean);
  const launchType = runners.map((r) => text(r.launchType)).find(Boolean);
  return {
    ...(behind ? { behindLoadBalancer: behind } : {}),
    ...(platformVersion ? { platformVersion } : {}),
    ...(launchType ? { launchType } : {}),
  };
}

/** The last part of an ARN or a name as given (`…:cluster/prod` → `prod`). */
export const lastName = (value: string): string => value.slice(value.lastIndexOf("/") + 1);
