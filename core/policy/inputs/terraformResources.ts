import { readdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { own } from "../../own.ts";
import { asArray, isObject, type Json, runOfRunners, text } from "../fields.ts";
import type { InputFormat, LoadedResource } from "../LoadedResource.ts";
import { type ModuleCall, ModulesNotExpandedError } from "../ModulesNotExpandedError.ts";
import { suppressionsFromTags } from "../normalize.ts";
import { PolicyInputError } from "../PolicyInputError.ts";
import type {
  FieldPath,
  RelatedResources,
  ResourceDoc,
  ResourceKind,
  RunContext,
  SourceLocation,
} from "../types.ts";
import { Unknown } from "../types.ts";
import { type HclBlock, HclOutline } from "./hclOutline.ts";
import { JsonLocator } from "./JsonLocator.ts";
import { hclNestingDepth, jsonNestingDepth, MAX_NESTING } from "./nestingDepth.ts";
import type { StructuredText } from "./structuredText.ts";
import {
  ecsDocumentFromTerraform,
  TERRAFORM_TYPES,
  type TerraformPath,
  terraformPathOf,
  terraformValue,
  wholeExpression,
} from "./terraformDocuments.ts";

/** The part of @cdktf/hcl2json used here (its own typings pull in the DOM library). */
interface Hcl2Json {
  parse(filename: string, contents: string): Promise<Record<string, unknown>>;
}
/** A variable, so that neither tsc nor a bundler reads the package unless Terraform input is checked. */
const HCL2JSON = "@cdktf/hcl2json";
/** Terraform's `${path.module}`, the directory of the file. */
const PATH_MODULE = ["$", "{path.module}"].join("");
let hcl2json: Promise<Hcl2Json> | undefined;

/**
 * Parses HCL with HashiCorp's own parser (hcl2json, Go compiled to WebAssembly), loaded on first
 * use so that nothing else pays for it. A syntax error names the file, line and column.
 */
async function parseHcl(file: string, content: string): Promise<Json> {
  // Refused before the parser sees it: too deep a file overflows it and kills its Go runtime.
  if (hclNestingDepth(content) > MAX_NESTING)
    throw new PolicyInputError(
      file,
      `nested more than ${MAX_NESTING} levels deep; refused before parsing (real Terraform nests far less)`,
    );
  hcl2json ??= import(HCL2JSON) as Promise<Hcl2Json>;
  const { parse } = await hcl2json;
  try {
    return (await parse(file, content)) as Json;
  } catch (error) {
    const message = String((error as Error).message ?? error);
    // "parse config: [main.tf:2,10-3,1: Invalid expression; …]"
    const at = /:(\d+),(\d+)(?:-[\d,]+)?:\s*([^\]]*)/.exec(message);
    throw new PolicyInputError(
      file,
      `not valid HCL: ${(at ? (at[3] as string) : message).split("\n")[0]}`,
      at ? { line: Number(at[1]), column: Number(at[2]) } : undefined,
    );
  }
}

/**
 * A JSON text that may hold Terraform interpolations (`"image": "${var.image}"`, `"cpu": ${var.cpu}`):
 * each interpolation becomes an unknown value, the rest is read as JSON.
 */
const MARK = String.fromCharCode(0xe000);
const MARKED = new RegExp(`${MARK}(\\d+)${MARK}`, "g");

export function parseJsonTemplate(template: string): unknown {
  const expressions: string[] = [];
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (inString && c === "\\") {
      out += c + (template[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if ((c === "$" || c === "%") && template[i + 1] === "{" && template[i - 1] !== "$") {
      let depth = 0;
      let j = i + 1;
      for (; j < template.length; j++) {
        if (template[j] === "{") depth++;
        else if (template[j] === "}" && --depth === 0) break;
      }
      expressions.push(template.slice(i + 2, j).trim());
      const marker = `${MARK}${expressions.length - 1}${MARK}`;
      out += inString ? marker : `"${marker}"`;
      i = j;
      continue;
    }
    out += c;
  }
  const restore = (value: unknown): unknown => {
    if (typeof value === "string" && value.includes(MARK))
      return new Unknown(value.replace(MARKED, (_m, n: string) => `\${${expressions[Number(n)]}}`));
    if (Array.isArray(value)) return value.map(restore);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v)]));
    return value;
  };
  return restore(JSON.parse(out));
}

/**
 * `container_definitions`: jsonencode(…), a heredoc, file()/templatefile() of a JSON file, or
 * unknown. A file()/templatefile() of a file that is not there is bad input, as `terraform plan`
 * says too: one error at the argument, not every container rule unknown.
 */
async function containerDefinitionsOf(
  raw: unknown,
  file: string,
  at: () => SourceLocation | undefined,
): Promise<{ value: unknown; from?: ContainersFile }> {
  if (raw === undefined) return { value: undefined };
  if (typeof raw !== "string") return { value: terraformValue(raw) };
  const fail = (problem: string): never => {
    throw new PolicyInputError(file, `container_definitions ${problem}`, at());
  };
  const expression = wholeExpression(raw);
  if (expression !== undefined) {
    const call = /^(jsonencode|file|templatefile)\(([\s\S]*)\)$/.exec(expression);
    if (call?.[1] === "jsonencode") {
      const parsed = await parseHcl(file, `value = ${call[2]}\n`);
      return { value: terraformValue(parsed.value) };
    }
    const path = call ? /^\s*"([^"]+)"/.exec(call[2] as string)?.[1] : undefined;
    if (call && path && !/\$\{(?!path\.module\})/.test(path)) {
      // Named the way the .tf file is (relative stays relative), for the findings that point into it.
      const relativePath = path.replace(PATH_MODULE, ".");
      const target = isAbsolute(relativePath) ? relativePath : join(dirname(file), relativePath);
      const content = await readFile(target, "utf8").catch(
        (error: NodeJS.ErrnoException) => new Error(error.code ?? String(error)),
      );
      if (content instanceof Error)
        return fail(
          `reads ${path} (${target}), which ${content.message === "ENOENT" ? "does not exist" : `cannot be read (${content.message})`}`,
        );
      // Before parsing, and outside the try below: that error is not one of JSON syntax.
      if (jsonNestingDepth(content) > MAX_NESTING)
        return fail(`in ${path} is nested more than ${MAX_NESTING} levels deep`);
      try {
        if (call[1] === "templatefile") return { value: parseJsonTemplate(content) };
        const value = JSON.parse(content) as unknown;
        // file() is read as it is: findings inside it point into it.
        const locator = new JsonLocator(content);
        return { value, from: { file: target, locate: (inner) => locator.locate(inner) } };
      } catch (error) {
        return fail(`in ${path} is not valid JSON (${(error as Error).message})`);
      }
    }
    return { value: new Unknown(expression) };
  }
  try {
    return { value: parseJsonTemplate(raw) };
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message})`);
  }
}

/** The JSON file that `file()` read a task definition's container definitions from. */
interface ContainersFile {
  readonly file: string;
  /** Where a path inside the container definitions (`[0, "image"]`) is in that file. */
  locate(inner: FieldPath): SourceLocation | undefined;
}

interface TerraformResource {
  readonly type: string;
  readonly name: string;
  readonly kind: ResourceKind;
  readonly raw: Json;
  readonly document: ResourceDoc;
  readonly containersFrom?: ContainersFile;
  /** Where its arguments are in a `.tf.json` file: `resource.<type>.<name>`, or `….<name>[0]` where the body is a list. */
  readonly jsonPath: FieldPath;
}

/**
 * `resource` blocks of hcl2json output or a `.tf.json` file: `{type: {name: [args] | args}}`.
 * `locate` places an argument of a resource, for errors.
 */
async function terraformResources(
  config: Json,
  file: string,
  locate: (
    resource: { type: string; name: string; jsonPath: FieldPath },
    argument: string,
  ) => SourceLocation | undefined,
): Promise<TerraformResource[]> {
  const found: TerraformResource[] = [];
  const sections = Array.isArray(config.resource) ? config.resource : [config.resource];
  for (const section of sections) {
    if (!isObject(section)) continue;
    for (const [type, byName] of Object.entries(section)) {
      const kind = own(TERRAFORM_TYPES, type);
      if (!kind || !isObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        const raw = Array.isArray(body) ? body[0] : body;
        if (!isObject(raw)) continue;
        const jsonPath = ["resource", type, name, ...(Array.isArray(body) ? [0] : [])];
        const containers =
          kind === "taskDefinition"
            ? await containerDefinitionsOf(raw.container_definitions, file, () =>
                locate({ type, name, jsonPath }, "container_definitions"),
              )
            : { value: undefined };
        const values = terraformValue(raw) as Json;
        found.push({
          type,
          name,
          kind,
          raw,
          document: ecsDocumentFromTerraform(kind, values, containers.value),
          ...(containers.from ? { containersFrom: containers.from } : {}),
          jsonPath,
        });
      }
    }
  }
  return found;
}

/** The `module` blocks of hcl2json output or a `.tf.json` file: `{name: [args] | args}`. */
export function moduleCallsOf(config: Json): ModuleCall[] {
  const sections = Array.isArray(config.module) ? config.module : [config.module];
  return sections.flatMap((section) =>
    isObject(section)
      ? Object.entries(section).map(([name, body]) => {
          const args = Array.isArray(body) ? body[0] : body;
          const source = isObject(args) ? text(args.source) : undefined;
          return { name, ...(source === undefined ? {} : { source }) };
        })
      : [],
  );
}

/** The literal region of the directory's default `aws` provider. */
function providerRegion(configs: readonly Json[]): string | undefined {
  for (const config of configs) {
    const providers = isObject(config.provider) ? config.provider.aws : undefined;
    for (const provider of asArray(providers)) {
      if (!isObject(provider) || provider.alias !== undefined) continue;
      const region = provider.region;
      if (typeof region === "string" && !region.includes("${")) return region;
    }
  }
  return undefined;
}

const REFERENCE = /\b(aws_ecs_(?:cluster|task_definition|service))\.([\w-]+)\b/;

/** The name a resource has in ECS terms. */
function nameOf(resource: { kind: ResourceKind; document: ResourceDoc }): string | undefined {
  const d = resource.document;
  return text(
    resource.kind === "taskDefinition"
      ? d.family
      : resource.kind === "service"
        ? d.serviceName
        : resource.kind === "cluster"
          ? d.clusterName
          : d.name,
  );
}

/** What a service or task set refers to, and how a task definition is run: from references between resources. */
function linkResources(
  resource: TerraformResource,
  all: readonly TerraformResource[],
): { related: RelatedResources; run: RunContext } {
  const byReference = (value: unknown, type: string) => {
    const match = typeof value === "string" ? REFERENCE.exec(value) : null;
    return match && match[1] === type ? all.find((r) => r.type === type && r.name === match[2]) : undefined;
  };
  const lookup = (
    value: unknown,
    type: string,
    kind: ResourceKind,
    what: string,
  ): ResourceDoc | Unknown | undefined => {
    if (value === undefined) return undefined;
    const referenced = byReference(value, type);
    if (referenced) return referenced.document;
    const literal = typeof value === "string" && !value.includes("${") ? value.split("/").pop() : undefined;
    const named = literal ? all.find((r) => r.kind === kind && nameOf(r) === literal) : undefined;
    return named ? named.document : new Unknown(`${what} ${String(value)} is not in this configuration`);
  };
  if (resource.kind === "service" || resource.kind === "taskSet") {
    const cluster = lookup(resource.raw.cluster, "aws_ecs_cluster", "cluster", "cluster");
    const taskDefinition = lookup(
      resource.raw.task_definition,
      "aws_ecs_task_definition",
      "taskDefinition",
      "task definition",
    );
    return {
      related: { ...(cluster ? { cluster } : {}), ...(taskDefinition ? { taskDefinition } : {}) },
      run: {},
    };
  }
  if (resource.kind === "taskDefinition") {
    // The services, then the task sets (external deployment controller), that run it.
    const runners = (["service", "taskSet"] as const).flatMap((runner) =>
      all.filter(
        (r) =>
          r.kind === runner && byReference(r.raw.task_definition, "aws_ecs_task_definition") === resource,
      ),
    );
    return { related: {}, run: runOfRunners(runners.map((r) => r.document)) };
  }
  return { related: {}, run: {} };
}

function loaded(
  resource: TerraformResource,
  all: readonly TerraformResource[],
  file: string,
  format: InputFormat,
  region: string | undefined,
  locate: (path: TerraformPath) => SourceLocation | undefined,
): LoadedResource {
  const { related, run } = linkResources(resource, all);
  const name = nameOf(resource);
  const address = `${resource.type}.${resource.name}`;
  return {
    file,
    format,
    resourceType: resource.kind,
    subject: name ?? address,
    ...(name ? { name } : {}),
    address,
    document: resource.document,
    run: { ...run, ...(region ? { region } : {}) },
    related,
    suppressions: suppressionsFromTags(resource.document.tags, `${address} tags`),
    locate: (path: FieldPath) => {
      const from = resource.containersFrom;
      if (from && path[0] === "containerDefinitions" && path.length > 1) {
        const inner = from.locate(path.slice(1));
        if (inner) return { ...inner, file: from.file };
      }
      return locate(terraformPathOf(resource.kind, path));
    },
  };
}

/** Where a Terraform path is in an HCL file: the argument, the block, or inside a JSON-valued argument. */
function locateInHcl(outline: HclOutline, type: string, name: string, where: TerraformPath) {
  const block = outline.resource(type, name);
  if (!block) return undefined;
  let best = block.at;
  let current: HclBlock = block;
  const segments = where.path;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (typeof segment === "number") continue;
    const attribute = current.attributes.find((a) => a.name === segment);
    if (attribute) {
      best = attribute.at;
      if (where.inner && where.inner.length > 0)
        best = outline.literalOffset(attribute.valueStart, attribute.valueEnd, where.inner);
      break;
    }
    const index = typeof segments[i + 1] === "number" ? (segments[i + 1] as number) : 0;
    const next = current.blocks.filter(
      (b) => b.type === segment || (b.type === "dynamic" && b.labels[0] === segment),
    )[index];
    if (!next) break;
    best = next.at;
    current = next;
  }
  return outline.position(best);
}

const parsedFiles = new Map<string, Promise<{ config: Json; resources: TerraformResource[] }>>();

/** A `.tf` file parsed once per run (its siblings are read again for every file of the module). */
function parseTerraformFile(file: string, content?: string) {
  const key = resolve(file);
  let parsed = content === undefined ? parsedFiles.get(key) : undefined;
  if (!parsed) {
    parsed = (async () => {
      const text = content ?? (await readFile(file, "utf8"));
      const config = await parseHcl(file, text);
      const locate = ({ type, name }: { type: string; name: string }, argument: string) =>
        locateInHcl(new HclOutline(text), type, name, { path: [argument] });
      return { config, resources: await terraformResources(config, file, locate) };
    })();
    if (content === undefined) parsedFiles.set(key, parsed);
  }
  return parsed;
}

/** No ECS resource in a file that calls modules: say that the modules were not looked into. */
function noResourcesBut(resources: readonly TerraformResource[], config: Json, file: string): void {
  const modules = resources.length === 0 ? moduleCallsOf(config) : [];
  if (modules.length > 0) throw new ModulesNotExpandedError(file, modules);
}

/**
 * The ECS resources of a `.tf` file. The other `.tf` files of its directory (the same Terraform
 * module) are read too, for references between resources and the provider's region; only this
 * file's resources are returned. Values Terraform computes (variables, references, functions)
 * are unknown.
 */
export async function resourcesFromTerraformFile(file: string, content: string): Promise<LoadedResource[]> {
  const own = await parseTerraformFile(file, content);
  noResourcesBut(own.resources, own.config, file);
  const directory = dirname(file);
  const siblings = (await readdir(directory).catch(() => [] as string[]))
    .filter((f) => f.endsWith(".tf") && resolve(directory, f) !== resolve(file))
    .map((f) => join(directory, f));
  const others = await Promise.all(siblings.map((f) => parseTerraformFile(f).catch(() => undefined)));
  const module = others.filter((o) => o !== undefined);
  const all = [...own.resources, ...module.flatMap((m) => m.resources)];
  const region = providerRegion([own.config, ...module.map((m) => m.config)]);
  const outline = new HclOutline(content);
  return own.resources.map((r) =>
    loaded(r, all, file, "terraform", region, (where) => locateInHcl(outline, r.type, r.name, where)),
  );
}

/** The ECS resources of a Terraform JSON configuration (`.tf.json`). */
export async function resourcesFromTerraformJson(
  config: Json,
  file: string,
  source: StructuredText,
): Promise<LoadedResource[]> {
  const resources = await terraformResources(config, file, ({ jsonPath }, argument) =>
    source.locate([...jsonPath, argument]),
  );
  noResourcesBut(resources, config, file);
  const region = providerRegion([config]);
  return resources.map((r) =>
    loaded(r, resources, file, "terraform-json", region, (where) =>
      source.locate([...r.jsonPath, ...where.path]),
    ),
  );
}

/** `after` with Terraform's `after_unknown` markers turned into unknown values. */
function withUnknowns(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return new Unknown("known after apply");
  if (Array.isArray(after) || Array.isArray(unknown)) {
    const a = asArray(after);
    const u = asArray(unknown);
    return Array.from({ length: Math.max(a.length, u.length) }, (_, i) => withUnknowns(a[i], u[i]));
  }
  if (isObject(after) || isObject(unknown)) {
    const a = isObject(after) ? after : {};
    const u = isObject(unknown) ? unknown : {};
    return Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(u)])].map((k) => [k, withUnknowns(a[k], u[k])]),
    );
  }
  return after;
}

/** Resource expressions of a plan's configuration, by address (modules included). */
function configurationExpressions(
  module: unknown,
  prefix = "",
  out = new Map<string, Json>(),
): Map<string, Json> {
  if (!isObject(module)) return out;
  for (const resource of asArray(module.resources))
    if (isObject(resource) && isObject(resource.expressions))
      out.set(`${prefix}${text(resource.address) ?? ""}`, resource.expressions);
  const calls = isObject(module.module_calls) ? module.module_calls : {};
  for (const [name, call] of Object.entries(calls))
    if (isObject(call)) configurationExpressions(call.module, `${prefix}module.${name}.`, out);
  return out;
}

/** True for `terraform show -json` output of a plan. */
export const isTerraformPlan = (value: Json): boolean =>
  typeof value.format_version === "string" &&
  (Array.isArray(value.resource_changes) || isObject(value.planned_values));

/**
 * The ECS resources a Terraform plan (`terraform show -json plan.out`) creates or keeps, with the
 * values Terraform will apply; what it knows only after apply is unknown.
 */
export function resourcesFromTerraformPlan(
  plan: Json,
  file: string,
  source: StructuredText,
): LoadedResource[] {
  const expressions = configurationExpressions(
    isObject(plan.configuration) ? plan.configuration.root_module : undefined,
  );
  const config = isObject(plan.configuration) ? plan.configuration : {};
  const providers = isObject(config.provider_config) ? config.provider_config : {};
  const aws = isObject(providers.aws) && isObject(providers.aws.expressions) ? providers.aws.expressions : {};
  const regionExpression = isObject(aws.region) ? aws.region : {};
  const region = text(regionExpression.constant_value);
  const entries = asArray(plan.resource_changes).flatMap((change, index) => {
    if (!isObject(change) || !isObject(change.change) || text(change.mode) === "data") return [];
    const kind = own(TERRAFORM_TYPES, text(change.type) ?? "");
    const actions = asArray(change.change.actions);
    if (!kind || (actions.length === 1 && actions[0] === "delete") || !isObject(change.change.after))
      return [];
    const values = withUnknowns(change.change.after, change.change.after_unknown) as Json;
    let containers: unknown;
    if (kind === "taskDefinition") {
      const rawContainers = values.container_definitions;
      try {
        containers = typeof rawContainers === "string" ? JSON.parse(rawContainers) : rawContainers;
      } catch {
        containers = new Unknown("container_definitions is not JSON");
      }
    }
    const address = text(change.address) ?? `${text(change.type)}.${text(change.name)}`;
    return [{ index, kind, address, values, document: ecsDocumentFromTerraform(kind, values, containers) }];
  });
  const byAddress = new Map(entries.map((e) => [e.address, e]));
  const referenced = (
    address: string,
    argument: string,
    kind: ResourceKind,
  ): ResourceDoc | Unknown | undefined => {
    // `module.app["blue"].aws_ecs_service.web[0]`: the configuration knows it as
    // module.app.aws_ecs_service.web; what it refers to is in its module instance, module.app["blue"].
    const configAddress = address.replace(/\[[^\]]*\]/g, "");
    const moduleInstance = /^(.*\.)?[\w-]+\.[\w-]+(?:\[[^\]]*\])?$/.exec(address)?.[1] ?? "";
    const expression = expressions.get(configAddress)?.[argument];
    for (const reference of asArray(isObject(expression) ? expression.references : [])) {
      const target = `${moduleInstance}${String(reference).split(".").slice(0, 2).join(".")}`;
      const entry =
        byAddress.get(target) ?? entries.find((e) => e.address.replace(/\[[^\]]*\]$/, "") === target);
      if (entry && entry.kind === kind) return entry.document;
    }
    const self = byAddress.get(address);
    const value = self?.values[argument];
    if (typeof value === "string") {
      const named = entries.find(
        (e) =>
          e.kind === kind && (text(e.values.arn) === value || text(e.values.name) === value.split("/").pop()),
      );
      if (named) return named.document;
    }
    return value === undefined ? undefined : new Unknown(`${argument} ${String(value)} is not in this plan`);
  };
  return entries.map(({ index, kind, address, document }) => {
    let related: RelatedResources = {};
    let run: RunContext = region ? { region } : {};
    if (kind === "service" || kind === "taskSet") {
      const cluster = referenced(address, "cluster", "cluster");
      const taskDefinition = referenced(address, "task_definition", "taskDefinition");
      related = { ...(cluster ? { cluster } : {}), ...(taskDefinition ? { taskDefinition } : {}) };
    } else if (kind === "taskDefinition") {
      // The services, then the task sets (external deployment controller), that run it.
      const runners = (["service", "taskSet"] as const).flatMap((runner) =>
        entries.filter(
          (e) => e.kind === runner && referenced(e.address, "task_definition", "taskDefinition") === document,
        ),
      );
      run = { ...run, ...runOfRunners(runners.map((r) => r.document)) };
    }
    const name = nameOf({ kind, document });
    return {
      file,
      format: "terraform-plan" as const,
      resourceType: kind,
      subject: name ?? address,
      ...(name ? { name } : {}),
      address,
      document,
      run,
      related,
      suppressions: suppressionsFromTags(document.tags, `${address} tags`),
      locate: (path: FieldPath) =>
        source.locate(["resource_changes", index, "change", "after", ...terraformPathOf(kind, path).path]),
    };
  });
}
