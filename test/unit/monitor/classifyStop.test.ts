import { describe, expect, it } from "vitest";
import { EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import { classifyStop, type StopClass, taskStopping } from "../../../core/monitor/index.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
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

/** What each class tells the on-call engineer to do next (the alert's "Next:" line). */
const NEXT_STEPS: Record<StopClass, string> = {
  "out-of-memory": `raise the container or task memory, or find the leak; \`${SERVICE_TAGS.rightsize}\` uses these OOM counts`,
  "application-error":
    "read the container's last log lines (link below); a crash at start is often missing config or a bad release",
  "image-pull":
    "check that the tag/digest exists, the execution role may pull from the repository, and the subnet reaches ECR (NAT or VPC endpoints)",
  secrets:
    "check that the secret/parameter exists, and that the execution role may read it (and decrypt it with its KMS key)",
  "elb-health-check":
    "check the target group's health check path and port, the container's start-up time (healthCheckGracePeriodSeconds) and security groups",
  "container-health-check":
    "run the health check command in the container; raise startPeriod if the app starts slowly",
  "spot-interruption": "nothing, unless it is frequent: then mix FARGATE into the capacity provider strategy",
  "host-terminated":
    "nothing if the instance was replaced on purpose; otherwise check the Auto Scaling group's activity",
  "scale-in": "nothing to do",
  "replaced-by-deployment": "nothing to do",
  "user-stop": "nothing to do",
  completed: "nothing to do",
  unknown: "read stoppedReason and the container reasons below",
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
    expect(result?.nextStep).toBe(NEXT_STEPS[stopClass as StopClass]);
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
    expect(result?.explanation).toBe(EXPLANATIONS[stopClass as StopClass]);
    expect(result?.nextStep).toBe(NEXT_STEPS[stopClass as StopClass]);
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

describe("classifyStop: a task that stops or stopped, whatever the other status says", () => {
  it("takes a task ECS wants STOPPED, or says is STOPPED, for a stopping task", () => {
    expect(taskStopping({ desiredStatus: "STOPPED", lastStatus: "DEPROVISIONING" })).toBe(true);
    expect(taskStopping({ desiredStatus: "RUNNING", lastStatus: "STOPPED" })).toBe(true);
    expect(taskStopping({ desiredStatus: "RUNNING", lastStatus: "RUNNING" })).toBe(false);
  });

  it("classifies a task whose last status is STOPPED as a task stop, not a container's exit, though its desired status still reads RUNNING", () => {
    const event = stoppedTaskEvent({ id: "e", taskId: "t", service: "web", exitCode: 2 });
    const detail = event.detail as Record<string, unknown>;
    expect(
      classify({ ...event, detail: { ...detail, lastStatus: "STOPPED", desiredStatus: "RUNNING" } }),
    ).toMatchObject({ stopClass: "application-error", container: "voterintake", exitCode: 2 });
    // The same task with no container stopped yet: a stop of unknown cause, never "nothing stopped".
    const containers = (detail.containers as Array<Record<string, unknown>>).map(
      ({ exitCode: _exitCode, ...container }) => ({ ...container, lastStatus: "RUNNING" }),
    );
    expect(
      classify({
        ...event,
        detail: {
          ...detail,
          lastStatus: "STOPPED",
          desiredStatus: "RUNNING",
          stopCode: "TaskFailedToStart",
          stoppedReason: "Timeout waiting for network interface provisioning",
          containers,
        },
      }),
    ).toMatchObject({ stopClass: "unknown", abnormal: true });
  });
});

describe("classifyStop: the container to blame", () => {
  /** The captured sample's container without the `drop` fields, changed, and a sidecar beside it. */
  const twoContainers = (
    options: Omit<Parameters<typeof stoppedTaskEvent>[0], "id" | "taskId">,
    app: Record<string, unknown>,
    sidecar: Record<string, unknown>,
    drop: string[] = [],
  ) => {
    const event = stoppedTaskEvent({ id: "e", taskId: "t", service: "web", ...options });
    const detail = event.detail as Record<string, unknown> & { containers: Array<Record<string, unknown>> };
    const base: Record<string, unknown> = { ...detail.containers[0] };
    for (const key of drop) delete base[key];
    const containers = [
      { ...base, ...app },
      { ...base, name: "log-router", ...sidecar },
    ];
    return classify({ ...event, detail: { ...detail, containers } });
  };

  it("blames the one container whose image could not be pulled, and names its image", () => {
    expect(
      twoContainers(
        { stopCode: "TaskFailedToStart", stoppedReason: "Task failed to start" },
        {},
        {
          image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
          reason:
            'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable": unexpected status code 403 Forbidden',
        },
        ["exitCode"],
      ),
    ).toMatchObject({
      stopClass: "image-pull",
      container: "log-router",
      image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
    });
  });

  it("takes an OutOfMemoryError without an exit code for exit 137", () => {
    expect(
      twoContainers(
        {},
        { reason: "OutOfMemoryError: Container killed due to memory usage" },
        { lastStatus: "STOPPED" },
        ["exitCode"],
      ),
    ).toMatchObject({ stopClass: "out-of-memory", container: "voterintake", exitCode: 137 });
  });

  it("never blames a container that has no exit code (it never ran) for an application error", () => {
    expect(
      twoContainers(
        {
          stopCode: "TaskFailedToStart",
          stoppedReason: "Timeout waiting for network interface provisioning",
        },
        {},
        {},
        ["exitCode"],
      ),
    ).toMatchObject({ stopClass: "unknown", abnormal: true });
    // One exited 0, the other has no exit code: the task completed.
    expect(twoContainers({}, { exitCode: 0 }, {}, ["exitCode"])).toMatchObject({ stopClass: "completed" });
  });

  it("reads a secret named in the singular as a secret", () => {
    expect(
      variation({
        stopCode: "TaskFailedToStart",
        stoppedReason: "unable to retrieve secret from ssm: service call has been retried 1 time(s)",
      }),
    ).toMatchObject({ stopClass: "secrets", abnormal: true });
  });
});

describe("classifyStop: the image a pull failed for", () => {
  const DIGEST = `sha256:${"7110eb6305145e51da2c7242f43b0db24866d036a5871cde0e3169c6f10bf72c"}`;
  const pull = (stoppedReason: string) => variation({ stopCode: "TaskFailedToStart", stoppedReason })?.image;

  it.each([
    [
      "a registry with a port",
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com:5000/shop/web:1.5.0: not found",
      "registry.example.com:5000/shop/web:1.5.0",
    ],
    [
      "a tag pinned to a digest",
      `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2@${DIGEST}": not found`,
      `667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2@${DIGEST}`,
    ],
    [
      "a reference without a tag",
      'CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "docker.io/shop/web": not found',
      "docker.io/shop/web",
    ],
    [
      "a reference after a line break",
      "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref\n  docker.io/shop/web:1.5.0: not found",
      "docker.io/shop/web:1.5.0",
    ],
    [
      "no reference at all (the task's own container image)",
      "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
      "667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake",
    ],
  ])("%s", (_case, reason, image) => {
    expect(pull(reason)).toBe(image);
  });
});
