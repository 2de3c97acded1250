/**
 * Zod schemas for the EventBridge events ecs-autopilot reacts to, built on Powertools' envelope
 * schema. They are validated at the edge (the Lambda entry, the CLI, the sandbox) so that core
 * code receives typed, trusted data. Fields the flows do not read are kept (`looseObject`), so a
 * payload that AWS extends later still parses.
 *
 * Shapes follow the AWS documentation samples in test/fixtures/events (ECR user guide, ECS
 * developer guide, EventBridge user guide). Sizes are bounded at the edge, before any AWS call,
 * by the limits AWS documents (below): an event that no AWS service could have sent is rejected
 * with the field that is too large, instead of failing later, half-way, on a DynamoDB key.
 */
import * as z from "../zod.ts";

/**
 * EventBridge delivers no event larger than this: "The maximum size for a PutEvents event entry
 * is 256 KB" (EventBridge API reference, PutEvents; the same for events AWS services send).
 */
export const MAX_EVENT_BYTES = 256 * 1024;
/** "PutEvents will only process nested JSON up to 1100 levels deep" (EventBridge API reference, PutEvents). */
export const MAX_EVENT_DEPTH = 1100;
/**
 * A string the flows write into a state-table key (the event id, ARNs, deployment ids, names):
 * at most 1,024 printable ASCII characters, DynamoDB's sort-key limit and half its 2,048-byte
 * partition-key limit (DynamoDB developer guide, Constraints: partition and sort keys), so that
 * any key built from one fits. AWS's own values are far shorter: an event id is a 36-character
 * UUID (EventBridge event structure reference), an ECS name at most 255 characters (ECS API
 * reference, CreateService `serviceName`).
 */
export const MAX_KEY_PART = 1024;
const KeyPart = z
  .string()
  .check(
    z.minLength(1, { abort: true }),
    z.maxLength(MAX_KEY_PART, { abort: true }),
    z.regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces"),
  );

/**
 * The EventBridge envelope (EventBridge user guide, "Amazon EventBridge event structure
 * reference"), with the fields Powertools' parser checks (`EventBridgeSchema`: the same names and
 * types, `time` an ISO date-time, `replay-name` when the event is replayed) and its fields
 * bounded: the account is 12 digits.
 */
const Envelope = z.object({
  version: z.string(),
  id: KeyPart,
  source: z.string(),
  account: z.string().check(z.regex(/^\d{12}$/, "a 12-digit AWS account id")),
  time: z.iso.datetime(),
  region: KeyPart,
  resources: z.array(KeyPart),
  "detail-type": z.string(),
  detail: z.unknown(),
  "replay-name": z.optional(z.string()),
});

/**
 * Refuses an event larger or deeper than EventBridge delivers. Depth is measured without
 * recursion, so a hostile nesting cannot overflow the stack before it is refused.
 */
function withinEventBridgeLimits(event: unknown, context: z.core.$RefinementCtx): void {
  const stack: Array<[unknown, number]> = [[event, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_EVENT_DEPTH) {
      context.addIssue({
        code: "custom",
        message: `nested deeper than the ${MAX_EVENT_DEPTH} levels EventBridge delivers`,
      });
      return;
    }
    if (value !== null && typeof value === "object")
      for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(event) ?? "", "utf8");
  if (bytes > MAX_EVENT_BYTES)
    context.addIssue({
      code: "custom",
      message: `${bytes} bytes, larger than the ${MAX_EVENT_BYTES} bytes (256 KB) EventBridge delivers`,
    });
}

/** An event schema on the bounded envelope, refused whole when larger than EventBridge delivers. */
function eventSchema<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.extend(Envelope, shape).check(z.superRefine(withinEventBridgeLimits));
}

/**
 * OCI digest grammar (`algorithm:encoded`); the length is not fixed because AWS's own ECR sample
 * is short, but bounded by the longest registered algorithm (sha512: 7 + 128 characters; OCI
 * image spec, descriptor.md, "Registered algorithms").
 */
const Digest = z
  .string()
  .check(
    z.maxLength(135, { abort: true }),
    z.regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, "an image digest like sha256:…"),
  );

export const EcrImageActionDetail = z.looseObject({
  result: z.enum(["SUCCESS", "FAILURE"]),
  /** ECR API reference, `repositoryName`: 2 to 256 characters of this pattern. */
  "repository-name": z
    .string()
    .check(
      z.minLength(2, { abort: true }),
      z.maxLength(256, { abort: true }),
      z.regex(
        /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        "an ECR repository name (lowercase letters, digits, . _ - and /)",
      ),
    ),
  "image-digest": Digest,
  "action-type": z.enum(["PUSH", "DELETE"]),
  /** Absent when an image is pushed by digest only; 1 to 300 characters (ECR API reference, `ImageIdentifier.imageTag`). */
  "image-tag": z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
});

export const EcrImageActionEvent = eventSchema({
  source: z.literal("aws.ecr"),
  "detail-type": z.literal("ECR Image Action"),
  detail: EcrImageActionDetail,
});
export type EcrImageActionEvent = z.infer<typeof EcrImageActionEvent>;

/**
 * A container's name, which the monitor writes into a state-table key (the stop of a container, stateKeys.taskStop):
 * "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed"
 * (ECS API reference, ContainerDefinition `name`). Only the length is held here: ECS's own
 * containers (`~internal~ecs~pause`) are named outside that alphabet.
 */
export const MAX_CONTAINER_NAME = 255;

const EcsContainerState = z.looseObject({
  name: z.string().check(z.minLength(1, { abort: true }), z.maxLength(MAX_CONTAINER_NAME, { abort: true })),
  containerArn: z.optional(z.string()),
  image: z.optional(z.string()),
  imageDigest: z.optional(z.string()),
  lastStatus: z.optional(z.string()),
  exitCode: z.optional(z.int()),
  reason: z.optional(z.string()),
  taskArn: z.optional(z.string()),
});

export const EcsTaskStateChangeDetail = z.looseObject({
  clusterArn: KeyPart,
  taskArn: KeyPart,
  taskDefinitionArn: KeyPart,
  lastStatus: z.string(),
  desiredStatus: z.string(),
  containers: z.array(EcsContainerState),
  group: z.optional(KeyPart),
  launchType: z.optional(z.string()),
  stopCode: z.optional(z.string()),
  stoppedReason: z.optional(z.string()),
  createdAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  version: z.optional(z.int()),
});

export const EcsTaskStateChangeEvent = eventSchema({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Task State Change"),
  detail: EcsTaskStateChangeDetail,
});
export type EcsTaskStateChangeEvent = z.infer<typeof EcsTaskStateChangeEvent>;

/** Severity ECS puts on deployment and service action events. */
const EcsEventSeverity = z.enum(["INFO", "WARN", "ERROR"]);

export const EcsDeploymentStateChangeEvent = eventSchema({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Deployment State Change"),
  detail: z.looseObject({
    eventType: EcsEventSeverity,
    eventName: z.string(),
    deploymentId: KeyPart,
    updatedAt: z.string(),
    reason: z.optional(z.string()),
  }),
});
export type EcsDeploymentStateChangeEvent = z.infer<typeof EcsDeploymentStateChangeEvent>;

export const EcsServiceActionEvent = eventSchema({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Service Action"),
  detail: z.looseObject({
    eventType: EcsEventSeverity,
    eventName: z.string(),
    clusterArn: KeyPart,
    createdAt: z.string(),
    reason: z.optional(z.string()),
    capacityProviderArns: z.optional(z.array(z.string())),
    containerInstanceArns: z.optional(z.array(z.string())),
    taskArns: z.optional(z.array(z.string())),
  }),
});
export type EcsServiceActionEvent = z.infer<typeof EcsServiceActionEvent>;

/** A registered or remaining resource of a container instance (`CPU`, `MEMORY`, `PORTS`, …). */
const EcsInstanceResource = z.looseObject({
  name: z.string(),
  type: z.optional(z.string()),
  integerValue: z.optional(z.number()),
  stringSetValue: z.optional(z.array(z.string())),
});

/**
 * "ECS Container Instance State Change": the container instance as DescribeContainerInstances
 * describes it. The AWS samples carry no task counts or status reason; newer events (the
 * EventBridge schema registry's aws.ecs@ECSContainerInstanceStateChange) do, so they are optional.
 */
export const EcsContainerInstanceStateChangeEvent = eventSchema({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Container Instance State Change"),
  detail: z.looseObject({
    clusterArn: KeyPart,
    containerInstanceArn: KeyPart,
    ec2InstanceId: z.optional(z.string()),
    agentConnected: z.boolean(),
    status: z.string(),
    statusReason: z.optional(z.string()),
    runningTasksCount: z.optional(z.int()),
    pendingTasksCount: z.optional(z.int()),
    registeredResources: z.optional(z.array(EcsInstanceResource)),
    remainingResources: z.optional(z.array(EcsInstanceResource)),
    attributes: z.optional(z.array(z.looseObject({ name: z.string(), value: z.optional(z.string()) }))),
    capacityProviderName: z.optional(z.string()),
    version: z.optional(z.int()),
    updatedAt: z.optional(z.string()),
  }),
});
export type EcsContainerInstanceStateChangeEvent = z.infer<typeof EcsContainerInstanceStateChangeEvent>;

/** The CloudTrail record that EventBridge carries in `detail` of an "AWS API Call via CloudTrail" event. */
export const CloudTrailRecord = z.looseObject({
  eventVersion: z.string(),
  eventSource: z.string(),
  eventName: z.string(),
  awsRegion: z.string(),
  eventTime: z.string(),
  eventType: z.optional(z.string()),
  eventID: z.optional(z.string()),
  userIdentity: z.optional(z.looseObject({ type: z.optional(z.string()), arn: z.optional(z.string()) })),
  requestParameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  responseElements: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;

export const CloudTrailApiCallEvent = eventSchema({
  "detail-type": z.literal("AWS API Call via CloudTrail"),
  detail: CloudTrailRecord,
});
export type CloudTrailApiCallEvent = z.infer<typeof CloudTrailApiCallEvent>;

export const ScheduledEvent = eventSchema({
  source: z.literal("aws.events"),
  "detail-type": z.literal("Scheduled Event"),
  detail: z.looseObject({}),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

export { describeIssues, type SchemaIssue } from "../schemaIssues.ts";
