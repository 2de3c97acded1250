import { own } from "../own.ts";
import { POLICY_SKIP_TAG_PREFIX } from "../tags.ts";
import { asArray, isObject, type Json, text } from "./fields.ts";
import type { LoadedTaskDefinition } from "./loadTaskDefinitions.ts";
import { type RunContext, type Suppression, type TaskDefinitionDoc, Unknown } from "./types.ts";

/** Tags that suppress a rule inline: `autopilot:policy-skip:ECS013` = "reason". */
export const SKIP_TAG_PREFIX = POLICY_SKIP_TAG_PREFIX;

const isIntrinsic = (value: Json) => {
  const keys = Object.keys(value);
  return (
    keys.length === 1 && (keys[0] === "Ref" || keys[0] === "Condition" || (keys[0] ?? "").startsWith("Fn::"))
  );
};

/** CloudFormation property names → the ECS API's; maps of user keys keep their keys. */
const KEY_EXCEPTIONS: Record<string, string> = {
  EFSVolumeConfiguration: "efsVolumeConfiguration",
  FilesystemId: "fileSystemId",
  ClusterSettings: "settings",
  // AWS::ECS::TaskSet spells it AwsVpcConfiguration, AWS::ECS::Service AwsvpcConfiguration.
  AwsVpcConfiguration: "awsvpcConfiguration",
};
const USER_KEYED = new Set(["Options", "DockerLabels", "options", "dockerLabels"]);

/**
 * `Fn::GetAtt`, or `Ref` of a resource (not of a parameter or a pseudo parameter such as
 * `AWS::NoValue`): another resource's value, which is always there.
 */
function refersToResource(intrinsic: Json, parameters: ReadonlySet<string>): boolean {
  const ref = intrinsic.Ref;
  if (typeof ref === "string") return !parameters.has(ref) && !ref.startsWith("AWS::");
  return intrinsic["Fn::GetAtt"] !== undefined;
}

/**
 * A value in the ECS API's shape: CloudFormation property names in camel case, intrinsics as
 * {@link Unknown} (a reference when it is `GetAtt`, or `Ref` of anything but the template's
 * `parameters` and pseudo parameters, which may be empty; functions may be anything).
 */
export function normalize(
  value: unknown,
  fromCloudFormation: boolean,
  parameters: ReadonlySet<string> = new Set(),
): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, fromCloudFormation, parameters));
  if (!isObject(value)) return value;
  if (isIntrinsic(value)) return new Unknown(JSON.stringify(value), refersToResource(value, parameters));
  // Defined, not assigned: a key `__proto__` in the file is a field of its own, not the
  // document's prototype (whose fields every rule would then read as the resource's).
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      fromCloudFormation
        ? (own(KEY_EXCEPTIONS, key) ?? `${key.charAt(0).toLowerCase()}${key.slice(1)}`)
        : key,
      USER_KEYED.has(key) && isObject(inner) ? inner : normalize(inner, fromCloudFormation, parameters),
    ]),
  ) as Json;
}

export function suppressionsFromTags(tags: unknown, source: string): Suppression[] {
  return asArray(tags).flatMap((tag) => {
    if (!isObject(tag)) return [];
    const key = text(tag.key) ?? text(tag.Key) ?? "";
    if (!key.startsWith(SKIP_TAG_PREFIX)) return [];
    return [
      {
        ruleId: key.slice(SKIP_TAG_PREFIX.length),
        reason: (text(tag.value) ?? text(tag.Value) ?? "").trim(),
        source,
      },
    ];
  });
}

/**
 * A task definition from the ECS API (DescribeTaskDefinition's `taskDefinition` and `tags`, or a
 * RegisterTaskDefinition input), for checks in the account and before a redeploy. Its run context
 * says `registered`: what ECS holds is what tasks pull, nothing in it is filled in later.
 */
export function fromEcsApi(
  taskDefinition: object,
  tags: ReadonlyArray<{ key?: string; value?: string }> = [],
  run: RunContext = {},
): LoadedTaskDefinition {
  const normalized = normalize(taskDefinition, false) as TaskDefinitionDoc;
  // DescribeTaskDefinition returns tags beside the definition; the tagging rule reads them from it.
  if (normalized.tags === undefined && tags.length > 0) normalized.tags = tags.map((t) => ({ ...t }));
  const family = text(normalized.family);
  const arn = text(normalized.taskDefinitionArn);
  const revision = text(normalized.revision);
  const subject = arn
    ? arn.slice(arn.lastIndexOf("/") + 1)
    : family
      ? `${family}${revision ? `:${revision}` : ""}`
      : "task definition";
  return {
    file: subject,
    kind: "describe",
    subject,
    ...(family ? { family } : {}),
    taskDefinition: normalized,
    run: { ...run, registered: true },
    suppressions: suppressionsFromTags(tags, "tags"),
    locate: () => undefined,
  };
}
