import { asArray, isObject, type Json, lastName, text } from "../fields.ts";
import type { InputFormat, LoadedResource } from "../LoadedResource.ts";
import { normalize, suppressionsFromTags } from "../normalize.ts";
import type { FieldPath, ResourceDoc, ResourceKind, RunContext } from "../types.ts";
import type { StructuredText } from "./structuredText.ts";

/** The account and region an ECS ARN names. */
export function homeOfArn(arn: string | undefined): Pick<RunContext, "account" | "region"> {
  const match = /^arn:aws[^:]*:ecs:([^:]+):(\d{12}):/.exec(arn ?? "");
  return match ? { region: match[1] as string, account: match[2] as string } : {};
}

interface Found {
  readonly kind: ResourceKind;
  readonly body: Json;
  readonly base: FieldPath;
  readonly format: InputFormat;
  readonly tags?: unknown;
}

/** Where each shape of ECS API JSON keeps its resources. */
function findResources(value: Json): Found[] {
  const list = (key: string, kind: ResourceKind): Found[] =>
    asArray(value[key]).flatMap((body, i) =>
      isObject(body) ? [{ kind, body, base: [key, i], format: "describe" as const }] : [],
    );
  // DescribeTaskDefinition's output wraps the definition; RegisterTaskDefinition's input is it.
  if (isObject(value.taskDefinition) && Array.isArray(value.taskDefinition.containerDefinitions))
    return [
      {
        kind: "taskDefinition",
        body: value.taskDefinition,
        base: ["taskDefinition"],
        format: "describe",
        tags: value.tags,
      },
    ];
  if (Array.isArray(value.containerDefinitions))
    return [{ kind: "taskDefinition", body: value, base: [], format: "ecs", tags: value.tags }];
  if (Array.isArray(value.services))
    return list("services", "service").flatMap((service) => [
      service,
      ...asArray(service.body.taskSets).flatMap((taskSet, i) =>
        isObject(taskSet)
          ? [
              {
                kind: "taskSet" as const,
                body: taskSet,
                base: [...service.base, "taskSets", i],
                format: "describe" as const,
              },
            ]
          : [],
      ),
    ]);
  if (Array.isArray(value.clusters)) return list("clusters", "cluster");
  if (Array.isArray(value.capacityProviders) && asArray(value.capacityProviders).some(isObject))
    return list("capacityProviders", "capacityProvider");
  if (Array.isArray(value.taskSets)) return list("taskSets", "taskSet");
  if (isObject(value.service))
    return [{ kind: "service", body: value.service, base: ["service"], format: "describe" }];
  if (isObject(value.cluster))
    return [{ kind: "cluster", body: value.cluster, base: ["cluster"], format: "describe" }];
  if (isObject(value.taskSet))
    return [{ kind: "taskSet", body: value.taskSet, base: ["taskSet"], format: "describe" }];
  // CreateService / CreateCluster input (`--cli-input-json`).
  if (text(value.serviceName) && (value.taskDefinition !== undefined || value.cluster !== undefined))
    return [{ kind: "service", body: value, base: [], format: "ecs" }];
  if (text(value.clusterName) && (value.settings !== undefined || value.configuration !== undefined))
    return [{ kind: "cluster", body: value, base: [], format: "ecs" }];
  return [];
}

const NAME_OF: Readonly<Record<ResourceKind, (doc: ResourceDoc) => string | undefined>> = {
  taskDefinition: (doc) => text(doc.family),
  service: (doc) => text(doc.serviceName),
  cluster: (doc) => text(doc.clusterName),
  capacityProvider: (doc) => text(doc.name),
  taskSet: (doc) => text(doc.id) ?? (text(doc.taskSetArn) ? lastName(text(doc.taskSetArn) ?? "") : undefined),
};
const ARN_OF: Readonly<Record<ResourceKind, string>> = {
  taskDefinition: "taskDefinitionArn",
  service: "serviceArn",
  cluster: "clusterArn",
  capacityProvider: "capacityProviderArn",
  taskSet: "taskSetArn",
};

/**
 * The ECS resources of a JSON/YAML file in one of the ECS API's shapes: RegisterTaskDefinition or
 * CreateService/CreateCluster input, or the output of DescribeTaskDefinition, DescribeServices
 * (with their task sets), DescribeClusters, DescribeCapacityProviders or DescribeTaskSets.
 */
export function resourcesFromEcsJson(value: Json, file: string, source: StructuredText): LoadedResource[] {
  // One shape per file: a service's cluster is never in the same file, so nothing is related.
  return findResources(value).map(({ kind, body, base, format, tags }) => {
    const document = normalize(body, false) as ResourceDoc;
    if (document.tags === undefined && tags !== undefined) document.tags = tags;
    const name = NAME_OF[kind](document);
    const arn = text(document[ARN_OF[kind]]);
    const subject = name ?? (arn ? lastName(arn) : file);
    return {
      file,
      format,
      resourceType: kind,
      subject,
      ...(name ? { name } : {}),
      document,
      run: homeOfArn(arn),
      related: {},
      suppressions: suppressionsFromTags(document.tags, "tags"),
      locate: (path: FieldPath) => source.locate([...base, ...path]),
    };
  });
}
