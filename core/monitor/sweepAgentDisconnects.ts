/**
 * The scheduled re-check of disconnected ECS agents (`monitor-agent-sweep`, core/events/rules.ts).
 *
 * ECS sends "ECS Container Instance State Change" only when something about the instance changes
 * (Amazon ECS Developer Guide, "Amazon ECS container instance state change events"), so an agent
 * that disconnects and stays away may send no second event, and the event path
 * (containerInstanceEvent.ts), which decides on the next event, would never tell it. The sweep
 * reads every remembered disconnect (one partition of the state table), asks ECS about those past
 * the grace period (DescribeContainerInstances, 100 a call per cluster), forgets the ones that
 * reconnected or left, and tells the rest once — with the same "tell once" id as the event path.
 */
import {
  ClusterNotFoundException,
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { chunk } from "../aws/concurrency.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import {
  AGENT_GRACE_MINUTES,
  alertOnce,
  instanceSubject,
  type RememberedDisconnect,
} from "./containerInstanceEvent.ts";
import type { MonitorState } from "./MonitorState.ts";
import { containerInstanceMessage } from "./messages.ts";
import type { MonitorMessage, MonitorResult } from "./monitorEvent.ts";

/** A remembered disconnect with the instance it is about. */
export interface StoredDisconnect extends RememberedDisconnect {
  readonly containerInstanceArn: string;
}

/** What ECS says of an instance now, or that it no longer knows it. */
export type InstanceNow =
  | {
      readonly known: true;
      readonly status: string;
      readonly agentConnected: boolean;
      readonly runningTasks: number;
      readonly pendingTasks: number;
      readonly ec2InstanceId?: string;
    }
  | { readonly known: false; readonly why: string };

/** The sweep's decision for one remembered disconnect. */
export type SweepDecision =
  | { readonly kind: "wait"; readonly disconnect: StoredDisconnect; readonly minutes: number }
  | { readonly kind: "forget"; readonly disconnect: StoredDisconnect; readonly why: string }
  | {
      readonly kind: "alert";
      readonly disconnect: StoredDisconnect;
      readonly minutes: number;
      readonly instance: Extract<InstanceNow, { known: true }>;
    };

const minutesSince = (since: string, now: Date) => Math.round((now.getTime() - Date.parse(since)) / 60_000);

/** Whether a remembered disconnect is past the grace period (only those are asked about). */
export const isDue = (disconnect: StoredDisconnect, now: Date) =>
  minutesSince(disconnect.since, now) >= AGENT_GRACE_MINUTES;

/**
 * Decides per remembered disconnect: wait (within the grace period), forget (reconnected, left the
 * cluster, or unknown to ECS), or alert (still ACTIVE or DRAINING with the agent away).
 *
 * @example
 * planAgentSweep([disconnect], new Map([[arn, { known: true, status: "ACTIVE", agentConnected: false, runningTasks: 1, pendingTasks: 0 }]]), now);
 */
export function planAgentSweep(
  disconnects: readonly StoredDisconnect[],
  now: ReadonlyMap<string, InstanceNow>,
  at: Date,
): SweepDecision[] {
  return disconnects.map((disconnect): SweepDecision => {
    const minutes = minutesSince(disconnect.since, at);
    if (!isDue(disconnect, at)) return { kind: "wait", disconnect, minutes };
    const instance = now.get(disconnect.containerInstanceArn);
    if (!instance) return { kind: "forget", disconnect, why: "not described" };
    if (!instance.known) return { kind: "forget", disconnect, why: instance.why };
    if (instance.agentConnected) return { kind: "forget", disconnect, why: "reconnected" };
    // DEREGISTERING / INACTIVE: leaving the cluster is its own alert (the event path tells it).
    if (instance.status !== "ACTIVE" && instance.status !== "DRAINING")
      return { kind: "forget", disconnect, why: `instance ${instance.status}` };
    return { kind: "alert", disconnect, minutes, instance };
  });
}

/** DescribeContainerInstances for the due disconnects, per cluster, 100 a call. */
async function describeNow(
  ecs: ECSClient,
  disconnects: readonly StoredDisconnect[],
): Promise<Map<string, InstanceNow>> {
  const now = new Map<string, InstanceNow>();
  const byCluster = new Map<string, string[]>();
  for (const d of disconnects)
    byCluster.set(d.clusterArn, [...(byCluster.get(d.clusterArn) ?? []), d.containerInstanceArn]);
  for (const [cluster, arns] of byCluster)
    for (const batch of chunk(arns, 100)) {
      let described: {
        containerInstances?: ContainerInstance[];
        failures?: { arn?: string; reason?: string }[];
      };
      try {
        described = await ecs.send(
          new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }),
        );
      } catch (error) {
        if (!(error instanceof ClusterNotFoundException)) throw error;
        for (const arn of batch) now.set(arn, { known: false, why: "cluster not found" });
        continue;
      }
      for (const i of described.containerInstances ?? [])
        now.set(i.containerInstanceArn ?? "", {
          known: true,
          status: i.status ?? "",
          agentConnected: i.agentConnected ?? false,
          runningTasks: i.runningTasksCount ?? 0,
          pendingTasks: i.pendingTasksCount ?? 0,
          ...(i.ec2InstanceId ? { ec2InstanceId: i.ec2InstanceId } : {}),
        });
      // Failures name the instance by its ARN, long or short, or by its id (moto names it by the
      // short ARN): the id, its last part, matches all of them.
      for (const failure of described.failures ?? []) {
        const arn = batch.find((a) => a.endsWith(`/${failure.arn?.split("/").pop()}`));
        if (arn) now.set(arn, { known: false, why: `ECS: ${failure.reason ?? "failure"}` });
      }
    }
  return now;
}

export interface AgentSweepContext {
  readonly state: MonitorState;
  readonly table: StateTable;
  readonly ecs: ECSClient;
}

/**
 * The sweep: tells every agent still disconnected past the grace period once (a day), forgets
 * the disconnects ECS no longer sees, and leaves the recent ones to wait.
 *
 * @example
 * const result = await sweepAgentDisconnects(context, new Date(event.time));
 */
export async function sweepAgentDisconnects(context: AgentSweepContext, at: Date): Promise<MonitorResult> {
  const stored = (await context.table.queryPartition<RememberedDisconnect>(stateKeys.agentDisconnects())).map(
    (item) => ({
      containerInstanceArn: item.sk,
      since: item.since,
      clusterArn: item.clusterArn,
      region: item.region,
      ...(item.ec2InstanceId ? { ec2InstanceId: item.ec2InstanceId } : {}),
    }),
  );
  const due = stored.filter((d) => isDue(d, at));
  const decisions = planAgentSweep(stored, due.length ? await describeNow(context.ecs, due) : new Map(), at);
  const messages: MonitorMessage[] = [];
  let told = 0;
  for (const decision of decisions) {
    const { disconnect } = decision;
    if (decision.kind === "forget") {
      await context.table.delete(stateKeys.agentDisconnected(disconnect.containerInstanceArn));
      continue;
    }
    if (decision.kind !== "alert") continue;
    const once = alertOnce(disconnect.containerInstanceArn, "agent-disconnected");
    if (await context.state.told(once.kind, once.id)) {
      told++;
      continue;
    }
    const subject = instanceSubject(
      disconnect.containerInstanceArn,
      disconnect.clusterArn,
      disconnect.region,
      decision.instance.ec2InstanceId ?? disconnect.ec2InstanceId,
    );
    messages.push({
      subject,
      message: containerInstanceMessage({
        subject,
        kind: "agent-disconnected",
        status: decision.instance.status,
        minutes: decision.minutes,
        pendingTasks: decision.instance.pendingTasks,
        runningTasks: decision.instance.runningTasks,
      }),
      once,
    });
  }
  const count = (kind: SweepDecision["kind"]) => decisions.filter((d) => d.kind === kind).length;
  // Why disconnects were forgotten (reconnected, left, unknown to ECS): the only trace of it.
  const why = [...new Set(decisions.flatMap((d) => (d.kind === "forget" ? [d.why] : [])))].join(", ");
  return {
    action: "agent-sweep",
    detail: `${stored.length} remembered: ${messages.length} to tell, ${told} already told, ${count("forget")} forgotten${why ? ` (${why})` : ""}, ${count("wait")} within ${AGENT_GRACE_MINUTES} min`,
    messages,
  };
}
