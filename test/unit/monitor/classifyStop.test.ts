import { describe, expect, it } from "vitest";
import { EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import { classifyStop } from "../../../core/monitor/index.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { loadFixture } from "../../support/fixtures.ts";

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
    expect(result?.explanation.length).toBeGreaterThan(10);
    expect(result?.nextStep.length).toBeGreaterThan(5);
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
