import { readFile } from "node:fs/promises";
import {
  type CollectionTag,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
} from "yaml";
import { AutopilotError } from "../errors.ts";
import { asArray, isObject, type Json, text } from "./fields.ts";
import { normalize, suppressionsFromTags } from "./normalize.ts";
import type { FieldPath, RunContext, SourceLocation, Suppression, TaskDefinitionDoc } from "./types.ts";

/** One task definition found in a file, in the ECS API's shape, with a way back to its source lines. */
export interface LoadedTaskDefinition {
  readonly file: string;
  readonly kind: "ecs" | "describe" | "cloudformation";
  /** Family, or the template's logical id. */
  readonly subject: string;
  readonly family?: string;
  readonly taskDefinition: TaskDefinitionDoc;
  readonly run: RunContext;
  readonly suppressions: readonly Suppression[];
  /** Where a field (or its nearest existing parent) is in the file. */
  locate(path: FieldPath): SourceLocation | undefined;
}

/** A file that is not valid JSON/YAML or holds no task definition. */
export class PolicyInputError extends AutopilotError {
  override readonly name = "PolicyInputError";
  readonly code = "policy-input-invalid";
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly location?: SourceLocation,
  ) {
    super(`${file}${location ? `:${location.line}:${location.column}` : ""}: ${problem}`);
  }
}

const INTRINSICS = [
  "Ref",
  "Sub",
  "GetAtt",
  "Join",
  "Select",
  "Split",
  "If",
  "Equals",
  "And",
  "Or",
  "Not",
  "FindInMap",
  "Base64",
  "Cidr",
  "ImportValue",
  "GetAZs",
  "Condition",
  "Transform",
  "Length",
  "ToJsonString",
];

/** CloudFormation's short-form tags (`!Ref`, `!Sub`…) read as their long form. */
const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = INTRINSICS.flatMap((name) => {
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({
    [key]: name === "GetAtt" && typeof value === "string" ? value.split(".") : value,
  });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) } as ScalarTag,
    {
      tag: `!${name}`,
      collection: "seq",
      resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()),
    } as unknown as CollectionTag,
    {
      tag: `!${name}`,
      collection: "map",
      resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()),
    } as unknown as CollectionTag,
  ];
});

/** Reads one file (JSON or YAML; ECS JSON in either shape, or a CloudFormation template). */
export async function loadTaskDefinitionFile(file: string): Promise<LoadedTaskDefinition[]> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    throw new PolicyInputError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return loadTaskDefinitionText(content, file);
}

/** Parses text as JSON or YAML and finds the task definitions in it. */
export function loadTaskDefinitionText(content: string, file: string): LoadedTaskDefinition[] {
  const lines = new LineCounter();
  const document = parseDocument(content, {
    customTags: CLOUDFORMATION_TAGS,
    lineCounter: lines,
    prettyErrors: true,
    strict: false,
  });
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const format = /^\s*[[{]/.test(content) ? "JSON" : "YAML";
    throw new PolicyInputError(
      file,
      `not valid ${format}: ${error.message.split("\n")[0]}`,
      at ? { line: at.line, column: at.col } : undefined,
    );
  }
  const value = document.toJS({ maxAliasCount: 100 }) as unknown;
  const locateFrom = (base: FieldPath, caseInsensitive: boolean) => (path: FieldPath) =>
    locateNode(document.contents, [...base, ...path], caseInsensitive, lines);

  if (isObject(value) && isObject(value.Resources)) {
    const resources = Object.entries(value.Resources).filter(
      ([, r]) => isObject(r) && r.Type === "AWS::ECS::TaskDefinition",
    );
    if (resources.length === 0)
      throw new PolicyInputError(
        file,
        "a CloudFormation template without an AWS::ECS::TaskDefinition resource",
      );
    const services = Object.values(value.Resources).filter(
      (r): r is Json => isObject(r) && r.Type === "AWS::ECS::Service",
    );
    return resources.map(([logicalId, resource]) => {
      const properties = isObject((resource as Json).Properties)
        ? ((resource as Json).Properties as Json)
        : {};
      const taskDefinition = normalize(properties, true) as TaskDefinitionDoc;
      const service = services.find((s) => {
        const ref = isObject(s.Properties) ? s.Properties.TaskDefinition : undefined;
        return isObject(ref) && ref.Ref === logicalId;
      });
      const serviceProperties = service && isObject(service.Properties) ? service.Properties : {};
      const metadata = isObject((resource as Json).Metadata)
        ? ((resource as Json).Metadata as Json)["ecs-autopilot"]
        : undefined;
      const skips = isObject(metadata) ? asArray(metadata.skip) : [];
      const family = text(taskDefinition.family);
      return {
        file,
        kind: "cloudformation" as const,
        subject: family ?? logicalId,
        ...(family ? { family } : {}),
        taskDefinition,
        run: {
          ...(asArray(serviceProperties.LoadBalancers).length > 0 ? { behindLoadBalancer: true } : {}),
          ...(text(serviceProperties.PlatformVersion)
            ? { platformVersion: text(serviceProperties.PlatformVersion) }
            : {}),
          ...(text(serviceProperties.LaunchType) ? { launchType: text(serviceProperties.LaunchType) } : {}),
        },
        suppressions: [
          ...skips.flatMap((s) =>
            isObject(s)
              ? [
                  {
                    ruleId: text(s.id) ?? "",
                    reason: (text(s.reason) ?? "").trim(),
                    source: `${logicalId} Metadata`,
                  },
                ]
              : [],
          ),
          ...suppressionsFromTags(properties.Tags, `${logicalId} Tags`),
        ],
        locate: locateFrom(["Resources", logicalId, "Properties"], true),
      };
    });
  }
  // DescribeTaskDefinition's output wraps the definition; RegisterTaskDefinition's input is it.
  const described = isObject(value) && isObject(value.taskDefinition);
  const body = isObject(value) ? (described ? value.taskDefinition : value) : undefined;
  if (isObject(value) && isObject(body) && Array.isArray(body.containerDefinitions)) {
    const taskDefinition = normalize(body, false) as TaskDefinitionDoc;
    const family = text(taskDefinition.family);
    return [
      {
        file,
        kind: described ? "describe" : "ecs",
        subject: family ?? file,
        ...(family ? { family } : {}),
        taskDefinition,
        run: {},
        suppressions: suppressionsFromTags(value.tags, "tags"),
        locate: locateFrom(described ? ["taskDefinition"] : [], false),
      },
    ];
  }
  throw new PolicyInputError(
    file,
    "not a task definition: expected containerDefinitions (RegisterTaskDefinition input), taskDefinition (DescribeTaskDefinition output) or a CloudFormation template with AWS::ECS::TaskDefinition",
    { line: 1, column: 1 },
  );
}

function locateNode(
  root: unknown,
  path: FieldPath,
  caseInsensitive: boolean,
  lines: LineCounter,
): SourceLocation | undefined {
  let node = root as Node | null | undefined;
  let found: [number, number] | undefined =
    node && "range" in node && node.range ? [node.range[0], node.range[1]] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const key = isScalar(item.key) ? String(item.key.value) : "";
        return (
          key === segment ||
          (caseInsensitive && typeof segment === "string" && key.toLowerCase() === segment.toLowerCase())
        );
      });
      if (!pair) break;
      const keyNode = pair.key as Node | undefined;
      if (keyNode?.range) found = [keyNode.range[0], keyNode.range[1]];
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      if (item.range) found = [item.range[0], item.range[1]];
      node = item;
    } else {
      break;
    }
  }
  if (!found) return undefined;
  const position = lines.linePos(found[0]);
  return { line: position.line, column: position.col };
}
