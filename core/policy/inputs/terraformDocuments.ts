import { own } from "../../own.ts";
import { isObject, type Json } from "../fields.ts";
import type { FieldPath, ResourceDoc, ResourceKind } from "../types.ts";
import { Unknown } from "../types.ts";

/** Terraform resource types the policy checks. */
export const TERRAFORM_TYPES: Readonly<Record<string, ResourceKind>> = {
  aws_ecs_task_definition: "taskDefinition",
  aws_ecs_service: "service",
  aws_ecs_cluster: "cluster",
  aws_ecs_task_set: "taskSet",
  aws_ecs_capacity_provider: "capacityProvider",
};

/** Nested blocks that appear at most once: `block { … }` is `block: [{…}]` in hcl2json, one object in ECS. */
const SINGLE_BLOCKS = new Set([
  "network_configuration",
  "configuration",
  "execute_command_configuration",
  "log_configuration",
  "auto_scaling_group_provider",
  "managed_scaling",
  "efs_volume_configuration",
  "authorization_config",
  "runtime_platform",
  "docker_volume_configuration",
  "deployment_controller",
  "deployment_circuit_breaker",
  "alarms",
  "ephemeral_storage",
  "proxy_configuration",
  "managed_storage_configuration",
  "fsx_windows_file_server_volume_configuration",
  "scale",
  "service_connect_configuration",
  "service_connect_defaults",
]);
/** Attributes whose keys are the user's (maps), not schema names. */
const MAP_ATTRIBUTES = new Set(["tags", "tags_all", "driver_opts", "labels", "options", "docker_labels"]);
/** Terraform names → ECS API names where they differ by more than snake/camel case. */
const RENAMES: Readonly<Record<string, string>> = {
  volume: "volumes",
  setting: "settings",
  load_balancer: "loadBalancers",
  ordered_placement_strategy: "placementStrategy",
  placement_constraints: "placementConstraints",
  service_registries: "serviceRegistries",
  s3_bucket_encryption_enabled: "s3EncryptionEnabled",
  size_in_gib: "sizeInGiB",
};
const REVERSE_RENAMES = Object.fromEntries(Object.entries(RENAMES).map(([tf, ecs]) => [ecs, tf]));

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const snake = (key: string) =>
  own(REVERSE_RENAMES, key) ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * An attribute of a managed or data resource (`aws_iam_role.task.arn`, `data.aws_kms_key.k.arn`,
 * `aws_ecs_cluster.main[0].id`): resource types are `<provider>_<type>`, which `var`, `local`,
 * `module`, `each`, `count`, `path` and `self` are not.
 */
const RESOURCE_ATTRIBUTE =
  /^(data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(\[[^\]]+\])?\.[A-Za-z_][\w.]*$/;

/**
 * The expression of a value that is one interpolation, `${…}`, and nothing else: the brace that
 * closes the first `${` must be the last character (`${var.repo}:${var.tag}` is a template of two).
 */
export function wholeExpression(value: string): string | undefined {
  const text = value.trim();
  if (!text.startsWith("${") || !text.endsWith("}")) return undefined;
  let depth = 0;
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i === text.length - 1 ? text.slice(2, -1).trim() : undefined;
  }
  return undefined;
}

/**
 * A Terraform expression hcl2json could not evaluate (`${var.x}`, `${aws_iam_role.task.arn}`), as
 * an unknown; a whole-value reference to a resource's attribute is a reference (it has a value).
 */
export function terraformValue(value: unknown): unknown {
  if (typeof value === "string" && /(^|[^$])\$\{/.test(value)) {
    const whole = wholeExpression(value);
    return whole === undefined ? new Unknown(value) : new Unknown(whole, RESOURCE_ATTRIBUTE.test(whole));
  }
  if (Array.isArray(value)) return value.map(terraformValue);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terraformValue(v)]));
  return value;
}

/** Blocks and attributes (snake_case, blocks as lists) → ECS API names and shapes. */
function toEcs(value: Json): Json {
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "dynamic" && isObject(inner)) {
      // A dynamic block's content is computed: the whole block is unknown.
      for (const name of Object.keys(inner))
        out[own(RENAMES, name) ?? camel(name)] = new Unknown(`dynamic "${name}" block`);
      continue;
    }
    const name = own(RENAMES, key) ?? camel(key);
    if (MAP_ATTRIBUTES.has(key)) out[name] = inner;
    else if (SINGLE_BLOCKS.has(key)) {
      const first = Array.isArray(inner) ? inner[0] : inner;
      out[name] = isObject(first) ? toEcs(first) : first;
    } else if (Array.isArray(inner)) out[name] = inner.map((item) => (isObject(item) ? toEcs(item) : item));
    else out[name] = isObject(inner) ? toEcs(inner) : inner;
  }
  return out;
}

/** A Terraform `tags` map as ECS's `[{key, value}]`. */
function tagList(tags: unknown): unknown {
  if (!isObject(tags)) return tags;
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/**
 * What Terraform reads as a bool: the bools, and the strings it converts to one where a bool is
 * expected (go-cty's string-to-bool conversion, cty/convert/conversion_primitive.go: "true" and
 * "1", "false" and "0"), so `assign_public_ip = "true"` assigns a public IP.
 */
const TERRAFORM_BOOLS = new Map<unknown, boolean>([
  [true, true],
  ["true", true],
  ["1", true],
  [false, false],
  ["false", false],
  ["0", false],
]);

/** `assign_public_ip` (a bool) as ECS's `ENABLED`/`DISABLED`; anything else as it is. */
function publicIp(value: unknown): unknown {
  const on = TERRAFORM_BOOLS.get(value);
  return on === undefined ? value : on ? "ENABLED" : "DISABLED";
}

/** The awsvpc part of a service's or task set's `network_configuration` block. */
function awsvpc(network: unknown): unknown {
  if (!isObject(network)) return network;
  const { assignPublicIp, ...rest } = network;
  return {
    awsvpcConfiguration: {
      ...rest,
      ...(assignPublicIp !== undefined ? { assignPublicIp: publicIp(assignPublicIp) } : {}),
    },
  };
}

/**
 * A Terraform resource's arguments (from hcl2json, `.tf.json` or a plan's values) in the ECS API's
 * shape. `containerDefinitions` is passed in already parsed (it is a JSON string in Terraform).
 */
export function ecsDocumentFromTerraform(
  kind: ResourceKind,
  values: Json,
  containerDefinitions?: unknown,
): ResourceDoc {
  const { container_definitions: _containers, ...rest } = values;
  const doc = toEcs(rest);
  if (doc.tags !== undefined) doc.tags = tagList(doc.tags);
  delete doc.tagsAll;
  switch (kind) {
    case "taskDefinition": {
      if (containerDefinitions !== undefined) doc.containerDefinitions = containerDefinitions;
      if (Array.isArray(doc.volumes))
        doc.volumes = doc.volumes.map((volume) => {
          if (!isObject(volume) || volume.hostPath === undefined) return volume;
          const { hostPath, ...other } = volume;
          return { ...other, host: { sourcePath: hostPath } };
        });
      break;
    }
    case "service":
    case "taskSet": {
      if (kind === "service" && doc.name !== undefined) {
        doc.serviceName = doc.name;
        delete doc.name;
      }
      if (doc.networkConfiguration !== undefined) doc.networkConfiguration = awsvpc(doc.networkConfiguration);
      const deployment: Json = {};
      if (doc.deploymentCircuitBreaker !== undefined)
        deployment.deploymentCircuitBreaker = doc.deploymentCircuitBreaker;
      if (doc.alarms !== undefined) deployment.alarms = doc.alarms;
      if (doc.deploymentMaximumPercent !== undefined)
        deployment.maximumPercent = doc.deploymentMaximumPercent;
      if (doc.deploymentMinimumHealthyPercent !== undefined)
        deployment.minimumHealthyPercent = doc.deploymentMinimumHealthyPercent;
      for (const key of [
        "deploymentCircuitBreaker",
        "alarms",
        "deploymentMaximumPercent",
        "deploymentMinimumHealthyPercent",
      ])
        delete doc[key];
      if (Object.keys(deployment).length > 0) doc.deploymentConfiguration = deployment;
      break;
    }
    case "cluster": {
      if (doc.name !== undefined) {
        doc.clusterName = doc.name;
        delete doc.name;
      }
      break;
    }
    case "capacityProvider":
      break;
  }
  return doc;
}

/** A path in a Terraform resource's arguments, and a path inside a JSON-valued argument. */
export interface TerraformPath {
  readonly path: ReadonlyArray<string | number>;
  /** Inside `container_definitions`. */
  readonly inner?: FieldPath;
}

/** The Terraform argument an ECS path came from, for finding its line. */
export function terraformPathOf(kind: ResourceKind, path: FieldPath): TerraformPath {
  const [first, second, ...rest] = path;
  if (kind === "taskDefinition" && first === "containerDefinitions")
    return { path: ["container_definitions"], inner: path.slice(1) };
  if (kind === "taskDefinition" && first === "volumes" && typeof second === "number" && rest[0] === "host")
    return { path: ["volume", second, "host_path"] };
  if ((kind === "service" || kind === "taskSet") && first === "networkConfiguration")
    return { path: ["network_configuration", 0, ...(rest.length > 0 ? [snake(String(rest[0]))] : [])] };
  if (kind === "service" && first === "deploymentConfiguration") {
    if (second === "deploymentCircuitBreaker")
      return {
        path: ["deployment_circuit_breaker", 0, ...rest.map((p) => (typeof p === "string" ? snake(p) : p))],
      };
    if (second === "alarms")
      return { path: ["alarms", 0, ...rest.map((p) => (typeof p === "string" ? snake(p) : p))] };
    if (second === "maximumPercent") return { path: ["deployment_maximum_percent"] };
    if (second === "minimumHealthyPercent") return { path: ["deployment_minimum_healthy_percent"] };
    return { path: [] };
  }
  if ((kind === "service" && first === "serviceName") || (kind === "cluster" && first === "clusterName"))
    return { path: ["name"] };
  if (first === "tags") return { path: ["tags"] };
  const out: Array<string | number> = [];
  for (const segment of path) {
    if (typeof segment === "number") {
      out.push(segment);
      continue;
    }
    const name = snake(segment);
    out.push(name);
    if (SINGLE_BLOCKS.has(name)) out.push(0);
  }
  return { path: out };
}
