/**
 * Proof (b) of the permissions (core/iam): each function's scenarios run against a moto server
 * of their own with IAM enforcement on, every function with the credentials of a role that
 * carries its policy document (as moto can check it: test/support/iam/enforcingMoto.ts) and the
 * seeding with an administrator's. The scenarios are the sandbox's scenes (redeploy, monitor,
 * schedule, right-sizing: what `npm start` plays) and the policy and service-index flows' own.
 * A control run with one statement taken away shows the enforcement is real.
 */
import {
  DeleteServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { type ApiCall, type AwsClientClasses, observeApiCalls } from "../../../core/aws/index.ts";
import { type AutopilotConfig, parseConfig } from "../../../core/config/index.ts";
import type { Flow } from "../../../core/events/index.ts";
import { AUTOPILOT_FUNCTIONS, type AutopilotFunction, policyDocument } from "../../../core/iam/index.ts";
import { CLIENT_CLASSES as MONITOR_CLIENTS } from "../../../functions/monitor.ts";
import { createNotifyHandler, CLIENT_CLASSES as NOTIFY_CLIENTS } from "../../../functions/notify.ts";
import { createPolicyHandler, CLIENT_CLASSES as POLICY_CLIENTS } from "../../../functions/policy.ts";
import { createRedeployHandler, CLIENT_CLASSES as REDEPLOY_CLIENTS } from "../../../functions/redeploy.ts";
import { CLIENT_CLASSES as RIGHTSIZE_CLIENTS } from "../../../functions/rightsize.ts";
import { CLIENT_CLASSES as SCHEDULE_CLIENTS } from "../../../functions/schedule.ts";
import {
  createServiceIndexHandler,
  CLIENT_CLASSES as SERVICE_INDEX_CLIENTS,
} from "../../../functions/service-index.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { SANDBOX_DEAD_LETTERS, SANDBOX_TABLE, Sandbox } from "../../../sandbox/Sandbox.ts";
import { monitorScene } from "../../../sandbox/scenes/monitor.ts";
import { redeployScene } from "../../../sandbox/scenes/redeploy.ts";
import { rightsizeScene } from "../../../sandbox/scenes/rightsize.ts";
import { scheduleScene } from "../../../sandbox/scenes/schedule.ts";
import { ACCOUNT, ecrImage, ecrPushEvent, pushImage, sampleEvent } from "../../../sandbox/seed.ts";
import { useMotoEnvironment } from "../../../scripts/moto-server.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { type Credentials, type EnforcingMoto, startEnforcingMoto } from "../../support/iam/enforcingMoto.ts";

const REGION = "us-east-1";
const VALUES = {
  partition: "aws",
  region: REGION,
  account: ACCOUNT,
  stateTable: SANDBOX_TABLE,
  deadLetterQueue: SANDBOX_DEAD_LETTERS,
  configParameter: "ecs-autopilot-test-config",
  outboxQueue: "ecs-autopilot-test-outbox",
};
const CONFIG = parseConfig(
  JSON.stringify({ redeploy: { rules: [{ cluster: "prod", service: "admin", policy: "glob:1.*" }] } }),
  "sandbox config",
);
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

let moto: EnforcingMoto;
let sandbox: Sandbox;
const roles = new Map<AutopilotFunction, Credentials>();
/** Every call a function made, with whether IAM refused it. */
const calls: Array<{ fn: string; op: string; denied: boolean; error?: string }> = [];
let stopObserving: () => void;

const denied = (call: ApiCall) => {
  const error = call.error as { $metadata?: { httpStatusCode?: number }; name?: string } | undefined;
  return (
    error?.$metadata?.httpStatusCode === 403 ||
    /AccessDenied|UnauthorizedOperation|InvalidClientTokenId/.test(error?.name ?? "")
  );
};

/** Each function's runtime is built, as deployed, from only the SDK clients its entry bundles. */
const BUNDLED: Record<AutopilotFunction, AwsClientClasses> = {
  redeploy: REDEPLOY_CLIENTS,
  "service-index": SERVICE_INDEX_CLIENTS,
  monitor: MONITOR_CLIENTS,
  schedule: SCHEDULE_CLIENTS,
  policy: POLICY_CLIENTS,
  rightsize: RIGHTSIZE_CLIENTS,
  notify: NOTIFY_CLIENTS,
};

const runtimeFor = (fn: AutopilotFunction, config: AutopilotConfig = CONFIG) => {
  const options = { region: REGION, credentials: roles.get(fn) };
  return createRuntime(fn, {
    clientOptions: options,
    clientClasses: BUNDLED[fn],
    tableName: SANDBOX_TABLE,
    deadLetterQueueUrl: `${moto.server.endpoint}/${ACCOUNT}/${SANDBOX_DEAD_LETTERS}`,
    config,
    notifier: { post: async () => {} },
  });
};

let cloudTrailCalls = 0;
/** A CloudTrail call from AWS's sample record, with an event id of its own (each is handled once). */
const cloudTrail = (
  eventName: string,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
) => ({
  ...cloudTrailEnvelope({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName,
    awsRegion: REGION,
    requestParameters: request,
    responseElements: response,
  }),
  id: `iam-cloudtrail-${++cloudTrailCalls}`,
});

const print = () => {};

describe("IAM proof (b): each function's scenarios under moto's IAM enforcement, with only its own statements", () => {
  beforeAll(async () => {
    moto = await startEnforcingMoto(REGION);
    useMotoEnvironment(moto.server.endpoint, REGION);
    for (const fn of AUTOPILOT_FUNCTIONS)
      roles.set(fn, await moto.role(`autopilot-${fn}`, policyDocument(fn, { acting: true }, VALUES)));
    // Seeding runs as an administrator; nothing the functions do does.
    process.env.AWS_ACCESS_KEY_ID = moto.admin.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.admin.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    await moto.enforce();
    stopObserving = observeApiCalls((call) => {
      if (call.scope)
        calls.push({
          fn: call.scope,
          op: `${call.service}.${call.operation}`,
          denied: denied(call),
          ...(call.error ? { error: String((call.error as Error).name) } : {}),
        });
    });
    sandbox = new Sandbox(REGION, CONFIG, print, {
      functionClients: (flow: Flow) => ({ credentials: roles.get(flow as AutopilotFunction) }),
    });
    await sandbox.start();
  }, 120_000);

  afterAll(async () => {
    stopObserving?.();
    await moto?.stop();
  });

  it("the redeploy scene: pushes redeploy their services, duplicates and invalid events are handled", async () => {
    const before = calls.length;
    const changes = await redeployScene(sandbox);
    expect(changes.lines.join("\n")).toMatch(/deployed|redeployed|→/);
    expect(
      calls.slice(before).filter((c) => c.fn === "redeploy" && c.op === "ECS.UpdateService").length,
    ).toBeGreaterThan(0);
    expect(calls.filter((c) => c.denied)).toEqual([]);
  }, 120_000);

  it("the monitor scene: deployments, a crash loop and placement failures, told once", async () => {
    const lines = await monitorScene(sandbox);
    expect(lines.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.fn === "monitor").length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.denied)).toEqual([]);
  }, 120_000);

  it("the schedule scene: scheduled actions written, then nothing to write", async () => {
    const lines = await scheduleScene(sandbox);
    expect(lines.join("\n")).toMatch(/first run [1-9]\d* writes, second run 0 writes/);
    expect(calls.filter((c) => c.denied)).toEqual([]);
  }, 120_000);

  it("the right-sizing scene: metrics read, one service stepped down", async () => {
    const lines = await rightsizeScene(sandbox);
    expect(lines.join("\n")).toMatch(/1 stepped down/);
    expect(
      calls.filter((c) => c.fn === "rightsize" && c.op === "CloudWatch.GetMetricData").length,
    ).toBeGreaterThan(0);
    expect(calls.filter((c) => c.denied)).toEqual([]);
  }, 180_000);

  it("the policy flow: audit tags, enforce deregisters and rolls back, the daily audit reads every revision", async () => {
    const { clients } = sandbox;
    const register = async (privileged: boolean) =>
      (
        await clients.ecs.send(
          new RegisterTaskDefinitionCommand({
            family: "iam-proof",
            containerDefinitions: [
              { name: "app", image: ecrImage(REGION, "shop/web", "1.4.2"), memory: 256, privileged },
            ],
          }),
        )
      ).taskDefinition?.taskDefinitionArn ?? "";
    const good = await register(false);
    const bad = await register(true);
    const registered = (arn: string) =>
      cloudTrail(
        "RegisterTaskDefinition",
        { family: "iam-proof" },
        { taskDefinition: { taskDefinitionArn: arn } },
      );
    const audit = await createPolicyHandler(runtimeFor("policy"))(registered(good), localContext("policy"));
    const enforced = await createPolicyHandler(runtimeFor("policy", ENFORCE))(
      registered(bad),
      localContext("policy"),
    );
    expect(audit).toMatchObject({ actions: [{ kind: "tag" }] });
    expect(enforced).toMatchObject({ compliant: false, actions: [{ kind: "tag" }, { kind: "deregister" }] });

    const worse = await register(true);
    await clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: good }),
    );
    await clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "web", taskDefinition: worse }),
    );
    const rolledBack = await createPolicyHandler(runtimeFor("policy", ENFORCE))(
      cloudTrail("UpdateService", { cluster: "prod", service: "web" }, {}),
      localContext("policy"),
    );
    // Back to what the service ran before (its earlier deployment's revision), never the bad one.
    expect(rolledBack).toMatchObject({ actions: [{ kind: "rollback", from: worse }] });
    const daily = await createPolicyHandler(runtimeFor("policy"))(
      { ...sampleEvent("scheduled-event.json"), id: "iam-policy-audit", region: REGION, account: ACCOUNT },
      localContext("policy"),
    );
    expect(daily).toMatchObject({ action: "audit" });
    expect(calls.filter((c) => c.denied)).toEqual([]);
  }, 120_000);

  it("the service-index flow: rebuild, refresh on UpdateService, removal on DeleteService", async () => {
    const handler = createServiceIndexHandler(runtimeFor("service-index"));
    const rebuilt = await handler(
      { ...sampleEvent("scheduled-event.json"), region: REGION, account: ACCOUNT },
      localContext("service-index"),
    );
    expect(rebuilt).toMatchObject({ action: "rebuilt" });
    expect((rebuilt as { services: number }).services).toBeGreaterThan(0);
    const refreshed = await handler(
      cloudTrail("UpdateService", { cluster: "prod", service: "web" }, {}),
      localContext("service-index"),
    );
    expect(refreshed).toMatchObject({ action: "indexed" });
    await sandbox.clients.ecs.send(
      new DeleteServiceCommand({ cluster: "staging", service: "nginx", force: true }),
    );
    const removed = await handler(
      cloudTrail("DeleteService", { cluster: "staging", service: "nginx" }, {}),
      localContext("service-index"),
    );
    expect(removed).toMatchObject({ action: "removed" });
    expect(calls.filter((c) => c.denied)).toEqual([]);
  }, 120_000);

  it("every flow function sends an event that fails its schema to its dead-letter queue", async () => {
    const broken = { ...sampleEvent("scheduled-event.json"), "detail-type": "Not An Event" };
    // Notify reads an SQS queue, not events: what it cannot post stays in its queue.
    for (const fn of AUTOPILOT_FUNCTIONS.filter((f) => f !== "notify")) {
      const { FLOWS } = await import("../../../cli/flows.ts");
      const flow = Object.values(FLOWS).find((f) => f.flow === fn);
      const handler = await flow?.create(runtimeFor(fn), { dryRun: false });
      expect(await handler?.(broken, localContext(fn)), fn).toMatchObject({
        status: "rejected",
        deadLettered: true,
      });
    }
    expect(calls.filter((c) => c.denied)).toEqual([]);
  });

  it("the Slack outbox: a flow queues its message, the Notify function posts it once", async () => {
    const queueUrl =
      (await sandbox.clients.sqs.send(new CreateQueueCommand({ QueueName: "ecs-autopilot-test-outbox" })))
        .QueueUrl ?? "";
    const posted: string[] = [];
    const flow = createRuntime("policy", {
      clientOptions: { region: REGION, credentials: roles.get("policy") },
      clientClasses: POLICY_CLIENTS,
      tableName: SANDBOX_TABLE,
      outboxQueueUrl: queueUrl,
      config: CONFIG,
    });
    const daily = await createPolicyHandler(flow)(
      { ...sampleEvent("scheduled-event.json"), id: "iam-outbox-1", region: REGION, account: ACCOUNT },
      localContext("policy"),
    );
    expect(daily).toMatchObject({ action: "audit" });
    const received = await sandbox.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, AttributeNames: ["All"] }),
    );
    const records = (received.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? "",
      receiptHandle: m.ReceiptHandle ?? "",
      body: m.Body ?? "",
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.now()),
        SenderId: "AIDAEXAMPLE",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:ecs-autopilot-test-outbox`,
      awsRegion: REGION,
    }));
    expect(records.length).toBe(1);
    const notify = createRuntime("notify", {
      clientOptions: { region: REGION, credentials: roles.get("notify") },
      clientClasses: NOTIFY_CLIENTS,
      tableName: SANDBOX_TABLE,
      notifier: { post: async (m) => void posted.push(m.text) },
    });
    const first = await createNotifyHandler(notify)({ Records: records }, localContext("notify"));
    const again = await createNotifyHandler(notify)({ Records: records }, localContext("notify"));
    expect(first).toMatchObject({ batchItemFailures: [], posted: 1 });
    expect(again).toMatchObject({ batchItemFailures: [], posted: 0, alreadyPosted: 1 });
    expect(posted).toHaveLength(1);
    expect(calls.filter((c) => c.denied)).toEqual([]);
  });

  it("ran every function under enforcement, and moto refused nothing any of them asked", () => {
    const seen = new Set(calls.map((c) => c.fn));
    expect(AUTOPILOT_FUNCTIONS.filter((fn) => !seen.has(fn))).toEqual([]);
    expect(calls.length).toBeGreaterThan(200);
    expect(calls.filter((c) => c.denied)).toEqual([]);
  });

  it("control: the redeploy role without its DescribeServices statement is refused", async () => {
    const document = policyDocument("redeploy", { acting: true }, VALUES);
    const weakened = await moto.role("autopilot-redeploy-weakened", {
      ...document,
      Statement: document.Statement.filter((s) => s.Sid !== "DescribeServices"),
    });
    roles.set("redeploy", weakened);
    const digest = await pushImage(sandbox.clients, "shop/web", "1.9.0", "control");
    const before = calls.length;
    const response = await createRedeployHandler(runtimeFor("redeploy"))(
      ecrPushEvent({ region: REGION, repository: "shop/web", digest, tag: "1.9.0", id: "iam-control-1" }),
      localContext("redeploy"),
    ).catch((error: Error) => ({ error: error.name }));
    const refused = calls.slice(before).filter((c) => c.denied);
    expect(refused.map((c) => c.op)).toContain("ECS.DescribeServices");
    expect(response).toBeDefined();
  });
});
