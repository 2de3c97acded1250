import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { policyAudit } from "../../../cli/policy.ts";
import { type AutopilotConfig, parseConfig } from "../../../core/config/index.ts";
import { renderPlainText, type SlackMessage } from "../../../core/notify/index.ts";
import { applyPolicyActions } from "../../../core/policy/index.ts";
import { PolicyRollbackDeferredError } from "../../../core/policy/runPolicy.ts";
import { pushFromEvent, redeployPush } from "../../../core/redeploy/index.ts";
import { acquireLease, releaseLease, stateKeys } from "../../../core/state/index.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const posts: SlackMessage[] = [];
const AUDIT = parseConfig("{}", "audit");
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

const handler = (config: AutopilotConfig) =>
  createPolicyHandler(
    createRuntime("policy", {
      clients: world.clients,
      tableName: world.tableName,
      config,
      notifier: { post: async (m) => void posts.push(m) },
    }),
  );

let calls = 0;
/**
 * A CloudTrail call derived from AWS's sample record, with this call's name, request and response,
 * and an event id of its own (the function handles each event id once).
 */
const call = (
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown>,
) => ({
  ...cloudTrailEnvelope({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName,
    awsRegion: REGION,
    requestParameters,
    responseElements,
  }),
  id: `policy-call-${++calls}`,
});

const GOOD: RegisterTaskDefinitionCommandInput = {
  family: "payments",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: "arn:aws:iam::123456789012:role/payments-exec",
  containerDefinitions: [
    {
      name: "app",
      image: ecrImage(REGION, "shop/payments", "1.0.0"),
      user: "1000",
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/payments" } },
      linuxParameters: { capabilities: { drop: ["ALL"] } },
    },
  ],
};
const BAD: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [
    {
      ...GOOD.containerDefinitions?.[0],
      name: "app",
      privileged: true,
      environment: [{ name: "DB_PASSWORD", value: "hunter2" }],
    },
  ],
};

async function register(input: RegisterTaskDefinitionCommandInput): Promise<string> {
  const response = await world.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
  return response.taskDefinition?.taskDefinitionArn ?? "";
}
const status = async (arn: string) =>
  await world.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }));
const registered = (arn: string) =>
  call("RegisterTaskDefinition", { family: "payments" }, { taskDefinition: { taskDefinitionArn: arn } });

describe("functions/policy against moto", () => {
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "prod");
  });

  it("audit: reports a non-compliant revision and tags it with its finding count, deregistering nothing", async () => {
    posts.length = 0;
    const arn = await register(BAD);
    const response = await handler(AUDIT)(registered(arn), localContext("policy"));
    expect(response).toMatchObject({ compliant: false, mode: "audit" });
    const described = await status(arn);
    expect(described.taskDefinition?.status).toBe("ACTIVE");
    expect(described.tags?.find((t) => t.key === "autopilot:policy-findings")?.value).toBe("2");
    expect(posts.map((p) => p.text)).toEqual(["Policy (audit): payments:1: 2 finding(s)"]);
    expect(renderPlainText(posts[0] ?? { text: "", blocks: [] })).toContain(
      "high ECS001 Privileged container: container 'app' runs privileged",
    );
  });

  it("enforce: deregisters a non-compliant revision and keeps a compliant one", async () => {
    const bad = await register(BAD);
    const good = await register(GOOD);
    const refused = await handler(ENFORCE)(registered(bad), localContext("policy"));
    await handler(ENFORCE)(registered(good), localContext("policy"));
    expect(refused).toMatchObject({
      compliant: false,
      actions: [{ kind: "tag" }, { kind: "deregister", taskDefinitionArn: bad }],
    });
    expect((await status(bad)).taskDefinition?.status).toBe("INACTIVE");
    expect((await status(good)).taskDefinition?.status).toBe("ACTIVE");
  });

  it("enforce: rolls a service pointed at a non-compliant revision back to its previous compliant one", async () => {
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(world.clients, {
      cluster: "prod",
      name: "payments",
      family: "payments",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const good = service.taskDefinition ?? "";
    const bad = await register(BAD);
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "payments", taskDefinition: bad }),
    );

    const dry = await createPolicyHandler(
      createRuntime("policy", {
        clients: world.clients,
        tableName: world.tableName,
        config: ENFORCE,
        notifier: { post: async () => {} },
      }),
      { dryRun: true },
    )(
      call("UpdateService", { cluster: "prod", service: "payments", taskDefinition: bad }, {}),
      localContext("policy"),
    );
    expect(dry).toMatchObject({ dryRun: true, actions: [{ kind: "rollback", from: bad, to: good }] });
    const serviceNow = async () =>
      (await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["payments"] })))
        .services?.[0]?.taskDefinition;
    expect(await serviceNow()).toBe(bad);

    const response = await handler(ENFORCE)(
      call("UpdateService", { cluster: "prod", service: "payments", taskDefinition: bad }, {}),
      localContext("policy"),
    );
    expect(response).toMatchObject({
      actions: [{ kind: "rollback", cluster: "prod", service: "payments", from: bad, to: good }],
    });
    expect(await serviceNow()).toBe(good);

    // The same call handled again (a retry after the rollback's reply was lost), as CloudTrail
    // records it, with the revision it set in its response: the verdict stays on that revision,
    // and the service, which no longer runs it, is left alone.
    const again = await handler(ENFORCE)(
      {
        ...call(
          "UpdateService",
          { cluster: "prod", service: "payments", taskDefinition: bad },
          {
            service: { serviceName: "payments", clusterArn: service.clusterArn, taskDefinition: bad },
          },
        ),
        id: "update-again",
      },
      localContext("policy"),
    );
    expect(again).toMatchObject({
      compliant: false,
      actions: [
        {
          kind: "no-rollback",
          service: "payments",
          reason: expect.stringMatching(/the service no longer runs it \(it runs payments:\d+\)/),
        },
      ],
    });
    expect(await serviceNow()).toBe(good);
  });

  it("enforce: never rolls back over a roll-out under way or made since the check", async () => {
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(world.clients, {
      cluster: "prod",
      name: "ledger",
      family: "payments",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const bad = await register(BAD);
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "ledger", taskDefinition: bad }),
    );
    const serviceNow = async () =>
      (await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["ledger"] })))
        .services?.[0]?.taskDefinition;
    // A push's roll-out holds the service (redeploy's lease): its own UpdateService is checked later.
    const lease = stateKeys.serviceUpdate(service.serviceArn ?? "");
    await acquireLease(world.state, lease, "push-event-3", {
      leaseSeconds: 600,
      attributes: { change: "the roll-out of shop/ledger:2.0.0 (event push-event-3)" },
    });
    const event = {
      ...call("UpdateService", { cluster: "prod", service: "ledger", taskDefinition: bad }, {}),
      id: "ledger-1",
    };
    const told = posts.length;
    // Fails closed: not rolled back yet, and the event fails so that Lambda retries it.
    const busy = await handler(ENFORCE)(event, localContext("policy")).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(PolicyRollbackDeferredError);
    expect((busy as PolicyRollbackDeferredError).services).toEqual(["prod/ledger"]);
    expect(posts.slice(told).map(renderPlainText).join("\n")).toMatch(
      /not rolled back yet: the roll-out of shop\/ledger:2\.0\.0 \(event push-event-3\) is changing the service right now; this event is retried, then dead-lettered, to check again/,
    );
    expect(await serviceNow()).toBe(bad);
    // That roll-out ended without updating the service (it died, or found it moved): the retry rolls back.
    await releaseLease(world.state, lease, "push-event-3");
    expect(await handler(ENFORCE)(event, localContext("policy"))).toMatchObject({
      actions: [{ kind: "rollback", from: bad, to: service.taskDefinition }],
    });
    expect(await serviceNow()).toBe(service.taskDefinition);
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "ledger", taskDefinition: bad }),
    );

    // Checked while it ran `bad`; by the time of the rollback another revision runs.
    const ecs = world.clients.ecs;
    const moved = await register(GOOD);
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "ledger", taskDefinition: moved }),
    );
    const late = await applyPolicyActions(
      { ecs },
      [
        {
          kind: "rollback",
          cluster: "prod",
          service: "ledger",
          serviceArn: service.serviceArn ?? "",
          from: bad,
          to: service.taskDefinition ?? "",
          reason: "payments violates ECS003",
        },
      ],
      { state: world.state, owner: "ledger-3", leaseSeconds: 60 },
    );
    expect(late).toEqual([
      {
        kind: "no-rollback",
        cluster: "prod",
        service: "ledger",
        reason: `payments violates ECS003; not rolled back: the service moved off ${bad.split("/").pop()} since it was checked (it runs ${moved.split("/").pop()})`,
        why: "moved",
        runs: moved,
      },
    ]);
    expect(await serviceNow()).toBe(moved);
  });

  it("honours the service's autopilot:policy-exempt tag", async () => {
    const bad = await register({
      ...GOOD,
      containerDefinitions: [{ ...GOOD.containerDefinitions?.[0], name: "app", privileged: true }],
    });
    await createService(world.clients, {
      cluster: "prod",
      name: "legacy",
      containers: [{ name: "app", image: ecrImage(REGION, "shop/payments", "1.0.0") }],
      tags: { "autopilot:policy-exempt": "ECS001" },
    });
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "legacy", taskDefinition: bad }),
    );
    const response = await handler(ENFORCE)(
      call("UpdateService", { cluster: "prod", service: "legacy" }, {}),
      localContext("policy"),
    );
    expect(response).toMatchObject({ compliant: true, actions: [] });
  });

  it("audits every revision in use across clusters in one message and as JSON", async () => {
    posts.length = 0;
    await createCluster(world.clients, "batch");
    await createService(world.clients, {
      cluster: "batch",
      name: "nightly",
      containers: [{ name: "job", image: "busybox:latest" }],
    });
    const response = (await handler(AUDIT)(
      { ...loadFixture("scheduled-event.json"), id: "policy-audit-clusters" },
      localContext("policy"),
    )) as {
      action: string;
      revisions: Array<{ taskDefinition: string; usedBy: string[]; rules: string[] }>;
      totals: { revisions: number };
    };
    expect(response.action).toBe("audit");
    // The revision prod/payments was rolled back to, and the batch service's only one.
    expect(
      response.revisions.filter((r) => r.usedBy.includes("prod/payments")).map((r) => r.taskDefinition),
    ).toHaveLength(1);
    expect(response.revisions.find((r) => r.taskDefinition === "nightly:1")?.usedBy).toEqual([
      "batch/nightly",
    ]);
    expect(response.revisions.find((r) => r.taskDefinition === "nightly:1")?.rules).toEqual(
      expect.arrayContaining(["ECS013", "ECS014"]),
    );
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toMatch(/^Policy audit: \d+ revisions in use, \d+ compliant, \d+ high findings$/);
  });

  it("keeps the redeploy flow from deploying a revision enforce mode would reject", async () => {
    await createRepository(world.clients, "shop/api");
    await createService(world.clients, {
      cluster: "prod",
      name: "api",
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "api", image: ecrImage(REGION, "shop/api", "1.0.0"), privileged: true }],
    });
    const digest = await pushImage(world.clients, "shop/api", "1.1.0");
    const report = await redeployPush(
      pushFromEvent(
        ecrPushEvent({ region: REGION, repository: "shop/api", digest, tag: "1.1.0", id: "policy-redeploy" }),
      ),
      { ...world.context(ENFORCE) },
    );
    const api = report.outcomes.find((o) => o.action.service.serviceName === "api");
    expect(api?.kind === "skipped" && api.action).toMatchObject({ category: "policy-violation" });
    expect(api?.kind === "skipped" && api.action.reason).toContain("ECS001");
  });

  it("prints the same audit on demand with `policy audit`", async () => {
    const text = await policyAudit({ format: "text" }, world.clients);
    expect(text.split("\n").at(-1)).toMatch(
      /^\d+ revisions in use, \d+ compliant; \d+ high, \d+ medium, \d+ low findings$/,
    );
    expect(text).toMatch(/nightly:1 .*ECS013 ECS014.*\(batch\/nightly\)/);
  });
});
