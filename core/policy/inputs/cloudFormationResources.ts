import { own } from "../../own.ts";
import { asArray, isObject, type Json, runOfRunners, text } from "../fields.ts";
import type { LoadedResource } from "../LoadedResource.ts";
import { normalize, suppressionsFromTags } from "../normalize.ts";
import type { RelatedResources, ResourceDoc, ResourceKind, RunContext, Suppression } from "../types.ts";
import { Unknown } from "../types.ts";
import type { StructuredText } from "./structuredText.ts";

/** CloudFormation resource types the policy checks. */
export const CLOUDFORMATION_TYPES: Readonly<Record<string, ResourceKind>> = {
  "AWS::ECS::TaskDefinition": "taskDefinition",
  "AWS::ECS::Service": "service",
  "AWS::ECS::Cluster": "cluster",
  "AWS::ECS::TaskSet": "taskSet",
  "AWS::ECS::CapacityProvider": "capacityProvider",
};

/**
 * ECS API names → CloudFormation's where they differ by more than letter case (names that differ
 * only in case, such as AwsVpcConfiguration or EFSVolumeConfiguration, are found case-insensitively).
 */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  settings: ["ClusterSettings"],
};

/** The logical id a property refers to: `!Ref X`, `!GetAtt X.Arn`. */
function referencedId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === "string") return value.Ref;
  const getAtt = value["Fn::GetAtt"];
  return Array.isArray(getAtt) && typeof getAtt[0] === "string" ? getAtt[0] : undefined;
}

/** A name of the resource in the ECS sense (family, service, cluster, provider name). */
function resourceName(kind: ResourceKind, document: ResourceDoc): string | undefined {
  switch (kind) {
    case "taskDefinition":
      return text(document.family);
    case "service":
      return text(document.serviceName);
    case "cluster":
      return text(document.clusterName);
    case "capacityProvider":
      return text(document.name);
    case "taskSet":
      return undefined;
  }
}

/**
 * Every ECS resource of a CloudFormation template (hand-written or CDK synth output) in the ECS
 * API's shape. Intrinsics are unknown values; `!Ref`/`!GetAtt` between the template's resources
 * tell a service its cluster and task definition, and a task definition how its service runs it.
 */
export function resourcesFromTemplate(
  template: Json,
  file: string,
  source: StructuredText,
): LoadedResource[] {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const parameters = new Set(isObject(template.Parameters) ? Object.keys(template.Parameters) : []);
  const entries = Object.entries(resources).flatMap(([logicalId, resource]) => {
    if (!isObject(resource)) return [];
    const kind = own(CLOUDFORMATION_TYPES, text(resource.Type) ?? "");
    if (!kind) return [];
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const document = normalize(properties, true, parameters) as ResourceDoc;
    return [{ logicalId, kind, properties, resource, document }];
  });
  const byId = new Map(entries.map((e) => [e.logicalId, e]));
  /** The cluster a service names: by reference, or by a literal name one of the template's clusters has. */
  const clusterOf = (value: unknown): ResourceDoc | Unknown | undefined => {
    const id = referencedId(value);
    const referenced = id ? byId.get(id) : undefined;
    if (referenced?.kind === "cluster") return referenced.document;
    const name = text(value);
    const named = name
      ? entries.find((e) => e.kind === "cluster" && text(e.document.clusterName) === name.split("/").pop())
      : undefined;
    if (named) return named.document;
    return value === undefined
      ? undefined
      : new Unknown(`cluster ${JSON.stringify(value)} is not in this template`);
  };
  const taskDefinitionOf = (value: unknown): ResourceDoc | Unknown | undefined => {
    const id = referencedId(value);
    const referenced = id ? byId.get(id) : undefined;
    if (referenced?.kind === "taskDefinition") return referenced.document;
    return value === undefined ? undefined : new Unknown(`task definition ${JSON.stringify(value)}`);
  };
  return entries.map(({ logicalId, kind, properties, resource, document }) => {
    let run: RunContext = {};
    let related: RelatedResources = {};
    if (kind === "taskDefinition") {
      // The services, then the task sets (external deployment controller), that run it.
      const runners = (["service", "taskSet"] as const).flatMap((runner) =>
        entries.filter((e) => e.kind === runner && referencedId(e.properties.TaskDefinition) === logicalId),
      );
      run = runOfRunners(
        runners.map(({ properties: p }) => ({
          loadBalancers: normalize(p.LoadBalancers, true, parameters),
          platformVersion: p.PlatformVersion,
          launchType: p.LaunchType,
        })),
      );
    } else if (kind === "service" || kind === "taskSet") {
      const cluster = clusterOf(properties.Cluster);
      const taskDefinition = taskDefinitionOf(properties.TaskDefinition);
      related = { ...(cluster ? { cluster } : {}), ...(taskDefinition ? { taskDefinition } : {}) };
    }
    const metadata = isObject(resource.Metadata) ? resource.Metadata["ecs-autopilot"] : undefined;
    const skips = isObject(metadata) ? asArray(metadata.skip) : [];
    const suppressions: Suppression[] = [
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
    ];
    const name = resourceName(kind, document);
    return {
      file,
      format: "cloudformation" as const,
      resourceType: kind,
      subject: name ?? logicalId,
      ...(name ? { name } : {}),
      address: logicalId,
      document,
      run,
      related,
      suppressions,
      locate: (path) =>
        source.locate(["Resources", logicalId, "Properties", ...path], {
          caseInsensitive: true,
          aliases: ALIASES,
        }),
    };
  });
}
