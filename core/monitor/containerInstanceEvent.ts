/**
 * "ECS Container Instance State Change": what is worth a message, once, with the next step.
 *
 * - **Agent disconnected**: ECS's agent disconnects and reconnects several times an hour as part
 *   of normal operation (Amazon ECS Developer Guide, "container instance state change events"),
 *   so a single disconnect is only remembered. A later event of the same instance still
 *   disconnected 10 minutes after the first alerts; so does a disconnect with tasks waiting to
 *   start on the instance. A reconnect forgets it. ECS sends these events only when something
 *   changes, so an agent that stays away may send nothing more: the scheduled sweep
 *   (sweepAgentDisconnects.ts, `monitor-agent-sweep`) re-checks every remembered disconnect.
 * - **Draining with tasks that don't move**: ECS stops and replaces service tasks on a DRAINING
 *   instance, honouring minimumHealthyPercent and maximumPercent; tasks that belong to no service
 *   are not affected (Developer Guide, "Draining Amazon ECS container instances"). The tasks on the
 *   instance are read: standalone tasks, and tasks of services whose deployment configuration
 *   (minimum 100 %, maximum 100 %) forbids replacing before stopping, will not move.
 * - **Leaving the cluster with tasks** (DEREGISTERING / INACTIVE while tasks still run): an
 *   instance retired, terminated or deregistered under running work.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  paginateListTasks,
  type Service,
} from "@aws-sdk/client-ecs";
import { chunk } from "../aws/concurrency.ts";
import type { AutopilotConfig } from "../config/index.ts";
import { nameFromArn } from "../ecs/arns.ts";
import type { EcsContainerInstanceStateChangeEvent } from "../events/schemas.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import type { MonitorState } from "./MonitorState.ts";
import { containerInstanceMessage, type StuckTask } from "./messages.ts";
import type { MonitorMessage, MonitorResult } from "./monitorEvent.ts";
import type { Subject } from "./subjects.ts";

/** How long a disconnected agent is given to come back before a message (reconnects are routine). */
export const AGENT_GRACE_MINUTES = 10;
/** Each kind of container instance alert is told once a day per instance. */
const ONCE_A_DAY_SECONDS = 24 * 60 * 60;
/** The monitor's "tell once" kind for alerts (the delivery step keeps it; `told` reads it). */
const ALERT = "alert";

export type ContainerInstanceAlert = "agent-disconnected" | "draining-stuck" | "leaving";

/** What the state table keeps of a disconnected agent (what the sweep needs to re-check and tell it). */
export interface RememberedDisconnect {
  /** When the first event of the disconnect was seen (ISO). */
  readonly since: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly ec2InstanceId?: string;
}

/** The "tell once" id of one alert of one instance: the event path and the sweep share it, so it is told once. */
export const alertOnce = (containerInstanceArn: string, kind: ContainerInstanceAlert) => ({
  kind: ALERT,
  id: `${containerInstanceArn}#${kind}`,
  seconds: ONCE_A_DAY_SECONDS,
});

/** An instance as a message subject: its cluster, and its EC2 instance id as the name. */
export function instanceSubject(
  containerInstanceArn: string,
  clusterArn: string,
  region: string,
  ec2InstanceId: string | undefined,
): Subject {
  return {
    key: containerInstanceArn,
    region,
    clusterName: nameFromArn(clusterArn),
    name: ec2InstanceId ?? nameFromArn(containerInstanceArn),
    isService: false,
  };
}

export interface ContainerInstanceContext {
  readonly state: MonitorState;
  readonly table: StateTable;
  readonly ecs: ECSClient;
  readonly config: AutopilotConfig["monitor"];
}

const quiet = (action: string, detail: string): MonitorResult => ({ action, detail, messages: [] });

/** The instance of an event as a message subject. */
function subjectOf(event: EcsContainerInstanceStateChangeEvent): Subject {
  const { detail } = event;
  return instanceSubject(detail.containerInstanceArn, detail.clusterArn, event.region, detail.ec2InstanceId);
}

/**
 * The tasks on a draining instance that ECS will not move: tasks of no service, and tasks of
 * services that may neither run above 100 % nor drop below 100 % of their desired count.
 */
export function tasksThatStay(
  tasks: ReadonlyArray<{ taskArn: string; group: string }>,
  services: ReadonlyMap<string, Pick<Service, "deploymentConfiguration">>,
): StuckTask[] {
  const stuck: StuckTask[] = [];
  for (const task of tasks) {
    if (!task.group.startsWith("service:")) {
      stuck.push({
        taskArn: task.taskArn,
        group: task.group,
        why: "belongs to no service: ECS does not stop or replace it",
      });
      continue;
    }
    const name = task.group.slice("service:".length);
    const configuration = services.get(name)?.deploymentConfiguration;
    const minimum = configuration?.minimumHealthyPercent;
    const maximum = configuration?.maximumPercent;
    if (minimum !== undefined && maximum !== undefined && minimum >= 100 && maximum <= 100)
      stuck.push({
        taskArn: task.taskArn,
        group: task.group,
        why: `service ${name} has minimumHealthyPercent ${minimum} and maximumPercent ${maximum}: ECS can neither start a replacement first nor stop the task first`,
      });
  }
  return stuck;
}

/** The running tasks on an instance and the services they belong to (ListTasks, DescribeTasks, DescribeServices). */
async function tasksOn(
  ecs: ECSClient,
  cluster: string,
  containerInstance: string,
): Promise<{ tasks: Array<{ taskArn: string; group: string }>; services: Map<string, Service> }> {
  const arns: string[] = [];
  for await (const page of paginateListTasks(
    { client: ecs },
    { cluster, containerInstance, desiredStatus: "RUNNING" },
  ))
    arns.push(...(page.taskArns ?? []));
  const tasks: Array<{ taskArn: string; group: string }> = [];
  for (const batch of chunk(arns, 100)) {
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const t of described.tasks ?? []) tasks.push({ taskArn: t.taskArn ?? "", group: t.group ?? "" });
  }
  const names = [
    ...new Set(
      tasks.filter((t) => t.group.startsWith("service:")).map((t) => t.group.slice("service:".length)),
    ),
  ];
  const services = new Map<string, Service>();
  for (const batch of chunk(names, 10)) {
    const described = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
    for (const s of described.services ?? []) services.set(s.serviceName ?? "", s);
  }
  return { tasks, services };
}

/**
 * Decides what an "ECS Container Instance State Change" is worth: a message once (per instance,
 * kind and day) for a lasting agent disconnect, a drain that leaves tasks behind, or an instance
 * leaving with tasks on it; nothing for the routine rest.
 */
export async function monitorContainerInstanceStateChange(
  event: EcsContainerInstanceStateChangeEvent,
  context: ContainerInstanceContext,
): Promise<MonitorResult> {
  const { detail } = event;
  const subject = subjectOf(event);
  const arn = detail.containerInstanceArn;
  const at = new Date(event.time);
  // Told once a day per instance and kind; whether it was is decided after delivery.
  const told = (kind: ContainerInstanceAlert) => {
    const once = alertOnce(arn, kind);
    return context.state.told(once.kind, once.id);
  };
  const message = (
    input: Omit<Parameters<typeof containerInstanceMessage>[0], "subject" | "status">,
  ): MonitorMessage => ({
    subject,
    message: containerInstanceMessage({
      subject,
      status: detail.status,
      ...(detail.statusReason ? { statusReason: detail.statusReason } : {}),
      ...input,
    }),
    once: alertOnce(arn, input.kind),
  });

  if (detail.status === "DEREGISTERING" || detail.status === "INACTIVE") {
    const running = detail.runningTasksCount ?? 0;
    if (running === 0) return quiet("instance-left", `${detail.status} with no running task`);
    if (await told("leaving")) return quiet("duplicate", "leaving the cluster was already reported");
    return {
      action: "instance-leaving",
      detail: `${running} tasks`,
      messages: [message({ kind: "leaving", runningTasks: running })],
    };
  }

  if (!detail.agentConnected) {
    const key = stateKeys.agentDisconnected(arn);
    const pending = detail.pendingTasksCount ?? 0;
    const remembered: RememberedDisconnect = {
      since: at.toISOString(),
      clusterArn: detail.clusterArn,
      region: event.region,
      ...(detail.ec2InstanceId ? { ec2InstanceId: detail.ec2InstanceId } : {}),
    };
    const first = await context.table.claim(key, 24 * 60 * 60, { ...remembered });
    const since = first
      ? at
      : new Date(String((await context.table.get<{ since: string }>(key))?.since ?? at.toISOString()));
    const minutes = Math.round((at.getTime() - since.getTime()) / 60_000);
    if (pending === 0 && minutes < AGENT_GRACE_MINUTES)
      return quiet(
        "agent-disconnected-watching",
        `agent disconnected ${minutes} min ago; agents reconnect several times an hour, a message follows after ${AGENT_GRACE_MINUTES} min (the next event or the sweep)`,
      );
    if (await told("agent-disconnected"))
      return quiet("duplicate", "the disconnected agent was already reported");
    return {
      action: "agent-disconnected",
      detail: `${minutes} min`,
      messages: [
        message({
          kind: "agent-disconnected",
          minutes,
          pendingTasks: pending,
          ...(detail.runningTasksCount !== undefined ? { runningTasks: detail.runningTasksCount } : {}),
        }),
      ],
    };
  }
  // Connected: forget a disconnect (ECS reconnects are routine and need no message) that began at
  // this event's time or before. EventBridge does not keep order, and a dead letter may be redriven
  // days later: the reconnect of an earlier disconnect leaves a later one remembered for the sweep.
  try {
    await context.table.delete(stateKeys.agentDisconnected(arn), {
      ConditionExpression: "attribute_not_exists(pk) OR #since <= :at",
      ExpressionAttributeNames: { "#since": "since" },
      ExpressionAttributeValues: { ":at": at.toISOString() },
    });
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }

  if (detail.status === "DRAINING") {
    if (detail.runningTasksCount === 0) return quiet("drained", "no task left on the instance");
    // Told already: no need to read the tasks again on every event of the drain.
    if (await told("draining-stuck")) return quiet("duplicate", "the tasks that stay were already reported");
    const { tasks, services } = await tasksOn(context.ecs, detail.clusterArn, arn);
    if (tasks.length === 0) return quiet("drained", "no task left on the instance");
    const stuck = tasksThatStay(tasks, services);
    if (stuck.length === 0) return quiet("draining", `${tasks.length} service tasks being replaced`);
    return {
      action: "draining-stuck",
      detail: `${stuck.length} of ${tasks.length} tasks stay`,
      messages: [message({ kind: "draining-stuck", runningTasks: tasks.length, stuck })],
    };
  }
  return quiet("ignored", `${detail.status}, agent connected`);
}
