/**
 * The monitor's decisions on each kind of ECS event (core/monitor/monitorEvent.ts), against
 * moto's DynamoDB (the monitor's memory), ECS (task definitions for log links) and ECR (whether
 * an image exists), from AWS's documented sample events. What moto cannot produce on cue —
 * another invocation opening the incident between this one's count and its own opening — is
 * done by a middleware on this invocation's DynamoDB client, just before its PutItem is sent.
 */
import { RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { parseConfig } from "../../../core/config/index.ts";
import {
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
} from "../../../core/events/index.ts";
import {
  type MonitorContext,
  MonitorLookups,
  type MonitorResult,
  MonitorState,
  monitorDeploymentStateChange,
  monitorServiceAction,
  monitorTaskStateChange,
} from "../../../core/monitor/index.ts";
import type { SlackMessage } from "../../../core/notify/index.ts";
import {
  acquireLease,
  completeLease,
  REDRIVE_HORIZON_SECONDS,
  recordRedeployments,
  StateTable,
  stateKeys,
} from "../../../core/state/index.ts";
import { stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { ecrImage } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

/** moto's account: the one whose ECR the lookups ask. */
const ACCOUNT = "123456789012";
let world: World;
let context: MonitorContext;

async function setUp(monitor: Record<string, unknown> = {}, state?: MonitorState) {
  world = await createWorld();
  context = {
    state: state ?? new MonitorState(world.state),
    lookups: new MonitorLookups(world.clients.ecs, world.clients.ecr, ACCOUNT, REGION),
    config: parseConfig(JSON.stringify({ monitor }), "test").monitor,
    table: world.state,
  };
}

/** Delivers the result's messages the way runtime/deliver.ts claims them. */
async function delivered(result: MonitorResult): Promise<MonitorResult> {
  for (const { once } of result.messages) {
    const key = stateKeys.once(once.kind, once.id);
    expect((await acquireLease(context.table, key, "test", { leaseSeconds: 60 })).acquired).toBe(true);
    await completeLease(context.table, key, "test", { ttlSeconds: once.seconds });
  }
  return result;
}

const brief = (r: MonitorResult) => [r.action, r.detail, r.messages.map((m) => m.message.text)];

/** The links of a message (`<url|label>` in its context line), in order. */
const linksOf = (message: SlackMessage | undefined) =>
  [...JSON.stringify(message?.blocks ?? []).matchAll(/<(https:[^|>]+)\|([^>]+)>/g)].map(([, url, label]) => ({
    label,
    url,
  }));

/** The text of a message's section blocks. */
const sectionsOf = (message: SlackMessage | undefined) =>
  (message?.blocks ?? []).flatMap((b) => (b.type === "section" ? [b.text.text] : [])).join("\n");

const task = (event: Record<string, unknown>) =>
  monitorTaskStateChange(EcsTaskStateChangeEvent.parse(event), context);
const deployment = (event: Record<string, unknown>) =>
  monitorDeploymentStateChange(EcsDeploymentStateChangeEvent.parse(event), context);
const serviceAction = (event: Record<string, unknown>) =>
  monitorServiceAction(EcsServiceActionEvent.parse(event), context);

/** The 2016 sample: task RUNNING, its `xray` container STOPPED; here with exit 137 and in a service. */
function containerDied(id: string, taskId: string) {
  const sample = loadFixture("ecs-task-state-change-ec2-container-stopped-2016.json");
  const detail = sample.detail as Record<string, unknown> & { containers: Array<Record<string, unknown>> };
  const taskArn = `arn:aws:ecs:us-east-1:111122223333:task/${taskId}`;
  return {
    ...sample,
    id,
    resources: [taskArn],
    detail: {
      ...detail,
      taskArn,
      group: "service:tracing",
      containers: [{ ...detail.containers[0], taskArn, exitCode: 137 }],
    },
  };
}

/** The same task's own stop, later: ECS stops it (its essential container exited). */
function taskStopped(id: string, taskId: string) {
  const event = containerDied(id, taskId);
  return {
    ...event,
    detail: {
      ...event.detail,
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
    },
  };
}

describe("the monitor on a task state change", () => {
  beforeEach(async () => setUp());

  it("stays quiet about a task that is running, with nothing stopped (AWS's Fargate sample)", async () => {
    expect(brief(await task(loadFixture("ecs-task-state-change-running-fargate.json")))).toEqual([
      "ignored",
      "task is RUNNING, nothing stopped",
      [],
    ]);
  });

  it("links a service task's stop to the service, the task and its log stream; a standalone task's to the task and its log stream", async () => {
    const registered = await world.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "voterintake",
        containerDefinitions: [
          {
            name: "voterintake",
            image: ecrImage(REGION, "voterintake", "v2"),
            memory: 512,
            essential: true,
            logConfiguration: {
              logDriver: "awslogs",
              options: { "awslogs-group": "/ecs/voterintake", "awslogs-stream-prefix": "ecs" },
            },
          },
        ],
      }),
    );
    const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? "";
    const oom = (id: string, service?: string) =>
      stoppedTaskEvent({
        id,
        taskId: `t-${id}`,
        exitCode: 137,
        taskDefinitionArn,
        ...(service ? { service } : {}),
      });
    const logs = (id: string) => ({
      label: "logs",
      url: `https://us-east-2.console.aws.amazon.com/cloudwatch/home?region=us-east-2#logsV2:log-groups/log-group/$252Fecs$252Fvoterintake/log-events/ecs$252Fvoterintake$252Ft-${id}`,
    });
    const taskLink = (id: string) => ({
      label: "task",
      url: `https://us-east-2.console.aws.amazon.com/ecs/v2/clusters/primary-cluster/tasks/t-${id}/configuration?region=us-east-2`,
    });

    const ofService = await task(oom("s1", "intake"));
    expect(brief(ofService)).toEqual([
      "alerted",
      "out-of-memory",
      ["primary-cluster/intake: task stopped (out-of-memory)"],
    ]);
    expect(linksOf(ofService.messages[0]?.message)).toEqual([
      {
        label: "service",
        url: "https://us-east-2.console.aws.amazon.com/ecs/v2/clusters/primary-cluster/services/intake/health?region=us-east-2",
      },
      taskLink("s1"),
      logs("s1"),
    ]);

    const standalone = await task(oom("j1"));
    expect(brief(standalone)).toEqual([
      "alerted",
      "out-of-memory",
      ["primary-cluster/family:voterintake: task stopped (out-of-memory)"],
    ]);
    expect(linksOf(standalone.messages[0]?.message)).toEqual([taskLink("j1"), logs("j1")]);
  });

  it("counts a container that died inside a running task apart from the task's own stop and from other tasks' containers", async () => {
    expect(brief(await delivered(await task(containerDied("c1", "task-a"))))).toEqual([
      "alerted",
      "out-of-memory",
      ["default/tracing: task stopped (out-of-memory)"],
    ]);
    expect(brief(await task(containerDied("c2", "task-b")))).toEqual([
      "counted",
      "2 of 3 stops within 10 min",
      [],
    ]);
    // Task A stops later: its own stop, not the container's death told again.
    expect(brief(await task(taskStopped("c3", "task-a")))).toEqual([
      "incident-opened",
      undefined,
      ["Crash loop: default/tracing: 3 tasks stopped within 10 min (out-of-memory)"],
    ]);
  });

  it("says a stop was already counted when ECS reports it again in another event", async () => {
    const deprovisioning = stoppedTaskEvent({ id: "d1", taskId: "t-twice", service: "feed", exitCode: 1 });
    const stopped = {
      ...stoppedTaskEvent({ id: "d2", taskId: "t-twice", service: "feed", exitCode: 1 }),
    } as Record<string, unknown> & { detail: Record<string, unknown> };
    stopped.detail.lastStatus = "STOPPED";
    expect((await task(deprovisioning)).action).toBe("counted");
    expect(brief(await task(stopped))).toEqual(["duplicate", "this stop was already counted", []]);
  });

  it("says in the crash-loop message that the image a task could not pull is not in ECR", async () => {
    const image = ecrImage(REGION, "shop/search", "9.9.9");
    const pullFailure = (n: number) =>
      stoppedTaskEvent({
        id: `p${n}`,
        taskId: `pull-${n}`,
        account: ACCOUNT,
        region: REGION,
        cluster: "search",
        service: "search",
        stopCode: "TaskFailedToStart",
        stoppedReason: `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: not found`,
      });
    await delivered(await task(pullFailure(1)));
    await task(pullFailure(2));
    const third = await task(pullFailure(3));
    expect(brief(third)).toEqual([
      "incident-opened",
      undefined,
      ["Crash loop: search/search: 3 tasks stopped within 10 min (image-pull)"],
    ]);
    expect(sectionsOf(third.messages[0]?.message)).toContain(`Image \`${image}\` is *not* in ECR.`);
  });
});

describe("the monitor when another invocation opens the incident at the same moment", () => {
  /** A MonitorState whose first PutItem (opening the incident) is preceded by `before`. */
  function stateWith(before: () => Promise<void>): MonitorState {
    const clients = createAwsClients({ region: REGION });
    let done = false;
    (clients.dynamodb.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
        if (ctx.commandName === "PutItemCommand" && !done) {
          done = true;
          await before();
        }
        return next(args);
      },
      { step: "initialize", name: "before-PutItem" },
    );
    return new MonitorState(new StateTable(clients.documents, world.tableName));
  }
  const SERVICE = "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/api";
  const stop = (n: number) => stoppedTaskEvent({ id: `e${n}`, taskId: `t${n}`, service: "api", exitCode: 1 });
  const openedBy = (taskId: string) => ({
    serviceArn: SERVICE,
    firstStopAt: new Date().toISOString(),
    stops: 3,
    lastClass: "application-error" as const,
    lastReason: "Essential container in task exited",
    lastTaskArn: `arn:aws:ecs:us-east-2:667471847564:task/primary-cluster/${taskId}`,
    openedByStop: `arn:aws:ecs:us-east-2:667471847564:task/primary-cluster/${taskId}`,
  });

  it("stays quiet when another stop's invocation opened it: that one tells the crash loop", async () => {
    await setUp();
    context = {
      ...context,
      state: stateWith(async () => void (await new MonitorState(world.state).openIncident(openedBy("t9")))),
    };
    await task(stop(1));
    await task(stop(2));
    expect(brief(await task(stop(3)))).toEqual([
      "incident-updated",
      "another invocation opened the incident",
      [],
    ]);
  });

  it("tells the crash loop when a concurrent delivery of this same stop opened it (the tell-once claim keeps it to one post)", async () => {
    await setUp();
    context = {
      ...context,
      state: stateWith(async () => void (await new MonitorState(world.state).openIncident(openedBy("t3")))),
    };
    await task(stop(1));
    await task(stop(2));
    expect(brief(await task(stop(3)))).toEqual([
      "incident-opened",
      undefined,
      ["Crash loop: primary-cluster/api: 3 tasks stopped within 10 min (application-error)"],
    ]);
  });
});

describe("the monitor on a deployment state change (AWS's samples)", () => {
  beforeEach(async () => setUp());
  const SERVICE = "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest";

  it("ignores a deployment event whose resources name no service", async () => {
    const failed = loadFixture("ecs-deployment-state-change-failed.json");
    const noService = { ...failed, resources: ["arn:aws:ecs:us-west-2:111122223333:cluster/default"] };
    expect(brief(await deployment(noService))).toEqual(["ignored", "the event names no service", []]);
  });

  it("ignores a deployment that is only in progress, and a completed one ecs-autopilot did not start", async () => {
    expect(brief(await deployment(loadFixture("ecs-deployment-state-change-in-progress.json")))).toEqual([
      "ignored",
      "SERVICE_DEPLOYMENT_IN_PROGRESS",
      [],
    ]);
    expect(brief(await deployment(loadFixture("ecs-deployment-state-change-completed.json")))).toEqual([
      "ignored",
      "completed deployment not started by ecs-autopilot",
      [],
    ]);
  });

  it("reads a rollback only from an in-progress deployment's reason: without a reason it is ignored, a completed one stays completed", async () => {
    const inProgress = loadFixture("ecs-deployment-state-change-in-progress.json");
    const { reason: _reason, ...noReason } = inProgress.detail as Record<string, unknown>;
    expect(brief(await deployment({ ...inProgress, detail: noReason }))).toEqual([
      "ignored",
      "SERVICE_DEPLOYMENT_IN_PROGRESS",
      [],
    ]);
    await recordRedeployments(world.state, [
      {
        deploymentId: "ecs-svc/123",
        serviceArn: SERVICE,
        repository: "shop/web",
        tag: "1.5.0",
        digest: `sha256:${"c".repeat(64)}`,
        taskDefinitionArn: "arn:aws:ecs:us-west-2:111122223333:task-definition/web:7",
        eventId: "push-1",
      },
    ]);
    // The completed sample with the rollback sample's reason: the event's name decides.
    const completed = loadFixture("ecs-deployment-state-change-completed.json");
    const rollbackReason = (
      loadFixture("ecs-deployment-state-change-in-progress-rollback.json").detail as {
        reason: string;
      }
    ).reason;
    const told = await deployment({
      ...completed,
      detail: { ...(completed.detail as Record<string, unknown>), reason: rollbackReason },
    });
    expect(told.action).toBe("deployment-completed");
    expect(told.messages[0]?.once).toEqual({
      kind: "deployment",
      id: `${SERVICE}#completed#ecs-svc/123`,
      seconds: REDRIVE_HORIZON_SECONDS,
    });
  });

  it("tells a failed deployment once, for as long as its event can be redriven, linking the service", async () => {
    const failed = loadFixture("ecs-deployment-state-change-failed.json");
    const first = await delivered(await deployment(failed));
    expect(brief(first)).toEqual([
      "deployment-failed",
      undefined,
      ["Deployment failed: default/servicetest (ecs-svc/123)"],
    ]);
    expect(first.messages[0]?.once).toEqual({
      kind: "deployment",
      id: `${SERVICE}#failed#ecs-svc/123`,
      seconds: REDRIVE_HORIZON_SECONDS,
    });
    expect(linksOf(first.messages[0]?.message)).toEqual([
      {
        label: "service",
        url: "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/services/servicetest/health?region=us-west-2",
      },
    ]);
    expect(brief(await deployment({ ...failed, id: "failed-again" }))).toEqual([
      "duplicate",
      "failed of ecs-svc/123 was already reported",
      [],
    ]);
  });
});

describe("the monitor on a service action (AWS's samples)", () => {
  beforeEach(async () => setUp({ cooldownMinutes: 30 }));
  const SERVICE = "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest";

  it("ignores a service action whose resources name no service", async () => {
    const impaired = loadFixture("ecs-service-action-task-start-impaired.json");
    const noService = { ...impaired, resources: ["arn:aws:ecs:us-west-2:111122223333:cluster/default"] };
    expect(brief(await serviceAction(noService))).toEqual(["ignored", "the event names no service", []]);
  });

  it("is quiet on the steady state of a service that had no incident", async () => {
    expect(brief(await serviceAction(loadFixture("ecs-service-action-steady-state.json")))).toEqual([
      "steady",
      "no open incident",
      [],
    ]);
  });

  it("ignores the service actions it does not act on (a capacity provider's steady state)", async () => {
    expect(
      brief(await serviceAction(loadFixture("ecs-service-action-capacity-provider-steady-state.json"))),
    ).toEqual(["ignored", "CAPACITY_PROVIDER_STEADY_STATE", []]);
  });

  it("tells a service whose tasks fail to start once per cooldown, pointing to the task stop alerts", async () => {
    const impaired = loadFixture("ecs-service-action-task-start-impaired.json");
    const first = await delivered(await serviceAction(impaired));
    expect(brief(first)).toEqual(["start-impaired", undefined, ["Tasks fail to start: default/servicetest"]]);
    expect(first.messages[0]?.once).toEqual({
      kind: "alert",
      id: `${SERVICE}#start-impaired#`,
      seconds: 30 * 60,
    });
    expect(sectionsOf(first.messages[0]?.message)).toBe(
      ":construction: tasks keep failing to start: the task stop alerts for this service name the cause (image pull, secrets, health checks, exit codes)",
    );
    expect(brief(await serviceAction({ ...impaired, id: "impaired-again" }))).toEqual([
      "duplicate",
      "start-impaired already reported within 30 min",
      [],
    ]);
  });
});
