import type { STOP_CLASS_NAMES } from "../config/index.ts";
import type { EcsTaskStateChangeEvent } from "../events/schemas.ts";
import { SERVICE_TAGS } from "../tags.ts";

/** Why a task (or one of its containers) stopped, in the words an on-call engineer uses. */
export type StopClass = (typeof STOP_CLASS_NAMES)[number];

export interface StopClassification {
  readonly stopClass: StopClass;
  /** Abnormal stops count towards crash loops and can alert; normal ones stay quiet. */
  readonly abnormal: boolean;
  /** The container the cause points at, when there is one. */
  readonly container?: string;
  readonly exitCode?: number;
  /** The repository of an image that could not be pulled. */
  readonly image?: string;
  /** ECS's own words: stoppedReason and the container's reason. */
  readonly evidence: string;
  /** One line: what happened. */
  readonly explanation: string;
  /** One line: what to do next. */
  readonly nextStep: string;
}

type Detail = EcsTaskStateChangeEvent["detail"];
type Container = Detail["containers"][number];

const CLASSES: Record<StopClass, { abnormal: boolean; explanation: string; nextStep: string }> = {
  "out-of-memory": {
    abnormal: true,
    explanation:
      "the container was killed for using more memory than its limit (exit 137 / OutOfMemoryError)",
    nextStep: `raise the container or task memory, or find the leak; \`${SERVICE_TAGS.rightsize}\` uses these OOM counts`,
  },
  "application-error": {
    abnormal: true,
    explanation: "the application exited with an error",
    nextStep:
      "read the container's last log lines (link below); a crash at start is often missing config or a bad release",
  },
  "image-pull": {
    abnormal: true,
    explanation: "ECS could not pull the container image (CannotPullContainerError)",
    nextStep:
      "check that the tag/digest exists, the execution role may pull from the repository, and the subnet reaches ECR (NAT or VPC endpoints)",
  },
  secrets: {
    abnormal: true,
    explanation: "ECS could not fetch a secret or SSM parameter for the task (ResourceInitializationError)",
    nextStep:
      "check that the secret/parameter exists, and that the execution role may read it (and decrypt it with its KMS key)",
  },
  "elb-health-check": {
    abnormal: true,
    explanation: "the load balancer's health checks failed and ECS replaced the task",
    nextStep:
      "check the target group's health check path and port, the container's start-up time (healthCheckGracePeriodSeconds) and security groups",
  },
  "container-health-check": {
    abnormal: true,
    explanation: "the container's own health check failed and ECS replaced the task",
    nextStep: "run the health check command in the container; raise startPeriod if the app starts slowly",
  },
  "spot-interruption": {
    abnormal: false,
    explanation: "Fargate Spot or EC2 Spot reclaimed the capacity; ECS starts a replacement",
    nextStep: "nothing, unless it is frequent: then mix FARGATE into the capacity provider strategy",
  },
  "host-terminated": {
    abnormal: false,
    explanation: "the container instance was stopped, terminated or drained",
    nextStep:
      "nothing if the instance was replaced on purpose; otherwise check the Auto Scaling group's activity",
  },
  "scale-in": {
    abnormal: false,
    explanation: "the service scheduler stopped the task (scale-in or rebalancing)",
    nextStep: "nothing to do",
  },
  "replaced-by-deployment": {
    abnormal: false,
    explanation: "a deployment replaced the task",
    nextStep: "nothing to do",
  },
  "user-stop": {
    abnormal: false,
    explanation: "someone stopped the task (StopTask)",
    nextStep: "nothing to do",
  },
  completed: {
    abnormal: false,
    explanation: "the task's essential container finished with exit code 0",
    nextStep: "nothing to do",
  },
  unknown: {
    abnormal: true,
    explanation: "the task stopped for a reason ecs-autopilot does not know",
    nextStep: "read stoppedReason and the container reasons below",
  },
};

function classified(
  stopClass: StopClass,
  evidence: string,
  extra: Partial<StopClassification> = {},
): StopClassification {
  return { stopClass, evidence, ...CLASSES[stopClass], ...extra };
}

function evidenceOf(detail: Detail, container?: Container): string {
  return (
    [detail.stoppedReason, container?.reason].filter((t): t is string => Boolean(t)).join(" — ") ||
    "(no reason given)"
  );
}

/** Whether ECS's words (a container's reason, often absent) match `pattern`. */
const says = (text: string | undefined, pattern: RegExp): boolean => pattern.test(text ?? "");

/** The repository named in a CannotPullContainerError, e.g. `…/shop/web:1.5.0`. */
function pulledImage(text: string, containers: readonly Container[]): string | undefined {
  const ref =
    /(?:ref|image|pull)\s+"?([a-z0-9.-]+(?::\d+)?\/[^\s":]+(?::[\w.-]+)?(?:@sha256:[a-f0-9]+)?)/i.exec(
      text,
    )?.[1];
  return ref ?? containers.find((c) => c.image)?.image;
}

/**
 * Whether the task itself is stopping or stopped — ECS wants it STOPPED or says it is — rather
 * than running on with one of its containers exited.
 *
 * @example
 * taskStopping({ desiredStatus: "STOPPED", lastStatus: "DEPROVISIONING" }); // true
 */
export function taskStopping(detail: Pick<Detail, "desiredStatus" | "lastStatus">): boolean {
  return detail.desiredStatus === "STOPPED" || detail.lastStatus === "STOPPED";
}

/**
 * Classifies a task stop from the real "ECS Task State Change" fields: `stopCode`,
 * `stoppedReason`, and the containers' `exitCode` and `reason`. Returns undefined when the
 * event is not a stop (a task starting, or running with all containers up).
 *
 * @example
 * classifyStop(event.detail)?.stopClass; // "out-of-memory"
 */
export function classifyStop(detail: Detail): StopClassification | undefined {
  if (!taskStopping(detail)) return classifyContainerExit(detail);
  const reason = detail.stoppedReason ?? "";
  const stopCode = detail.stopCode;
  const containers = detail.containers;

  const oom = containers.find((c) => says(c.reason, /OutOfMemory/i) || c.exitCode === 137);
  if (oom)
    return classified("out-of-memory", evidenceOf(detail, oom), {
      container: oom.name,
      exitCode: oom.exitCode ?? 137,
    });
  if (
    /CannotPullContainerError/i.test(reason) ||
    containers.some((c) => says(c.reason, /CannotPullContainerError/i))
  ) {
    const failed = containers.find((c) => says(c.reason, /CannotPullContainerError/i));
    const image = pulledImage(`${reason} ${failed?.reason ?? ""}`, failed ? [failed] : containers);
    return classified("image-pull", evidenceOf(detail, failed), {
      ...(failed ? { container: failed.name } : {}),
      ...(image ? { image } : {}),
    });
  }
  if (
    /ResourceInitializationError|unable to (pull|retrieve) secrets?|ssm parameter|secretsmanager|asm:/i.test(
      reason,
    )
  )
    return classified("secrets", evidenceOf(detail));
  if (/ELB health checks?/i.test(reason)) return classified("elb-health-check", evidenceOf(detail));
  if (/container health checks?/i.test(reason))
    return classified("container-health-check", evidenceOf(detail));
  if (stopCode === "SpotInterruption" || /Spot Task was interrupted/i.test(reason))
    return classified("spot-interruption", evidenceOf(detail));
  if (stopCode === "TerminationNotice" || /Host EC2|instance .*(terminated|stopped)|draining/i.test(reason))
    return classified("host-terminated", evidenceOf(detail));
  if (stopCode === "UserInitiated") return classified("user-stop", evidenceOf(detail));
  if (stopCode === "ServiceSchedulerInitiated" || /Scaling activity initiated by/i.test(reason)) {
    return /deployment/i.test(reason)
      ? classified("replaced-by-deployment", evidenceOf(detail))
      : classified("scale-in", evidenceOf(detail));
  }
  const failed = containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
  if (failed)
    return classified("application-error", evidenceOf(detail, failed), {
      container: failed.name,
      exitCode: failed.exitCode ?? 1,
    });
  // No container failed (above): every exit code is 0 or absent.
  if (stopCode === "EssentialContainerExited") return classified("completed", evidenceOf(detail));
  return classified("unknown", evidenceOf(detail));
}

/** A non-essential container that exited inside a task that keeps running (see the 2016 sample). */
function classifyContainerExit(detail: Detail): StopClassification | undefined {
  const exited = detail.containers.find((c) => c.lastStatus === "STOPPED");
  if (!exited) return undefined;
  if (exited.exitCode === 137 || says(exited.reason, /OutOfMemory/i))
    return classified("out-of-memory", evidenceOf(detail, exited), { container: exited.name, exitCode: 137 });
  if (exited.exitCode !== undefined && exited.exitCode !== 0)
    return classified("application-error", evidenceOf(detail, exited), {
      container: exited.name,
      exitCode: exited.exitCode,
    });
  return classified("completed", evidenceOf(detail, exited), {
    container: exited.name,
    ...(exited.exitCode !== undefined ? { exitCode: exited.exitCode } : {}),
  });
}
