/**
 * The EventBridge rules of ecs-autopilot as data. `infra/` builds the deployed rules from these
 * patterns and the local runner (`npm start`, `ecs-autopilot invoke`) routes events with the
 * same patterns, so what is tested is what is deployed.
 */
import type * as z from "../zod.ts";
import {
  CloudTrailApiCallEvent,
  EcrImageActionEvent,
  EcsContainerInstanceStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
  ScheduledEvent,
} from "./schemas.ts";

/** An EventBridge event pattern (the subset of the pattern language the rules use). */
export type EventPattern = { readonly [field: string]: readonly string[] | EventPattern };

export type Flow = "redeploy" | "service-index" | "policy" | "schedule" | "monitor" | "rightsize";

export interface EventRule {
  /** Stable rule name; becomes part of the deployed rule's name. */
  readonly name: string;
  readonly flow: Flow;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly schema: z.ZodMiniType;
}

const ECS_API_CALL = { source: ["aws.ecs"], "detail-type": ["AWS API Call via CloudTrail"] } as const;

export const ECR_IMAGE_PUSH: EventRule = {
  name: "ecr-image-push",
  flow: "redeploy",
  description: "A successful image push to ECR: redeploy the services that track the repository",
  pattern: {
    source: ["aws.ecr"],
    "detail-type": ["ECR Image Action"],
    detail: { "action-type": ["PUSH"], result: ["SUCCESS"] },
  },
  schema: EcrImageActionEvent,
};

export const ECS_SERVICE_CHANGES: EventRule = {
  name: "ecs-service-changes",
  flow: "service-index",
  // Tags are not indexed (they are read fresh at push time), so tag changes need no rule here.
  description: "Services created, updated or deleted: keep the repository → services index current",
  pattern: {
    ...ECS_API_CALL,
    detail: {
      eventSource: ["ecs.amazonaws.com"],
      eventName: ["CreateService", "UpdateService", "DeleteService"],
    },
  },
  schema: CloudTrailApiCallEvent,
};

export const ECS_TASK_DEFINITION_CHANGES: EventRule = {
  name: "ecs-task-definition-changes",
  flow: "policy",
  description: "Task definitions registered or put into service: check them against the policy",
  pattern: {
    ...ECS_API_CALL,
    detail: {
      eventSource: ["ecs.amazonaws.com"],
      eventName: ["RegisterTaskDefinition", "CreateService", "UpdateService"],
    },
  },
  schema: CloudTrailApiCallEvent,
};

export const ECS_SERVICE_TAG_CHANGES: EventRule = {
  name: "ecs-service-tag-changes",
  flow: "schedule",
  description: "Service tags changed: reconcile the service's schedule now rather than at the next run",
  pattern: {
    ...ECS_API_CALL,
    detail: { eventSource: ["ecs.amazonaws.com"], eventName: ["TagResource", "UntagResource"] },
  },
  schema: CloudTrailApiCallEvent,
};

/**
 * Every task state change, not only STOPPED tasks: a non-essential container can stop inside a
 * task that keeps running (see the 2016 sample), and those carry the exit code too.
 */
export const ECS_TASK_STATE_CHANGE: EventRule = {
  name: "ecs-task-state-change",
  flow: "monitor",
  description: "Task and container state changes: classify stops and detect crash loops",
  pattern: { source: ["aws.ecs"], "detail-type": ["ECS Task State Change"] },
  schema: EcsTaskStateChangeEvent,
};

export const ECS_DEPLOYMENT_STATE_CHANGE: EventRule = {
  name: "ecs-deployment-state-change",
  flow: "monitor",
  description: "Deployments in progress, completed, failed or rolled back",
  pattern: { source: ["aws.ecs"], "detail-type": ["ECS Deployment State Change"] },
  schema: EcsDeploymentStateChangeEvent,
};

/**
 * The end of a deployment (COMPLETED or FAILED) releases a push the redeploy flow queued behind
 * it. The monitor receives the same events through its own rule.
 */
export const ECS_DEPLOYMENT_FINISHED: EventRule = {
  name: "ecs-deployment-finished",
  flow: "redeploy",
  description: "Deployments completed or failed: deploy the push queued behind them",
  pattern: {
    source: ["aws.ecs"],
    "detail-type": ["ECS Deployment State Change"],
    detail: { eventName: ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"] },
  },
  schema: EcsDeploymentStateChangeEvent,
};

export const ECS_SERVICE_ACTION: EventRule = {
  name: "ecs-service-action",
  flow: "monitor",
  description: "Steady state, placement failures and impaired task starts",
  pattern: { source: ["aws.ecs"], "detail-type": ["ECS Service Action"] },
  schema: EcsServiceActionEvent,
};

export const ECS_CONTAINER_INSTANCE_STATE_CHANGE: EventRule = {
  name: "ecs-container-instance-state-change",
  flow: "monitor",
  description:
    "Container instances: agent disconnected, draining with tasks that do not move, leaving with tasks",
  pattern: { source: ["aws.ecs"], "detail-type": ["ECS Container Instance State Change"] },
  schema: EcsContainerInstanceStateChangeEvent,
};

/** Every rule on the default bus. Scheduled jobs are in {@link SCHEDULED_JOBS}. */
export const EVENT_RULES: readonly EventRule[] = [
  ECR_IMAGE_PUSH,
  ECS_SERVICE_CHANGES,
  ECS_TASK_DEFINITION_CHANGES,
  ECS_SERVICE_TAG_CHANGES,
  ECS_TASK_STATE_CHANGE,
  ECS_DEPLOYMENT_STATE_CHANGE,
  ECS_DEPLOYMENT_FINISHED,
  ECS_SERVICE_ACTION,
  ECS_CONTAINER_INSTANCE_STATE_CHANGE,
];

/**
 * The shape of the event a schedule delivers. Deployed schedules are EventBridge Scheduler
 * schedules (`sst.aws.CronV2`, infra/eventRules.ts) whose input is exactly this "Scheduled Event",
 * the shape an EventBridge rule with a schedule expression delivers; `resources` names the job.
 */
export const SCHEDULED_EVENT: EventRule = {
  name: "scheduled",
  flow: "service-index",
  description: "A schedule fired",
  pattern: { source: ["aws.events"], "detail-type": ["Scheduled Event"] },
  schema: ScheduledEvent,
};

export interface ScheduledJob {
  readonly name: string;
  readonly flow: Flow;
  /** EventBridge schedule expression. */
  readonly schedule: string;
  readonly description: string;
}

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: "service-index-resync",
    flow: "service-index",
    schedule: "rate(6 hours)",
    description: "Rebuild the repository → services index from ECS, repairing anything CloudTrail missed",
  },
  {
    name: "redeploy-pending-sweep",
    flow: "redeploy",
    schedule: "rate(5 minutes)",
    description: "Deploy queued pushes whose deployment finished without a state-change event reaching us",
  },
  {
    name: "policy-audit",
    flow: "policy",
    schedule: "cron(0 6 * * ? *)",
    description: "Audit every task-definition revision in use by services and running tasks",
  },
  {
    name: "schedule-reconcile",
    flow: "schedule",
    schedule: "rate(15 minutes)",
    description: "Reconcile every service's schedule into Application Auto Scaling; repair drift",
  },
  {
    name: "monitor-agent-sweep",
    flow: "monitor",
    schedule: "rate(5 minutes)",
    description:
      "Re-check ECS agents remembered as disconnected: ECS sends no further event while an agent stays away",
  },
  {
    name: "rightsize-weekly",
    flow: "rightsize",
    schedule: "cron(0 7 ? * MON *)",
    description:
      "Right-size every service from 14 days of CloudWatch usage; one step down where autopilot:rightsize=apply",
  },
];

/**
 * The `resources` entry of the Scheduled Event `sst deploy` sends the ServiceIndex function to
 * build the index (infra/redeploy.ts). That invocation reports, never fails: a failure would fail
 * the deploy after everything else was applied (runtime/deployTimeBuild.ts).
 */
export const DEPLOY_BUILD_SOURCE = "ecs-autopilot:deploy-build";
