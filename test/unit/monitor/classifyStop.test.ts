import { describe, expect, it } from "vitest";
import { EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import { classifyStop, type StopClass } from "../../../core/monitor/index.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { loadFixture } from "../../support/fixtures.ts";

/** What each class tells the on-call engineer happened (the first line of the alert). */
const EXPLANATIONS: Record<StopClass, string> = {
  "out-of-memory":
    "the container was killed for using more memory than its limit (exit 137 / OutOfMemoryError)",
  "application-error": "the application exited with an error",
  "image-pull": "ECS could not pull the container image (CannotPullContainerError)",
  secrets: "ECS could not fetch a secret or SSM parameter for the task (ResourceInitializationError)",
  "elb-health-check": "the load balancer's health checks failed and ECS replaced the task",
  "container-health-check": "the container's own health check failed and ECS replaced the task",
  "spot-interruption": "Fargate Spot or EC2 Spot reclaimed the capacity; ECS starts a replacement",
  "host-terminated": "the container instance was stopped, terminated or drained",
  "scale-in": "the service scheduler stopped the task (scale-in or rebalancing)",
  "replaced-by-deployment": "a deployment replaced the task",
  "user-stop": "someone stopped the task (StopTask)",
  completed: "the task's essential container finished with exit code 0",
  unknown: "the task stopped for a reason ecs-autopilot does not know",
};

const classify = (event: Record<string, unknown>) =>
  classifyStop(EcsTaskStateChangeEvent.parse(event).detail);
const variation = (options: Omit<Parameters<typeof stoppedTaskEvent>[0], "id" | "taskId">) =>
  classify(stoppedTaskEvent({ id: "e", taskId: "t", service: "web", ...options }));

describe("classifyStop on the real AWS samples", () => {
  it("keeps a finished batch task (exit 0, EssentialContainerExited) quiet", () => {
    const result = classify(loadFixture("ecs-task-state-change-deprovisioning-stopcode-captured.json"));
    expect(result).toMatchObject({ stopClass: "completed", abnormal: false });
  });

  it("sees no stop in a running task", () => {
    expect(classify(loadFixture("ecs-task-state-change-running-fargate.json"))).toBeUndefined();
  });

  it("notices a non-essential container that exited inside a running task (2016 sample: exit 0, quiet)", () => {
    expect(classify(loadFixture("ecs-task-state-change-ec2-container-stopped-2016.json"))).toMatchObject({
      stopClass: "completed",
      container: "xray",
      abnormal: false,
    });
  });
});

describe("classifyStop on variations of the captured sample", () => {
  it.each([
    [
      { exitCode: 137, containerReason: "OutOfMemoryError: Container killed due to memory usage" },
      "out-of-memory",
      true,
    ],
    [{ exitCode: 137 }, "out-of-memory", true],
    [{ exitCode: 1 }, "application-error", true],
    [
      {
        stopCode: "TaskFailedToStart",
        stoppedReason:
          "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: not found",
      },
      "image-pull",
      true,
    ],
    [
      {
        stopCode: "TaskFailedToStart",
        stoppedReason:
          "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-2:667471847564:secret:db-XXXX",
      },
      "secrets",
      true,
    ],
    [
      {
        stopCode: "ServiceSchedulerInitiated",
        stoppedReason:
          "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-2:667471847564:targetgroup/web/0123456789abcdef)",
      },
      "elb-health-check",
      true,
    ],
    [
      { stopCode: "ServiceSchedulerInitiated", stoppedReason: "Task failed container health checks" },
      "container-health-check",
      true,
    ],
    [
      { stopCode: "SpotInterruption", stoppedReason: "Your Spot Task was interrupted." },
      "spot-interruption",
      false,
    ],
    [{ stopCode: "UserInitiated", stoppedReason: "Task stopped by user" }, "user-stop", false],
    [
      {
        stopCode: "ServiceSchedulerInitiated",
        stoppedReason: "Scaling activity initiated by (deployment ecs-svc/8045142836464123456)",
      },
      "replaced-by-deployment",
      false,
    ],
  ])("%o → %s", (options, stopClass, abnormal) => {
    const result = variation(options);
    expect(result?.stopClass).toBe(stopClass);
    expect(result?.abnormal).toBe(abnormal);
    expect(result?.explanation).toBe(EXPLANATIONS[stopClass as StopClass]);
    expect(result?.evidence).toBe(
      [
        "stoppedReason" in options ? options.stoppedReason : "Essential container in task exited",
        "containerReason" in options ? options.containerReason : undefined,
      ]
        .filter(Boolean)
        .join(" — "),
    );
  });

  it("names the image a pull failed for", () => {
    const result = variation({
      stopCode: "TaskFailedToStart",
      stoppedReason:
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: not found",
    });
    expect(result?.image).toBe("667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2");
  });
});

describe("classifyStop: a container that stops inside a task that keeps running", () => {
  /** The 2016 sample (task RUNNING, its xray container STOPPED) with the container changed. */
  const running = (change: Record<string, unknown>, drop: string[] = []) => {
    const sample = loadFixture("ecs-task-state-change-ec2-container-stopped-2016.json");
    const detail = sample.detail as { containers: Array<Record<string, unknown>> };
    const container: Record<string, unknown> = { ...detail.containers[0], ...change };
    for (const key of drop) delete container[key];
    return classify({ ...sample, detail: { ...detail, containers: [container] } });
  };

  it("calls exit 137 out-of-memory and names the container", () => {
    expect(running({ exitCode: 137 })).toMatchObject({
      stopClass: "out-of-memory",
      abnormal: true,
      container: "xray",
      exitCode: 137,
      evidence: "(no reason given)",
    });
    expect(
      running({ reason: "OutOfMemoryError: Container killed due to memory usage" }, ["exitCode"]),
    ).toMatchObject({
      stopClass: "out-of-memory",
      container: "xray",
      exitCode: 137,
      evidence: "OutOfMemoryError: Container killed due to memory usage",
    });
  });

  it("calls another non-zero exit an application error with its code, exit 0 completed, and a running container nothing", () => {
    expect(running({ exitCode: 2 })).toMatchObject({
      stopClass: "application-error",
      abnormal: true,
      container: "xray",
      exitCode: 2,
    });
    expect(running({ exitCode: 0 })).toMatchObject({ stopClass: "completed", abnormal: false, exitCode: 0 });
    expect(running({}, ["exitCode"])).toEqual(
      expect.objectContaining({ stopClass: "completed", container: "xray" }),
    );
    expect(running({}, ["exitCode"])).not.toHaveProperty("exitCode");
    expect(running({ lastStatus: "RUNNING" })).toBeUndefined();
  });
});

describe("classifyStop: the causes told apart", () => {
  const PULL =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: not found";

  it("sees CannotPullContainerError in the container's reason, naming the container and the image", () => {
    expect(
      variation({
        stopCode: "TaskFailedToStart",
        stoppedReason: "Task failed to start",
        containerReason: PULL,
      }),
    ).toMatchObject({
      stopClass: "image-pull",
      abnormal: true,
      container: "voterintake",
      image: "667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2",
      evidence: `Task failed to start — ${PULL}`,
    });
    // Without a reference in the words, the image is the container's own.
    expect(
      variation({
        stopCode: "TaskFailedToStart",
        stoppedReason: "Task failed to start",
        containerReason: "CannotPullContainerError: access denied",
      }),
    ).toMatchObject({
      image: "667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake",
      container: "voterintake",
    });
    // In stoppedReason only, no container is blamed.
    const fromTask = variation({ stopCode: "TaskFailedToStart", stoppedReason: PULL });
    expect(fromTask).toMatchObject({ stopClass: "image-pull" });
    expect(fromTask).not.toHaveProperty("container");
  });

  it("puts out-of-memory before every other cause of the same stop", () => {
    expect(
      variation({
        exitCode: 137,
        stopCode: "ServiceSchedulerInitiated",
        stoppedReason: "Task failed container health checks",
      }),
    ).toMatchObject({ stopClass: "out-of-memory", exitCode: 137 });
  });

  it.each([
    [{ stoppedReason: "ResourceInitializationError: failed to fetch ssm parameter /prod/db" }, "secrets"],
    [{ stoppedReason: "Fetching secret data from secretsmanager failed" }, "secrets"],
    [{ stoppedReason: "unable to retrieve secret from asm: not found" }, "secrets"],
    [{ stoppedReason: "Task failed ELB health check" }, "elb-health-check"],
    [{ stoppedReason: "Task failed container health check" }, "container-health-check"],
    [{ stoppedReason: "Your Spot Task was interrupted." }, "spot-interruption"],
    [{ stopCode: "SpotInterruption", stoppedReason: "" }, "spot-interruption"],
    [{ stopCode: "TerminationNotice", stoppedReason: "" }, "host-terminated"],
    [{ stoppedReason: "Host EC2 (instance i-0123456789abcdef0) terminated." }, "host-terminated"],
    [{ stoppedReason: "Container instance i-0123 stopped" }, "host-terminated"],
    [{ stoppedReason: "Container instance is draining" }, "host-terminated"],
    [{ stopCode: "UserInitiated", stoppedReason: "" }, "user-stop"],
    [
      { stopCode: "ServiceSchedulerInitiated", stoppedReason: "Scaling activity initiated by (service web)" },
      "scale-in",
    ],
    [{ stoppedReason: "Scaling activity initiated by (deployment ecs-svc/1)" }, "replaced-by-deployment"],
    [{ stopCode: "ServiceSchedulerInitiated", stoppedReason: "Service web: task replaced" }, "scale-in"],
    [{ stopCode: "EssentialContainerExited" }, "completed"],
    [
      { stopCode: "TaskFailedToStart", stoppedReason: "Timeout waiting for network interface provisioning" },
      "unknown",
    ],
  ])("%o → %s", (options, stopClass) => {
    const result = variation(options);
    expect(result?.stopClass).toBe(stopClass);
    expect(result?.abnormal).toBe(
      ![
        "spot-interruption",
        "host-terminated",
        "user-stop",
        "scale-in",
        "replaced-by-deployment",
        "completed",
      ].includes(stopClass),
    );
  });

  it("says '(no reason given)' when ECS gave none, and blames a failed container's exit code", () => {
    expect(variation({ stopCode: "EssentialContainerExited", stoppedReason: "" })?.evidence).toBe(
      "(no reason given)",
    );
    expect(variation({ exitCode: 3 })).toMatchObject({
      stopClass: "application-error",
      container: "voterintake",
      exitCode: 3,
    });
  });
});
