import { loadFixture } from "./fixtures.ts";

type Json = Record<string, unknown>;

/**
 * A stopped-task event derived from AWS's captured Fargate sample
 * (ecs-task-state-change-deprovisioning-stopcode-captured.json): same shape and fields, with
 * this task's id, service group and stop details.
 */
export function stoppedTask(options: {
  id: string;
  taskId: string;
  cluster?: string;
  service?: string;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  containerReason?: string;
  time?: string;
}): Json {
  const sample = loadFixture("ecs-task-state-change-deprovisioning-stopcode-captured.json");
  const detail = structuredClone(sample.detail) as Json & { containers: Json[] };
  const account = String(sample.account);
  const region = String(sample.region);
  const cluster = options.cluster ?? "primary-cluster";
  const taskArn = `arn:aws:ecs:${region}:${account}:task/${cluster}/${options.taskId}`;
  detail.clusterArn = `arn:aws:ecs:${region}:${account}:cluster/${cluster}`;
  detail.taskArn = taskArn;
  detail.group = options.service ? `service:${options.service}` : detail.group;
  detail.stopCode = options.stopCode ?? "EssentialContainerExited";
  detail.stoppedReason = options.stoppedReason ?? "Essential container in task exited";
  const container = detail.containers[0] as Json;
  container.taskArn = taskArn;
  container.exitCode = options.exitCode ?? 0;
  if (options.containerReason) container.reason = options.containerReason;
  return { ...sample, id: options.id, time: options.time ?? sample.time, resources: [taskArn], detail };
}
