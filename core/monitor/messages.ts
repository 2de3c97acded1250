import {
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import type { RedeploymentRecord } from "../state/index.ts";
import type { StopClassification } from "./classifyStop.ts";
import type { Incident } from "./MonitorState.ts";
import type { Subject } from "./subjects.ts";

export interface Link {
  readonly label: string;
  readonly url: string;
}

const name = (s: Subject) => `${s.clusterName}/${s.name}`;
const links = (list: readonly Link[]) => list.map((l) => `<${l.url}|${escapeMrkdwn(l.label)}>`).join("  ·  ");
const minutesBetween = (from: string, to: Date) =>
  Math.max(1, Math.round((to.getTime() - new Date(from).getTime()) / 60_000));

function cause(c: StopClassification, imageExists?: boolean): string {
  const where = [
    c.container ? `container \`${escapeMrkdwn(c.container)}\`` : "",
    c.exitCode !== undefined ? `exit ${c.exitCode}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const image =
    c.image !== undefined
      ? `\nImage \`${escapeMrkdwn(c.image)}\`${imageExists === true ? " exists in ECR" : imageExists === false ? " is *not* in ECR" : ""}.`
      : "";
  return `*${c.stopClass}*${where ? ` (${where})` : ""}: ${escapeMrkdwn(c.explanation)}.${image}\n> ${escapeMrkdwn(c.evidence)}\n*Next:* ${escapeMrkdwn(c.nextStep)}`;
}

/** A service's tasks keep stopping: one message when the incident opens. */
export function crashLoopMessage(input: {
  subject: Subject;
  stops: number;
  withinMinutes: number;
  classification: StopClassification;
  imageExists?: boolean;
  links: readonly Link[];
}): SlackMessage {
  const { subject, classification } = input;
  return {
    text: `Crash loop: ${name(subject)}: ${input.stops} tasks stopped within ${input.withinMinutes} min (${classification.stopClass})`,
    blocks: capBlocks([
      header(`Crash loop: ${name(subject)}`),
      section(
        `:rotating_light: ${input.stops} tasks stopped within ${input.withinMinutes} minutes. Latest cause:\n${cause(classification, input.imageExists)}`,
      ),
      context(links(input.links), "further stops update this incident quietly; recovery is reported once"),
    ]),
  };
}

/** The first stop of a class that is worth a message on its own (OOM, image pull, secrets). */
export function firstStopMessage(input: {
  subject: Subject;
  classification: StopClassification;
  imageExists?: boolean;
  cooldownMinutes: number;
  links: readonly Link[];
}): SlackMessage {
  const { subject, classification } = input;
  return {
    text: `${name(subject)}: task stopped (${classification.stopClass})`,
    blocks: capBlocks([
      header(`Task stopped: ${name(subject)}`),
      section(`:warning: ${cause(classification, input.imageExists)}`),
      context(links(input.links), `same cause stays quiet for ${input.cooldownMinutes} min`),
    ]),
  };
}

export function recoveredMessage(input: {
  subject: Subject;
  incident: Incident;
  now: Date;
  links: readonly Link[];
}): SlackMessage {
  const { subject, incident } = input;
  const minutes = minutesBetween(incident.firstStopAt, input.now);
  return {
    text: `Recovered: ${name(subject)} is steady again after ${incident.stops} stops over ${minutes} min`,
    blocks: capBlocks([
      header(`Recovered: ${name(subject)}`),
      section(
        `:white_check_mark: Steady again after *${incident.stops}* abnormal task stops over ${minutes} min (incident opened ${incident.openedAt}).\nLast cause: *${incident.lastClass}*: ${escapeMrkdwn(incident.lastReason)}`,
      ),
      context(links(input.links)),
    ]),
  };
}

/** Whether DescribeServices found the service: yes, gone (absent or INACTIVE), or not read (the error's name). */
export type ServiceFound = boolean | { readonly unreadable: string };

export interface DeploymentImages {
  readonly deploymentId: string;
  readonly status: string;
  readonly taskDefinition: string;
  readonly images: readonly string[];
}

export function deploymentMessage(input: {
  subject: Subject;
  kind: "failed" | "rolling-back" | "completed";
  deploymentId: string;
  reason?: string;
  deployments?: readonly DeploymentImages[];
  serviceFound: ServiceFound;
  redeploy?: RedeploymentRecord;
  links: readonly Link[];
}): SlackMessage {
  const { subject } = input;
  const title = {
    failed: "Deployment failed",
    "rolling-back": "Deployment rolling back",
    completed: "Deployed",
  }[input.kind];
  const icon = {
    failed: ":x:",
    "rolling-back": ":leftwards_arrow_with_hook:",
    completed: ":white_check_mark:",
  }[input.kind];
  const lines = (input.deployments ?? []).map(
    (d) =>
      `• \`${escapeMrkdwn(d.deploymentId)}\` ${d.status} \`${escapeMrkdwn(d.taskDefinition)}\`: ${d.images.map((i) => `\`${escapeMrkdwn(i)}\``).join(", ")}`,
  );
  const origin = input.redeploy
    ? `Started by ecs-autopilot redeploy: \`${escapeMrkdwn(input.redeploy.repository)}:${escapeMrkdwn(input.redeploy.tag ?? "")}\` (${input.redeploy.digest.slice(0, 19)}…), event ${escapeMrkdwn(input.redeploy.eventId)}`
    : "";
  const body = [
    `${icon} ${title}: deployment \`${escapeMrkdwn(input.deploymentId)}\` of *${escapeMrkdwn(name(subject))}*`,
    input.reason ? `> ${escapeMrkdwn(input.reason)}` : "",
    origin,
    lines.length > 0
      ? `Images involved:\n${lines.join("\n")}`
      : input.serviceFound === true
        ? ""
        : input.serviceFound === false
          ? "_The service is not in this account and region any more; images unknown._"
          : `_The service could not be read (ECS answered ${escapeMrkdwn(input.serviceFound.unreadable)}); images unknown._`,
  ].filter(Boolean);
  return {
    text: `${title}: ${name(subject)} (${input.deploymentId})`,
    blocks: capBlocks([
      header(`${title}: ${name(subject)}`),
      section(body.join("\n")),
      context(links(input.links)),
    ]),
  };
}

export function serviceActionMessage(input: {
  subject: Subject;
  kind: "placement-failure" | "start-impaired";
  reason?: string;
  hint: string;
  capacityProviders?: readonly string[];
  cooldownMinutes: number;
  links: readonly Link[];
}): SlackMessage {
  const { subject } = input;
  const title = input.kind === "placement-failure" ? "Tasks cannot be placed" : "Tasks fail to start";
  const providers = input.capacityProviders?.length
    ? `\nCapacity providers: ${input.capacityProviders.map((p) => `\`${escapeMrkdwn(p.slice(p.lastIndexOf("/") + 1))}\``).join(", ")}`
    : "";
  return {
    text: `${title}: ${name(subject)}${input.reason ? ` (${input.reason})` : ""}`,
    blocks: capBlocks([
      header(`${title}: ${name(subject)}`),
      section(
        `:construction: ${input.reason ? `*${escapeMrkdwn(input.reason)}*: ` : ""}${escapeMrkdwn(input.hint)}${providers}`,
      ),
      context(links(input.links), `same cause stays quiet for ${input.cooldownMinutes} min`),
    ]),
  };
}

/** A task a draining instance keeps, and why ECS will not move it. */
export interface StuckTask {
  readonly taskArn: string;
  readonly group: string;
  readonly why: string;
}

/** A container instance worth a message: agent disconnected, drain that leaves tasks, leaving with tasks. */
export function containerInstanceMessage(input: {
  subject: Subject;
  kind: "agent-disconnected" | "draining-stuck" | "leaving";
  status: string;
  statusReason?: string;
  minutes?: number;
  pendingTasks?: number;
  runningTasks?: number;
  stuck?: readonly StuckTask[];
}): SlackMessage {
  const { subject } = input;
  const where = `${subject.clusterName}/${subject.name}`;
  const reason = input.statusReason ? `\n> ${escapeMrkdwn(input.statusReason)}` : "";
  const tasks = (n: number | undefined) =>
    n === undefined ? "" : ` (${n} task${n === 1 ? "" : "s"} running)`;
  let title: string;
  let body: string;
  let next: string;
  switch (input.kind) {
    case "agent-disconnected":
      title = "ECS agent disconnected";
      body = `:electric_plug: The ECS agent on \`${escapeMrkdwn(subject.name)}\` has been disconnected for ${input.minutes ?? 0} min${tasks(input.runningTasks)}${input.pendingTasks ? `; ${input.pendingTasks} task${input.pendingTasks === 1 ? " waits" : "s wait"} to start there and cannot` : ""}. ECS places nothing on it while it is away.`;
      next =
        "check the instance (EC2 status checks), then the agent: `sudo systemctl status ecs` and `/var/log/ecs/ecs-agent.log` (SSM Session Manager); if it does not come back, drain and replace the instance";
      break;
    case "draining-stuck":
      title = "Draining instance keeps tasks";
      body = `:hourglass: \`${escapeMrkdwn(subject.name)}\` is DRAINING, and ${input.stuck?.length ?? 0} of its ${input.runningTasks ?? 0} tasks will not move:\n${(
        input.stuck ?? []
      )
        .slice(0, 10)
        .map(
          (t) =>
            `• \`${escapeMrkdwn(t.taskArn.slice(t.taskArn.lastIndexOf("/") + 1))}\` (${escapeMrkdwn(t.group)}): ${escapeMrkdwn(t.why)}`,
        )
        .join(
          "\n",
        )}${(input.stuck?.length ?? 0) > 10 ? `\n…and ${(input.stuck?.length ?? 0) - 10} more` : ""}`;
      next =
        "stop the standalone tasks (`aws ecs stop-task`) or let them finish; for a service, lower minimumHealthyPercent or raise maximumPercent so ECS can replace its tasks";
      break;
    case "leaving":
      title = "Instance leaving the cluster with tasks";
      body = `:warning: \`${escapeMrkdwn(subject.name)}\` is ${escapeMrkdwn(input.status)}${tasks(input.runningTasks)}: service tasks are replaced elsewhere if there is room, standalone tasks are gone.`;
      next =
        "if nobody meant this: check the Auto Scaling group's activity history and the instance's EC2 scheduled events (instance-retirement); drain instances before terminating them (managed termination protection or a lifecycle hook)";
      break;
  }
  return {
    text: `${title}: ${where}`,
    blocks: capBlocks([
      header(`${title}: ${where}`),
      section(`${body}${reason}\n*Next:* ${escapeMrkdwn(next)}`),
      context(`status ${escapeMrkdwn(input.status)} · told once a day per instance`),
    ]),
  };
}
