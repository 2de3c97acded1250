import type { AutopilotConfig } from "../config/index.ts";
import type {
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
} from "../events/schemas.ts";
import type { SlackMessage } from "../notify/SlackMessage.ts";
import { findRedeployment, REDRIVE_HORIZON_SECONDS, type StateTable } from "../state/index.ts";
import { capacityHint } from "./capacityHint.ts";
import { classifyStop, type StopClassification, taskStopping } from "./classifyStop.ts";
import { logStreamLink, serviceLink, taskLink } from "./consoleLinks.ts";
import type { MonitorLookups } from "./MonitorLookups.ts";
import type { Incident, MonitorState } from "./MonitorState.ts";
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

/** A message about a subject, told once per `kind`/`id` within `seconds` (decided after delivery). */
export interface MonitorMessage {
  readonly subject: Subject;
  readonly message: SlackMessage;
  readonly once: { readonly kind: string; readonly id: string; readonly seconds: number };
}

/** What the monitor made of one event: what it did, and the messages to send (usually none). */
export interface MonitorResult {
  readonly action: string;
  readonly detail?: string;
  readonly messages: readonly MonitorMessage[];
}

/**
 * How long a "tell once" of one occurrence (an incident's opening, its recovery, a deployment's
 * outcome) is kept: its id names the occurrence, so no later one is held back by it, and its event
 * may be redriven from the dead-letter queue until {@link REDRIVE_HORIZON_SECONDS} after it was
 * first handled — it must then still read as told. (Alerts of a cause are told once per cooldown
 * instead: their id is the cause, and a later stop of the same cause is news after the cooldown.)
 */
export const OCCURRENCE_TOLD_SECONDS = REDRIVE_HORIZON_SECONDS;

/** Kinds of "tell once" the monitor uses (the delivery step keeps them; `told` reads them). */
const ONCE = {
  alert: "alert",
  incident: "incident",
  recovery: "recovery",
  deployment: "deployment",
} as const;

/** The service a deployment or service action event is about (its `resources`). */
function serviceSubject(event: {
  resources: string[];
  region: string;
  detail: Record<string, unknown>;
}): Subject | undefined {
  const serviceArn = event.resources.find((r) => r.includes(":service/"));
  const clusterArn = typeof event.detail.clusterArn === "string" ? event.detail.clusterArn : undefined;
  return serviceArn ? subjectOfServiceArn(serviceArn, event.region, clusterArn) : undefined;
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
 * An "ECS Task State Change": classify the stop, count it exactly once, and decide: update an
 * open incident (quiet), open a crash-loop incident (one message), alert on a first stop of a
 * serious class (once per cooldown), or stay quiet. The decision is repeatable: a retry of the
 * same event decides again (the stop is not counted twice) and its messages are told once.
 */
export async function monitorTaskStateChange(
  event: EcsTaskStateChangeEvent,
  context: MonitorContext,
): Promise<MonitorResult> {
  const { detail } = event;
  const classification = classifyStop(detail);
  if (!classification) return quiet("ignored", `task is ${detail.lastStatus}, nothing stopped`);
  const subject = subjectOfTask(detail.clusterArn, detail.group, event.region);
  // Every event of a stopping or stopped task is the one stop of that task; a container that
  // exited in a task that runs on (classifyStop names it) is a stop of its own.
  const stopId = taskStopping(detail) ? detail.taskArn : `${detail.taskArn}#${classification.container}`;
  const { stops: threshold, withinMinutes } = context.config.crashLoop;
  const count = await context.state.countStopOnce({
    stopId,
    eventId: event.id,
    serviceArn: subject.key,
    stopClass: classification.stopClass,
    abnormal: classification.abnormal,
    reason: classification.evidence,
    taskArn: detail.taskArn,
    windowMinutes: withinMinutes,
  });
  if (count.by === "counted-by-another-event") return quiet("duplicate", "this stop was already counted");

  /** One message per service, cause and cooldown for the classes in `alertOnFirstStop`. */
  const alertOnce = async (extra: { imageExists?: boolean } = {}): Promise<MonitorResult | undefined> => {
    const { alertOnFirstStop, cooldownMinutes } = context.config;
    if (!alertOnFirstStop.includes(classification.stopClass)) return undefined;
    const id = `${subject.key}#${classification.stopClass}`;
    if (await context.state.told(ONCE.alert, id)) return undefined;
    const links = await stopLinks(context, subject, detail, classification);
    return {
      action: "alerted",
      detail: classification.stopClass,
      messages: [
        {
          subject,
          message: firstStopMessage({ subject, classification, cooldownMinutes, links, ...extra }),
          once: { kind: ONCE.alert, id, seconds: cooldownMinutes * 60 },
        },
      ],
    };
  };
  // Normal stops never count towards a crash loop; some (Spot reclaims) are still worth a line.
  if (!classification.abnormal) return (await alertOnce()) ?? quiet("normal-stop", classification.stopClass);

  const current = count.incident;
  const crashLoop = async (incident: Incident): Promise<MonitorResult> => {
    const imageExists = classification.image
      ? await context.lookups.imageExists(classification.image)
      : undefined;
    const links = await stopLinks(context, subject, detail, classification);
    return {
      action: "incident-opened",
      messages: [
        {
          subject,
          message: crashLoopMessage({
            subject,
            stops: incident.stops,
            withinMinutes,
            classification,
            links,
            imageExists,
          }),
          once: {
            kind: ONCE.incident,
            id: `${subject.key}#${incident.openedAt}`,
            seconds: OCCURRENCE_TOLD_SECONDS,
          },
        },
      ],
    };
  };
  if (current && current.status !== "recovered") {
    // This stop opened it in an earlier attempt whose message may not have gone out: tell it (once).
    if (current.openedByStop === stopId) return crashLoop(current);
    return quiet("incident-updated", `${current.stops} stops so far`);
  }

  if (current && current.openedByStop === stopId) {
    // This stop opened the incident (now recovered) in an earlier attempt: tell that opening if it
    // never went out; it opens nothing again.
    if (!(await context.state.told(ONCE.incident, `${subject.key}#${current.openedAt}`)))
      return crashLoop(current);
    return quiet("duplicate", "this stop opened an incident that has recovered since");
  }
  // The stops that opened a recovered incident do not count towards the next one.
  const { stops: recent, since } = await context.state.recentStops(
    subject.key,
    withinMinutes,
    current?.openedAt,
  );
  if (recent >= threshold) {
    const { opened, incident } = await context.state.openIncident({
      serviceArn: subject.key,
      firstStopAt: since.toISOString(),
      stops: recent,
      lastClass: classification.stopClass,
      lastReason: classification.evidence,
      lastTaskArn: detail.taskArn,
      openedByStop: stopId,
    });
    if (!opened && incident.openedByStop !== stopId)
      return quiet("incident-updated", "another invocation opened the incident");
    return crashLoop(incident);
  }
  const imageExists = classification.image
    ? await context.lookups.imageExists(classification.image)
    : undefined;
  const alerted = await alertOnce({ imageExists });
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
  const once = {
    kind: ONCE.deployment,
    id: `${serviceArn}#${kind}#${detail.deploymentId}`,
    seconds: OCCURRENCE_TOLD_SECONDS,
  };
  if (await context.state.told(once.kind, once.id))
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
        once,
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
      const found = await context.state.recoverIncident(subject.key, event);
      if (!found) return quiet("steady", "no open incident");
      if ("predates" in found)
        return quiet("steady", "the open incident's stops came after this steady state: it stays open");
      const incident = found.recovered;
      const once = {
        kind: ONCE.recovery,
        id: `${subject.key}#${incident.openedAt}`,
        seconds: OCCURRENCE_TOLD_SECONDS,
      };
      // Recovered earlier and told: a later steady state is quiet (a retry that was not told yet tells it).
      if (await context.state.told(once.kind, once.id)) return quiet("steady", "no open incident");
      const now = incident.recoveredAt
        ? new Date(incident.recoveredAt)
        : (context.now ?? (() => new Date()))();
      return {
        action: "recovered",
        messages: [{ subject, message: recoveredMessage({ subject, incident, now, links }), once }],
      };
    }
    case "SERVICE_TASK_PLACEMENT_FAILURE":
    case "SERVICE_TASK_START_IMPAIRED": {
      const kind =
        detail.eventName === "SERVICE_TASK_PLACEMENT_FAILURE"
          ? ("placement-failure" as const)
          : ("start-impaired" as const);
      const once = {
        kind: ONCE.alert,
        id: `${serviceArn}#${kind}#${detail.reason ?? ""}`,
        seconds: cooldownMinutes * 60,
      };
      if (await context.state.told(once.kind, once.id))
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
            once,
          },
        ],
      };
    }
    default:
      return quiet("ignored", detail.eventName);
  }
}
