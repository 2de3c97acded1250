/**
 * Zod schemas for the EventBridge events ecs-autopilot reacts to, built on Powertools' envelope
 * schema. They are validated at the edge (the Lambda entry, the CLI, the sandbox) so that core
 * code receives typed, trusted data. Fields the flows do not read are kept (`looseObject`), so a
 * payload that AWS extends later still parses.
 *
 * Shapes follow the AWS documentation samples in test/fixtures/events (ECR user guide, ECS
 * developer guide, EventBridge user guide).
 */
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";

/** OCI digest grammar (`algorithm:encoded`); the length is not fixed because AWS's own ECR sample is short. */
const Digest = z
  .string()
  .regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, "an image digest like sha256:…");

export const EcrImageActionDetail = z.looseObject({
  result: z.enum(["SUCCESS", "FAILURE"]),
  "repository-name": z.string().min(2).max(256),
  "image-digest": Digest,
  "action-type": z.enum(["PUSH", "DELETE"]),
  /** Absent when an image is pushed by digest only. */
  "image-tag": z.string().min(1).max(300).optional(),
});

export const EcrImageActionEvent = EventBridgeSchema.extend({
  source: z.literal("aws.ecr"),
  "detail-type": z.literal("ECR Image Action"),
  detail: EcrImageActionDetail,
});
export type EcrImageActionEvent = z.infer<typeof EcrImageActionEvent>;

const EcsContainerState = z.looseObject({
  name: z.string(),
  containerArn: z.string().optional(),
  image: z.string().optional(),
  imageDigest: z.string().optional(),
  lastStatus: z.string().optional(),
  exitCode: z.number().int().optional(),
  reason: z.string().optional(),
  taskArn: z.string().optional(),
});

export const EcsTaskStateChangeDetail = z.looseObject({
  clusterArn: z.string(),
  taskArn: z.string(),
  taskDefinitionArn: z.string(),
  lastStatus: z.string(),
  desiredStatus: z.string(),
  containers: z.array(EcsContainerState),
  group: z.string().optional(),
  launchType: z.string().optional(),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  version: z.number().int().optional(),
});

export const EcsTaskStateChangeEvent = EventBridgeSchema.extend({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Task State Change"),
  detail: EcsTaskStateChangeDetail,
});
export type EcsTaskStateChangeEvent = z.infer<typeof EcsTaskStateChangeEvent>;

/** Severity ECS puts on deployment and service action events. */
const EcsEventSeverity = z.enum(["INFO", "WARN", "ERROR"]);

export const EcsDeploymentStateChangeEvent = EventBridgeSchema.extend({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Deployment State Change"),
  detail: z.looseObject({
    eventType: EcsEventSeverity,
    eventName: z.string(),
    deploymentId: z.string(),
    updatedAt: z.string(),
    reason: z.string().optional(),
  }),
});
export type EcsDeploymentStateChangeEvent = z.infer<typeof EcsDeploymentStateChangeEvent>;

export const EcsServiceActionEvent = EventBridgeSchema.extend({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Service Action"),
  detail: z.looseObject({
    eventType: EcsEventSeverity,
    eventName: z.string(),
    clusterArn: z.string(),
    createdAt: z.string(),
    reason: z.string().optional(),
    capacityProviderArns: z.array(z.string()).optional(),
    containerInstanceArns: z.array(z.string()).optional(),
    taskArns: z.array(z.string()).optional(),
  }),
});
export type EcsServiceActionEvent = z.infer<typeof EcsServiceActionEvent>;

/** A registered or remaining resource of a container instance (`CPU`, `MEMORY`, `PORTS`, …). */
const EcsInstanceResource = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  integerValue: z.number().optional(),
  stringSetValue: z.array(z.string()).optional(),
});

/**
 * "ECS Container Instance State Change": the container instance as DescribeContainerInstances
 * describes it. The AWS samples carry no task counts or status reason; newer events (the
 * EventBridge schema registry's aws.ecs@ECSContainerInstanceStateChange) do, so they are optional.
 */
export const EcsContainerInstanceStateChangeEvent = EventBridgeSchema.extend({
  source: z.literal("aws.ecs"),
  "detail-type": z.literal("ECS Container Instance State Change"),
  detail: z.looseObject({
    clusterArn: z.string(),
    containerInstanceArn: z.string(),
    ec2InstanceId: z.string().optional(),
    agentConnected: z.boolean(),
    status: z.string(),
    statusReason: z.string().optional(),
    runningTasksCount: z.number().int().optional(),
    pendingTasksCount: z.number().int().optional(),
    registeredResources: z.array(EcsInstanceResource).optional(),
    remainingResources: z.array(EcsInstanceResource).optional(),
    attributes: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
    capacityProviderName: z.string().optional(),
    version: z.number().int().optional(),
    updatedAt: z.string().optional(),
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
  eventType: z.string().optional(),
  eventID: z.string().optional(),
  userIdentity: z.looseObject({ type: z.string().optional(), arn: z.string().optional() }).optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type CloudTrailRecord = z.infer<typeof CloudTrailRecord>;

export const CloudTrailApiCallEvent = EventBridgeSchema.extend({
  "detail-type": z.literal("AWS API Call via CloudTrail"),
  detail: CloudTrailRecord,
});
export type CloudTrailApiCallEvent = z.infer<typeof CloudTrailApiCallEvent>;

export const ScheduledEvent = EventBridgeSchema.extend({
  source: z.literal("aws.events"),
  "detail-type": z.literal("Scheduled Event"),
  detail: z.looseObject({}),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

export { describeIssues, type SchemaIssue } from "../schemaIssues.ts";
