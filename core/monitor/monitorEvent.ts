import type { AutopilotConfig } from "../config/index.ts";
import type {
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
} from "../events/schemas.ts";
import type { SlackMessage } from "../notify/SlackMessage.ts";
import { findRedeployment, type StateTable } from "../state/index.ts";
import { capacityHint } from "./capacityHint.ts";
import { classifyStop, type StopClassification } from "./classifyStop.ts";
import { logStreamLink, serviceLink, taskLink } from "./consoleLinks.ts";
import type { MonitorLookups } from "./MonitorLookups.ts";
import type { MonitorState } from "./MonitorState.ts";
import {
  crashLoopMessage,
  deploymentMessage,
  firstStopMessage,
  type Link,
  recoveredMessage,
  serviceActionMessage,
} from "./messages.ts";
import { type Subject, subjectOfServiceArn, subjectOfTask } from "./subjects.ts";

export interface MonitorContext {
  readonly state: MonitorState;
  readonly lookups: MonitorLookups;
  readonly config: AutopilotConfig["monitor"];
  readonly table: StateTable;
  readonly now?: () => Date;
}

/** What the monitor made of one event: what it did, and the messages to send (usually none). */
export interface MonitorResult {
  readonly action: string;
  readonly detail?: string;
  readonly messages: ReadonlyArray<{ readonly subject: Subject; readonly message: SlackMessage }>;
}

/** The service a deployment or service action event is about (its `resources`). */
function serviceSubject(event: { resources: string[]; region: string }): Subject | undefined {
  const serviceArn = event.resources.find((r) => r.includes(":service/"));
  return serviceArn ? subjectOfServiceArn(serviceArn, event.region) : undefined;
}

const serviceLinks = (subject: Subject): Link[] => [
  { label: "service", url: serviceLink(subject.region, subject.clusterName, subject.name) },
];

const quiet = (action: string, detail?: string): MonitorResult => ({
  action,
  ...(detail ? { detail } : {}),
  messages: [],
});

async function stopLinks(
  context: MonitorContext,
  subject: Subject,
  detail: EcsTaskStateChangeEvent["detail"],
  classification: StopClassification,
): Promise<Link[]> {
  const links: Link[] = [];
  if (subject.isService)
    links.push({ label: "service", url: serviceLink(subject.region, subject.clusterName, subject.name) });
  links.push({ label: "task", url: taskLink(subject.region, subject.clusterName, detail.taskArn) });
  const stream = await context.lookups.logStream(
    detail.taskDefinitionArn,
    classification.container,
    detail.taskArn,
  );
  if (stream) links.push({ label: "logs", url: logStreamLink(subject.region, stream.group, stream.stream) });
  return links;
}

/**
 * An "ECS Task State Change": classify the stop, count it once per task, and decide:
 * update an open incident (quiet), open a crash-loop incident (one message), alert on a first
 * stop of a serious class (once per cooldown), or stay quiet.
 */
export async function monitorTaskStateChange(
  event: EcsTaskStateChangeEvent,
  context: MonitorContext,
): Promise<MonitorResult> {
  const { detail } = event;
  const classification = classifyStop(detail);
  if (!classification) return quiet("ignored", `task is ${detail.lastStatus}, nothing stopped`);
  const subject = subjectOfTask(detail.clusterArn, detail.group, event.region);
  const stopKey =
    classification.container && detail.lastStatus !== "STOPPED" && detail.desiredStatus !== "STOPPED"
      ? `${detail.taskArn}#${classification.container}`
      : detail.taskArn;
  if (!(await context.state.claimTaskStop(stopKey)))
    return quiet("duplicate", "this stop was already counted");
  await context.state.recordStopStats(subject.key, classification.stopClass, classification.abnormal);
  /** One message per service, cause and cooldown for the classes in `alertOnFirstStop`. */
  const alertOnce = async (extra: { imageExists?: boolean } = {}): Promise<MonitorResult | undefined> => {
    const { alertOnFirstStop, cooldownMinutes } = context.config;
    if (!alertOnFirstStop.includes(classification.stopClass)) return undefined;
    if (!(await context.state.claimAlert(`${subject.key}#${classification.stopClass}`, cooldownMinutes)))
      return undefined;
    const links = await stopLinks(context, subject, detail, classification);
    return {
      action: "alerted",
      detail: classification.stopClass,
      messages: [
        { subject, message: firstStopMessage({ subject, classification, cooldownMinutes, links, ...extra }) },
      ],
    };
  };
  // Normal stops never count towards a crash loop; some (Spot reclaims) are still worth a line.
  if (!classification.abnormal) return (await alertOnce()) ?? quiet("normal-stop", classification.stopClass);

  const stop = {
    stopClass: classification.stopClass,
    reason: classification.evidence,
    taskArn: detail.taskArn,
  };
  const open = await context.state.updateIncident(subject.key, stop);
  if (open) return quiet("incident-updated", `${open.stops} stops so far`);

  const { stops: threshold, withinMinutes } = context.config.crashLoop;
  const { stops: recent, since } = await context.state.countStop(subject.key, withinMinutes);
  const imageExists = classification.image
    ? await context.lookups.imageExists(classification.image)
    : undefined;
  const exists = imageExists === undefined ? {} : { imageExists };
  if (recent >= threshold) {
    const opened = await context.state.openIncident({
      serviceArn: subject.key,
      firstStopAt: since.toISOString(),
      stops: recent,
      lastClass: classification.stopClass,
      lastReason: classification.evidence,
      lastTaskArn: detail.taskArn,
    });
    if (!opened) return quiet("incident-updated", "another invocation opened the incident");
    const links = await stopLinks(context, subject, detail, classification);
    return {
      action: "incident-opened",
      messages: [
        {
          subject,
          message: crashLoopMessage({
            subject,
            stops: recent,
            withinMinutes,
            classification,
            links,
            ...exists,
          }),
        },
      ],
    };
  }
  const alerted = await alertOnce(exists);
  if (alerted) return alerted;
  return quiet("counted", `${recent} of ${threshold} stops within ${withinMinutes} min`);
}

/**
 * An "ECS Deployment State Change": FAILED and rollbacks alert with the images involved;
 * COMPLETED confirms deployments the redeploy flow started; the rest stays quiet.
 */
export async function monitorDeploymentStateChange(
  event: EcsDeploymentStateChangeEvent,
  context: MonitorContext,
): Promise<MonitorResult> {
  const { detail } = event;
  const subject = serviceSubject(event);
  if (!subject) return quiet("ignored", "the event names no service");
  const serviceArn = subject.key;
  const links = serviceLinks(subject);
  const rollingBack =
    detail.eventName === "SERVICE_DEPLOYMENT_IN_PROGRESS" && /rolling back/i.test(detail.reason ?? "");
  const kind =
    detail.eventName === "SERVICE_DEPLOYMENT_FAILED"
      ? ("failed" as const)
      : rollingBack
        ? ("rolling-back" as const)
        : detail.eventName === "SERVICE_DEPLOYMENT_COMPLETED"
          ? ("completed" as const)
          : undefined;
  if (!kind) return quiet("ignored", detail.eventName);
  const redeploy = await findRedeployment(context.table, detail.deploymentId);
  if (kind === "completed" && !redeploy)
    return quiet("ignored", "completed deployment not started by ecs-autopilot");
  if (!(await context.state.claimAlert(`${serviceArn}#deployment-${kind}#${detail.deploymentId}`, 24 * 60)))
    return quiet("duplicate", `${kind} of ${detail.deploymentId} was already reported`);
  const { found, deployments } = await context.lookups.deploymentImages(subject.clusterName, subject.name);
  return {
    action: `deployment-${kind}`,
    messages: [
      {
        subject,
        message: deploymentMessage({
          subject,
          kind,
          deploymentId: detail.deploymentId,
          ...(detail.reason ? { reason: detail.reason } : {}),
          deployments,
          serviceFound: found,
          ...(redeploy ? { redeploy } : {}),
          links,
        }),
      },
    ],
  };
}

/**
 * An "ECS Service Action": placement failures and impaired starts alert (once per cooldown);
 * steady state closes an open crash-loop incident with one recovery message.
 */
export async function monitorServiceAction(
  event: EcsServiceActionEvent,
  context: MonitorContext,
): Promise<MonitorResult> {
  const { detail } = event;
  const subject = serviceSubject(event);
  if (!subject) return quiet("ignored", "the event names no service");
  const serviceArn = subject.key;
  const links = serviceLinks(subject);
  const cooldownMinutes = context.config.cooldownMinutes;
  switch (detail.eventName) {
    case "SERVICE_STEADY_STATE": {
      const incident = await context.state.closeIncident(subject.key);
      if (!incident) return quiet("steady", "no open incident");
      const now = (context.now ?? (() => new Date()))();
      return {
        action: "recovered",
        messages: [{ subject, message: recoveredMessage({ subject, incident, now, links }) }],
      };
    }
    case "SERVICE_TASK_PLACEMENT_FAILURE":
    case "SERVICE_TASK_START_IMPAIRED": {
      const kind =
        detail.eventName === "SERVICE_TASK_PLACEMENT_FAILURE"
          ? ("placement-failure" as const)
          : ("start-impaired" as const);
      if (!(await context.state.claimAlert(`${serviceArn}#${kind}#${detail.reason ?? ""}`, cooldownMinutes)))
        return quiet("duplicate", `${kind} already reported within ${cooldownMinutes} min`);
      const hint =
        kind === "placement-failure"
          ? capacityHint(detail.reason)
          : "tasks keep failing to start: the task stop alerts for this service name the cause (image pull, secrets, health checks, exit codes)";
      return {
        action: kind,
        messages: [
          {
            subject,
            message: serviceActionMessage({
              subject,
              kind,
              ...(detail.reason ? { reason: detail.reason } : {}),
              hint,
              ...(detail.capacityProviderArns ? { capacityProviders: detail.capacityProviderArns } : {}),
              cooldownMinutes,
              links,
            }),
          },
        ],
      };
    }
    default:
      return quiet("ignored", detail.eventName);
  }
}
