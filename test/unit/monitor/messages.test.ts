/**
 * The monitor's Slack alerts: the text a person acts on. Each test builds its inputs the way the
 * monitor does — stops classified from the AWS sample "ECS Task State Change" (sandbox's
 * stoppedTaskEvent), subjects from the AWS sample events' ARNs (test/fixtures/events), hints
 * from capacityHint, stuck tasks from tasksThatStay — and asserts the whole message: which
 * cause, which numbers, which links, singular or plural, and what is left out when absent.
 */
import { describe, expect, it } from "vitest";
import { EcsTaskStateChangeEvent } from "../../../core/events/index.ts";
import { instanceSubject } from "../../../core/monitor/containerInstanceEvent.ts";
import {
  capacityHint,
  classifyStop,
  logStreamLink,
  serviceLink,
  subjectOfServiceArn,
  subjectOfTask,
  taskLink,
  tasksThatStay,
} from "../../../core/monitor/index.ts";
import type { Incident } from "../../../core/monitor/MonitorState.ts";
import {
  containerInstanceMessage,
  crashLoopMessage,
  deploymentMessage,
  firstStopMessage,
  type Link,
  recoveredMessage,
  serviceActionMessage,
} from "../../../core/monitor/messages.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { loadFixture } from "../../support/fixtures.ts";

// --- Task stops: the AWS sample stop (us-east-2, container `voterintake`) as a task of service `api`.
const REGION = "us-east-2";
const TASK_ID = "e9511a82-9247-4239-89e9-ffd548ed9ee4";
const stop = (options: Omit<Parameters<typeof stoppedTaskEvent>[0], "id" | "taskId" | "service">) => {
  const event = EcsTaskStateChangeEvent.parse(
    stoppedTaskEvent({ id: "e", taskId: TASK_ID, service: "api", ...options }),
  );
  const classification = classifyStop(event.detail);
  if (!classification) throw new Error("not a stop");
  return { classification, detail: event.detail };
};
const OOM = stop({
  exitCode: 137,
  containerReason: "OutOfMemoryError: Container killed due to memory usage",
});
const TASK_SUBJECT = subjectOfTask(OOM.detail.clusterArn, OOM.detail.group, REGION);
const SERVICE_URL = serviceLink(REGION, "primary-cluster", "api");
const TASK_URL = taskLink(REGION, "primary-cluster", OOM.detail.taskArn);
const LOGS_URL = logStreamLink(REGION, "/ecs/voterintake", `ecs/voterintake/${TASK_ID}`);
const STOP_LINKS: Link[] = [
  { label: "service", url: SERVICE_URL },
  { label: "task", url: TASK_URL },
  { label: "logs", url: LOGS_URL },
];
const STOP_LINKS_TEXT = `<${SERVICE_URL}|service>  ·  <${TASK_URL}|task>  ·  <${LOGS_URL}|logs>`;
const PULL =
  "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: 667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2: not found";
const IMAGE_PULL = stop({
  stopCode: "TaskFailedToStart",
  stoppedReason: "Task failed to start",
  containerReason: PULL,
});
const PULL_NEXT =
  "check that the tag/digest exists, the execution role may pull from the repository, and the subnet reaches ECR (NAT or VPC endpoints)";

// --- Service events: the AWS samples' service (us-west-2, cluster `default`, service `servicetest`).
const SERVICE_EVENT = loadFixture("ecs-deployment-state-change-failed.json");
const SERVICE_ARN = (SERVICE_EVENT.resources as string[])[0] ?? "";
const SERVICE = subjectOfServiceArn(SERVICE_ARN, "us-west-2");
const SERVICE_LINK = serviceLink("us-west-2", "default", "servicetest");
const SERVICE_LINKS: Link[] = [{ label: "service", url: SERVICE_LINK }];

describe("crashLoopMessage: a service's tasks keep stopping", () => {
  it("says how many stops in how many minutes, the latest cause with its container and exit code, the evidence, the next step and the links", () => {
    expect(OOM.classification).toMatchObject({
      stopClass: "out-of-memory",
      container: "voterintake",
      exitCode: 137,
    });
    expect(
      crashLoopMessage({
        subject: TASK_SUBJECT,
        stops: 3,
        withinMinutes: 10,
        classification: OOM.classification,
        links: STOP_LINKS,
      }),
    ).toEqual({
      text: "Crash loop: primary-cluster/api: 3 tasks stopped within 10 min (out-of-memory)",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Crash loop: primary-cluster/api" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":rotating_light: 3 tasks stopped within 10 minutes. Latest cause:\n" +
              "*out-of-memory* (container `voterintake`, exit 137): the container was killed for using more memory than its limit (exit 137 / OutOfMemoryError).\n" +
              "> Essential container in task exited — OutOfMemoryError: Container killed due to memory usage\n" +
              "*Next:* raise the container or task memory, or find the leak; `autopilot:rightsize` uses these OOM counts",
          },
        },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: STOP_LINKS_TEXT },
            { type: "mrkdwn", text: "further stops update this incident quietly; recovery is reported once" },
          ],
        },
      ],
    });
  });

  it("says whether the image that could not be pulled exists in ECR", () => {
    const section = (imageExists?: boolean) =>
      crashLoopMessage({
        subject: TASK_SUBJECT,
        stops: 4,
        withinMinutes: 15,
        classification: IMAGE_PULL.classification,
        links: STOP_LINKS,
        ...(imageExists !== undefined ? { imageExists } : {}),
      }).blocks[1];
    const cause = (image: string) =>
      ":rotating_light: 4 tasks stopped within 15 minutes. Latest cause:\n" +
      "*image-pull* (container `voterintake`): ECS could not pull the container image (CannotPullContainerError).\n" +
      `${image}\n` +
      `> Task failed to start — ${PULL}\n` +
      `*Next:* ${PULL_NEXT}`;
    expect(section(false)).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: cause("Image `667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2` is *not* in ECR."),
      },
    });
    expect(section(true)).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: cause("Image `667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2` exists in ECR."),
      },
    });
    // Not looked up: the image is named, nothing is claimed about it.
    expect(section()).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: cause("Image `667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2`."),
      },
    });
  });
});

describe("firstStopMessage: the first stop of a class worth a message on its own", () => {
  it("names the class, container and exit code, the evidence, the next step, the links and the cooldown", () => {
    const failed = stop({ exitCode: 1 });
    expect(failed.classification).toMatchObject({ stopClass: "application-error", exitCode: 1 });
    expect(
      firstStopMessage({
        subject: TASK_SUBJECT,
        classification: failed.classification,
        cooldownMinutes: 30,
        links: STOP_LINKS,
      }),
    ).toEqual({
      text: "primary-cluster/api: task stopped (application-error)",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Task stopped: primary-cluster/api" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":warning: *application-error* (container `voterintake`, exit 1): the application exited with an error.\n" +
              "> Essential container in task exited\n" +
              "*Next:* read the container's last log lines (link below); a crash at start is often missing config or a bad release",
          },
        },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: STOP_LINKS_TEXT },
            { type: "mrkdwn", text: "same cause stays quiet for 30 min" },
          ],
        },
      ],
    });
  });

  it("leaves out the parentheses when the cause names no container and no exit code, and the image line when it names no image", () => {
    const secrets = stop({
      stopCode: "TaskFailedToStart",
      stoppedReason:
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-2:667471847564:secret:db-XXXX",
    });
    expect(secrets.classification).not.toHaveProperty("container");
    expect(secrets.classification).not.toHaveProperty("exitCode");
    const message = firstStopMessage({
      subject: TASK_SUBJECT,
      classification: secrets.classification,
      imageExists: false,
      cooldownMinutes: 60,
      links: [{ label: "task", url: TASK_URL }],
    });
    expect(message.text).toBe("primary-cluster/api: task stopped (secrets)");
    expect(message.blocks.slice(1)).toEqual([
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            ":warning: *secrets*: ECS could not fetch a secret or SSM parameter for the task (ResourceInitializationError).\n" +
            "> ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-2:667471847564:secret:db-XXXX\n" +
            "*Next:* check that the secret/parameter exists, and that the execution role may read it (and decrypt it with its KMS key)",
        },
      },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: `<${TASK_URL}|task>` },
          { type: "mrkdwn", text: "same cause stays quiet for 60 min" },
        ],
      },
    ]);
  });

  it("names the image a pull failed for and whether ECR has it", () => {
    const section = firstStopMessage({
      subject: TASK_SUBJECT,
      classification: IMAGE_PULL.classification,
      imageExists: true,
      cooldownMinutes: 30,
      links: STOP_LINKS,
    }).blocks[1];
    expect(section).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          ":warning: *image-pull* (container `voterintake`): ECS could not pull the container image (CannotPullContainerError).\n" +
          "Image `667471847564.dkr.ecr.us-east-2.amazonaws.com/voterintake:v2` exists in ECR.\n" +
          `> Task failed to start — ${PULL}\n` +
          `*Next:* ${PULL_NEXT}`,
      },
    });
  });
});

describe("recoveredMessage: a crash loop is over", () => {
  const incident: Incident = {
    serviceArn: TASK_SUBJECT.key,
    openedAt: "2026-11-27T10:04:00.000Z",
    firstStopAt: "2026-11-27T10:00:00.000Z",
    stops: 5,
    lastClass: "application-error",
    lastReason: "Essential container in task exited",
    lastTaskArn: OOM.detail.taskArn,
    status: "recovered",
  };

  it("says how many stops over how many minutes since the first, when the incident opened, and the last cause", () => {
    expect(
      recoveredMessage({
        subject: TASK_SUBJECT,
        incident,
        now: new Date("2026-11-27T10:37:20Z"),
        links: [{ label: "service", url: SERVICE_URL }],
      }),
    ).toEqual({
      text: "Recovered: primary-cluster/api is steady again after 5 stops over 37 min",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Recovered: primary-cluster/api" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":white_check_mark: Steady again after *5* abnormal task stops over 37 min (incident opened 2026-11-27T10:04:00.000Z).\n" +
              "Last cause: *application-error*: Essential container in task exited",
          },
        },
        { type: "context", elements: [{ type: "mrkdwn", text: `<${SERVICE_URL}|service>` }] },
      ],
    });
  });

  it("rounds the minutes to the nearest and never says less than 1 min", () => {
    const minutes = (now: string) =>
      recoveredMessage({ subject: TASK_SUBJECT, incident, now: new Date(now), links: [] }).text;
    expect(minutes("2026-11-27T10:00:00Z")).toBe(
      "Recovered: primary-cluster/api is steady again after 5 stops over 1 min",
    );
    expect(minutes("2026-11-27T10:02:30Z")).toBe(
      "Recovered: primary-cluster/api is steady again after 5 stops over 3 min",
    );
    expect(minutes("2026-11-27T12:00:00Z")).toBe(
      "Recovered: primary-cluster/api is steady again after 5 stops over 120 min",
    );
  });
});

describe("deploymentMessage: a deployment failed, rolls back, or one ecs-autopilot started completed", () => {
  const deployments = [
    {
      deploymentId: "ecs-svc/123",
      status: "PRIMARY",
      taskDefinition: "servicetest:4",
      images: ["111122223333.dkr.ecr.us-west-2.amazonaws.com/servicetest:1.4.3"],
    },
    {
      deploymentId: "ecs-svc/122",
      status: "ACTIVE",
      taskDefinition: "servicetest:3",
      images: [
        "111122223333.dkr.ecr.us-west-2.amazonaws.com/servicetest:1.4.2",
        "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
      ],
    },
  ];
  const detail = (file: string) => loadFixture(file).detail as { deploymentId: string; reason: string };

  it("failed: ECS's reason, and every deployment with its status, revision and images", () => {
    const failed = detail("ecs-deployment-state-change-failed.json");
    expect(
      deploymentMessage({
        subject: SERVICE,
        kind: "failed",
        deploymentId: failed.deploymentId,
        reason: failed.reason,
        deployments,
        serviceFound: true,
        links: SERVICE_LINKS,
      }),
    ).toEqual({
      text: "Deployment failed: default/servicetest (ecs-svc/123)",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Deployment failed: default/servicetest" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":x: Deployment failed: deployment `ecs-svc/123` of *default/servicetest*\n" +
              "> ECS deployment circuit breaker: task failed to start.\n" +
              "Images involved:\n" +
              "• `ecs-svc/123` PRIMARY `servicetest:4`: `111122223333.dkr.ecr.us-west-2.amazonaws.com/servicetest:1.4.3`\n" +
              "• `ecs-svc/122` ACTIVE `servicetest:3`: `111122223333.dkr.ecr.us-west-2.amazonaws.com/servicetest:1.4.2`, `public.ecr.aws/aws-observability/aws-for-fluent-bit:stable`",
          },
        },
        { type: "context", elements: [{ type: "mrkdwn", text: `<${SERVICE_LINK}|service>` }] },
      ],
    });
  });

  it("rolling back, started by ecs-autopilot: the push it came from (repository:tag, short digest, event), and a service gone from the account", () => {
    const rollback = detail("ecs-deployment-state-change-in-progress-rollback.json");
    const push = loadFixture("ecr-image-action-push.json");
    const message = deploymentMessage({
      subject: SERVICE,
      kind: "rolling-back",
      deploymentId: rollback.deploymentId,
      reason: rollback.reason,
      deployments: [],
      serviceFound: false,
      redeploy: {
        deploymentId: rollback.deploymentId,
        serviceArn: SERVICE_ARN,
        repository: "my-repository-name",
        tag: "latest",
        digest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234",
        taskDefinitionArn: "arn:aws:ecs:us-west-2:111122223333:task-definition/servicetest:4",
        eventId: String(push.id),
      },
      links: SERVICE_LINKS,
    });
    expect(message.text).toBe("Deployment rolling back: default/servicetest (ecs-svc/123)");
    expect(message.blocks.slice(0, 2)).toEqual([
      { type: "header", text: { type: "plain_text", text: "Deployment rolling back: default/servicetest" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            ":leftwards_arrow_with_hook: Deployment rolling back: deployment `ecs-svc/123` of *default/servicetest*\n" +
            "> ECS deployment circuit breaker: rolling back to deploymentId deploymentID.\n" +
            `Started by ecs-autopilot redeploy: \`my-repository-name:latest\` (sha256:7f5b2640fe6f…), event ${push.id}\n` +
            "_The service is not in this account and region any more; images unknown._",
        },
      },
    ]);
  });

  it("completed, without a reason and with the service found but no deployments read: only the first line and the origin", () => {
    const message = deploymentMessage({
      subject: SERVICE,
      kind: "completed",
      deploymentId: "ecs-svc/123",
      serviceFound: true,
      redeploy: {
        deploymentId: "ecs-svc/123",
        serviceArn: SERVICE_ARN,
        repository: "my-repository-name",
        tag: "latest",
        digest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234",
        taskDefinitionArn: "arn:aws:ecs:us-west-2:111122223333:task-definition/servicetest:4",
        eventId: "13cde686-328b-6117-af20-3f2d0f3e1b9a",
      },
      links: SERVICE_LINKS,
    });
    expect(message.text).toBe("Deployed: default/servicetest (ecs-svc/123)");
    expect(message.blocks.slice(0, 2)).toEqual([
      { type: "header", text: { type: "plain_text", text: "Deployed: default/servicetest" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            ":white_check_mark: Deployed: deployment `ecs-svc/123` of *default/servicetest*\n" +
            "Started by ecs-autopilot redeploy: `my-repository-name:latest` (sha256:7f5b2640fe6f…), event 13cde686-328b-6117-af20-3f2d0f3e1b9a",
        },
      },
    ]);
  });
});

describe("serviceActionMessage: tasks cannot be placed, or fail to start", () => {
  it("placement failure on EC2 (RESOURCE:CPU): the reason, what to do about it, the cooldown", () => {
    const event = loadFixture("ecs-service-action-task-placement-failure-ec2-cpu.json");
    const reason = (event.detail as { reason: string }).reason;
    expect(
      serviceActionMessage({
        subject: SERVICE,
        kind: "placement-failure",
        reason,
        hint: capacityHint(reason),
        cooldownMinutes: 30,
        links: SERVICE_LINKS,
      }),
    ).toEqual({
      text: "Tasks cannot be placed: default/servicetest (RESOURCE:CPU)",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Tasks cannot be placed: default/servicetest" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: ":construction: *RESOURCE:CPU*: no container instance has enough free CPU for the task: turn on managed scaling for the cluster's capacity provider (or raise the Auto Scaling group's maximum), or lower the task's CPU reservation",
          },
        },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: `<${SERVICE_LINK}|service>` },
            { type: "mrkdwn", text: "same cause stays quiet for 30 min" },
          ],
        },
      ],
    });
  });

  it("placement failure on Fargate Spot: names the capacity providers by their short names", () => {
    const event = loadFixture("ecs-service-action-task-placement-failure-fargate-spot.json");
    const { reason, capacityProviderArns } = event.detail as {
      reason: string;
      capacityProviderArns: string[];
    };
    const section = (capacityProviders: readonly string[]) =>
      serviceActionMessage({
        subject: SERVICE,
        kind: "placement-failure",
        reason,
        hint: capacityHint(reason),
        capacityProviders,
        cooldownMinutes: 30,
        links: SERVICE_LINKS,
      }).blocks[1];
    const text = (providers: string) =>
      `:construction: *RESOURCE:FARGATE*: ${capacityHint("RESOURCE:FARGATE")}${providers}`;
    expect(section(capacityProviderArns)).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: text("\nCapacity providers: `FARGATE_SPOT`") },
    });
    expect(
      section([...capacityProviderArns, "arn:aws:ecs:us-west-2:111122223333:capacity-provider/FARGATE"]),
    ).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: text("\nCapacity providers: `FARGATE_SPOT`, `FARGATE`") },
    });
    // An empty list names none.
    expect(section([])).toEqual({ type: "section", text: { type: "mrkdwn", text: text("") } });
  });

  it("start impaired (the sample has no reason): the title, no reason in the text or the section, the hint", () => {
    const hint =
      "tasks keep failing to start: the task stop alerts for this service name the cause (image pull, secrets, health checks, exit codes)";
    expect(
      serviceActionMessage({
        subject: SERVICE,
        kind: "start-impaired",
        hint,
        cooldownMinutes: 45,
        links: SERVICE_LINKS,
      }),
    ).toEqual({
      text: "Tasks fail to start: default/servicetest",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Tasks fail to start: default/servicetest" } },
        { type: "section", text: { type: "mrkdwn", text: `:construction: ${hint}` } },
        {
          type: "context",
          elements: [
            { type: "mrkdwn", text: `<${SERVICE_LINK}|service>` },
            { type: "mrkdwn", text: "same cause stays quiet for 45 min" },
          ],
        },
      ],
    });
  });
});

describe("containerInstanceMessage: an agent away, a drain that leaves tasks, an instance leaving with tasks", () => {
  const sample = loadFixture("ecs-container-instance-state-change.json").detail as {
    clusterArn: string;
    containerInstanceArn: string;
    ec2InstanceId: string;
  };
  const INSTANCE = instanceSubject(
    sample.containerInstanceArn,
    sample.clusterArn,
    "us-east-1",
    sample.ec2InstanceId,
  );
  const AGENT_NEXT =
    "check the instance (EC2 status checks), then the agent: `sudo systemctl status ecs` and `/var/log/ecs/ecs-agent.log` (SSM Session Manager); if it does not come back, drain and replace the instance";

  it("agent disconnected: for how long, the tasks running and waiting, what to check; told once a day", () => {
    expect(
      containerInstanceMessage({
        subject: INSTANCE,
        kind: "agent-disconnected",
        status: "ACTIVE",
        minutes: 12,
        runningTasks: 3,
        pendingTasks: 2,
      }),
    ).toEqual({
      text: "ECS agent disconnected: default/i-f3a8506b",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "ECS agent disconnected: default/i-f3a8506b" } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":electric_plug: The ECS agent on `i-f3a8506b` has been disconnected for 12 min (3 tasks running); 2 tasks wait to start there and cannot. ECS places nothing on it while it is away.\n" +
              `*Next:* ${AGENT_NEXT}`,
          },
        },
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: "status ACTIVE · told once a day per instance" }],
        },
      ],
    });
  });

  it("agent disconnected: one task is singular, no pending task and no running count are left out", () => {
    const section = (input: { runningTasks?: number; pendingTasks?: number }) =>
      containerInstanceMessage({
        subject: INSTANCE,
        kind: "agent-disconnected",
        status: "ACTIVE",
        minutes: 7,
        ...input,
      }).blocks[1];
    const text = (middle: string) => ({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `:electric_plug: The ECS agent on \`i-f3a8506b\` has been disconnected for 7 min${middle}. ECS places nothing on it while it is away.\n*Next:* ${AGENT_NEXT}`,
      },
    });
    expect(section({ runningTasks: 1, pendingTasks: 1 })).toEqual(
      text(" (1 task running); 1 task waits to start there and cannot"),
    );
    expect(section({ runningTasks: 0, pendingTasks: 0 })).toEqual(text(" (0 tasks running)"));
    expect(section({})).toEqual(text(""));
  });

  it("draining with tasks that stay: how many of how many, each task's id, group and why, what to do", () => {
    const TASKS = "arn:aws:ecs:us-east-1:111122223333:task/default/";
    const stuck = tasksThatStay(
      [
        { taskArn: `${TASKS}0b69d5c0d0a64fe3bc1ac4ab7ed0c2a1`, group: "family:nightly-report" },
        { taskArn: `${TASKS}5ffd3b0d3e4b4b9a9c2d1f0e8a7b6c5d`, group: "service:ledger" },
      ],
      new Map([["ledger", { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 } }]]),
    );
    expect(
      containerInstanceMessage({
        subject: INSTANCE,
        kind: "draining-stuck",
        status: "DRAINING",
        runningTasks: 5,
        stuck,
      }),
    ).toEqual({
      text: "Draining instance keeps tasks: default/i-f3a8506b",
      blocks: [
        {
          type: "header",
          text: { type: "plain_text", text: "Draining instance keeps tasks: default/i-f3a8506b" },
        },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":hourglass: `i-f3a8506b` is DRAINING, and 2 of its 5 tasks will not move:\n" +
              "• `0b69d5c0d0a64fe3bc1ac4ab7ed0c2a1` (family:nightly-report): belongs to no service: ECS does not stop or replace it\n" +
              "• `5ffd3b0d3e4b4b9a9c2d1f0e8a7b6c5d` (service:ledger): service ledger has minimumHealthyPercent 100 and maximumPercent 100: ECS can neither start a replacement first nor stop the task first\n" +
              "*Next:* stop the standalone tasks (`aws ecs stop-task`) or let them finish; for a service, lower minimumHealthyPercent or raise maximumPercent so ECS can replace its tasks",
          },
        },
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: "status DRAINING · told once a day per instance" }],
        },
      ],
    });
  });

  it.each([
    [10, ""],
    [11, "\n…and 1 more"],
    [14, "\n…and 4 more"],
  ])(
    "draining with %i tasks that stay: lists the first ten, counts them all, says how many more",
    (count, more) => {
      const stuck = Array.from({ length: count }, (_, i) => ({
        taskArn: `arn:aws:ecs:us-east-1:111122223333:task/default/task${i + 1}`,
        group: "family:nightly-report",
        why: "belongs to no service: ECS does not stop or replace it",
      }));
      const section = containerInstanceMessage({
        subject: INSTANCE,
        kind: "draining-stuck",
        status: "DRAINING",
        runningTasks: 20,
        stuck,
      }).blocks[1];
      const lines = Array.from(
        { length: 10 },
        (_, i) =>
          `• \`task${i + 1}\` (family:nightly-report): belongs to no service: ECS does not stop or replace it`,
      );
      expect(section).toEqual({
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:hourglass: \`i-f3a8506b\` is DRAINING, and ${count} of its 20 tasks will not move:\n${lines.join("\n")}${more}\n*Next:* stop the standalone tasks (\`aws ecs stop-task\`) or let them finish; for a service, lower minimumHealthyPercent or raise maximumPercent so ECS can replace its tasks`,
        },
      });
    },
  );

  it("leaving with tasks: its status and ECS's reason, the tasks running, what happens to them, what to check", () => {
    expect(
      containerInstanceMessage({
        subject: INSTANCE,
        kind: "leaving",
        status: "DEREGISTERING",
        statusReason: "Instance deregistration forced by user",
        runningTasks: 1,
      }),
    ).toEqual({
      text: "Instance leaving the cluster with tasks: default/i-f3a8506b",
      blocks: [
        {
          type: "header",
          text: { type: "plain_text", text: "Instance leaving the cluster with tasks: default/i-f3a8506b" },
        },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text:
              ":warning: `i-f3a8506b` is DEREGISTERING (1 task running): service tasks are replaced elsewhere if there is room, standalone tasks are gone.\n" +
              "> Instance deregistration forced by user\n" +
              "*Next:* if nobody meant this: check the Auto Scaling group's activity history and the instance's EC2 scheduled events (instance-retirement); drain instances before terminating them (managed termination protection or a lifecycle hook)",
          },
        },
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: "status DEREGISTERING · told once a day per instance" }],
        },
      ],
    });
  });
});
