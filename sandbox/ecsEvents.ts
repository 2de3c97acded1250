/**
 * ECS events as ECS sends them, derived from AWS's own samples in test/fixtures/events: same
 * shape and fields, with the values of this task, service or deployment. Used by the sandbox
 * scenes and the tests.
 */
import { sampleEvent } from "./seed.ts";

type Json = Record<string, unknown>;

/** A stopped task, from the captured Fargate sample (ecs-task-state-change-deprovisioning-stopcode-captured.json). */
export function stoppedTaskEvent(options: {
  id: string;
  taskId: string;
  account?: string;
  region?: string;
  cluster?: string;
  service?: string;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  containerReason?: string;
  /** The task's revision and essential container (default: the sample's `voterintake:11`). */
  taskDefinitionArn?: string;
  container?: string;
}): Json {
  const sample = sampleEvent("ecs-task-state-change-deprovisioning-stopcode-captured.json");
  const detail = structuredClone(sample.detail) as Json & { containers: Json[] };
  const account = options.account ?? String(sample.account);
  const region = options.region ?? String(sample.region);
  const cluster = options.cluster ?? "primary-cluster";
  const taskArn = `arn:aws:ecs:${region}:${account}:task/${cluster}/${options.taskId}`;
  detail.clusterArn = `arn:aws:ecs:${region}:${account}:cluster/${cluster}`;
  detail.taskArn = taskArn;
  if (options.service) detail.group = `service:${options.service}`;
  detail.stopCode = options.stopCode ?? "EssentialContainerExited";
  detail.stoppedReason = options.stoppedReason ?? "Essential container in task exited";
  if (options.taskDefinitionArn) detail.taskDefinitionArn = options.taskDefinitionArn;
  const container = detail.containers[0] as Json;
  container.taskArn = taskArn;
  if (options.container) container.name = options.container;
  container.exitCode = options.exitCode ?? 0;
  if (options.containerReason) container.reason = options.containerReason;
  return { ...sample, id: options.id, account, region, resources: [taskArn], detail };
}

/** A sample with this event's id, account, region and resources, and its detail changed as given. */
function derive(
  file: string,
  envelope: { id: string; account: string; region: string; resources: string[] },
  detail: Json,
  time?: string,
): Json {
  const sample = sampleEvent(file);
  return {
    ...sample,
    ...envelope,
    ...(time ? { time } : {}),
    detail: { ...(sample.detail as Json), ...detail },
  };
}

/** An "ECS Service Action" for a service, from the documented sample of that event name. */
export function serviceActionEvent(options: {
  id: string;
  sample:
    | "ecs-service-action-steady-state.json"
    | "ecs-service-action-task-placement-failure-fargate-spot.json";
  account: string;
  region: string;
  cluster: string;
  service: string;
  /**
   * When ECS saw it (the envelope's `time`; default: now). The monitor closes only an incident
   * whose first stop came before a steady state, so a steady state keeps its own time.
   */
  time?: Date;
}): Json {
  const { id, account, region, cluster, service } = options;
  const time = (options.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return derive(
    options.sample,
    { id, account, region, resources: [`arn:aws:ecs:${region}:${account}:service/${cluster}/${service}`] },
    { clusterArn: `arn:aws:ecs:${region}:${account}:cluster/${cluster}` },
    time,
  );
}

/** An "ECS Deployment State Change" for a service's deployment, from the documented sample. */
export function deploymentEvent(options: {
  id: string;
  sample: "ecs-deployment-state-change-completed.json" | "ecs-deployment-state-change-failed.json";
  account: string;
  region: string;
  serviceArn: string;
  deploymentId: string;
}): Json {
  const { id, account, region, serviceArn, deploymentId } = options;
  return derive(options.sample, { id, account, region, resources: [serviceArn] }, { deploymentId });
}
