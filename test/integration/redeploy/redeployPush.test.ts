import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import { rolloutIdOfAction } from "../../../core/redeploy/applyDecisions.ts";
import {
  DIGEST_CLAIM_SECONDS,
  pushFromEvent,
  redeployPush,
  ServiceIndex,
} from "../../../core/redeploy/index.ts";
import { epochSeconds, type LeaseItem, stateKeys } from "../../../core/state/index.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let eventCounter = 0;
const nextId = () => `00000000-0000-0000-0000-${String(++eventCounter).padStart(12, "0")}`;

async function push(repository: string, tag: string, content = tag) {
  const digest = await pushImage(world.clients, repository, tag, content);
  return { digest, event: ecrPushEvent({ region: REGION, repository, digest, tag, id: nextId() }) };
}

async function currentTaskDefinition(cluster: string, service: string) {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [service] }),
  );
  const arn = described.services?.[0]?.taskDefinition ?? "";
  return world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
  );
}

const outcomeOf = (report: Awaited<ReturnType<typeof redeployPush>>, service: string) =>
  report.outcomes.find((o) => o.action.service.serviceName === service);

describe("redeployPush against moto", () => {
  beforeAll(async () => {
    world = await createWorld();
    await createCluster(world.clients, "prod");
    await createCluster(world.clients, "staging");
    await createRepository(world.clients, "shop/web");
    await createRepository(world.clients, "shop/worker");
    const first = await pushImage(world.clients, "shop/web", "1.4.1");
    await createService(world.clients, {
      cluster: "prod",
      name: "web",
      tags: { "autopilot:redeploy": "minor" },
      containers: [
        {
          name: "web",
          image: ecrImage(REGION, "shop/web", "1.4.1"),
          essential: true,
          portMappings: [{ containerPort: 8080, protocol: "tcp" }],
          environment: [{ name: "MODE", value: "prod" }],
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": "/ecs/web", "awslogs-region": REGION },
          },
          healthCheck: {
            command: ["CMD-SHELL", "curl -f http://localhost:8080/health"],
            interval: 30,
            retries: 3,
          },
        },
        {
          name: "envoy",
          image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.0.0-prod",
          essential: false,
          memory: 128,
        },
      ],
      taskDefinition: {
        executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        cpu: "512",
        memory: "1024",
      },
    });
    await createService(world.clients, {
      cluster: "staging",
      name: "web-main",
      tags: { "autopilot:redeploy": "force" },
      containers: [{ name: "web", image: ecrImage(REGION, "shop/web", "main"), essential: true }],
    });
    await createService(world.clients, {
      cluster: "staging",
      name: "web-untracked",
      containers: [{ name: "web", image: ecrImage(REGION, "shop/web", first), essential: true }],
    });
    await createService(world.clients, {
      cluster: "prod",
      name: "worker",
      tags: { "autopilot:redeploy": "major" },
      containers: [{ name: "worker", image: ecrImage(REGION, "shop/worker", "2.0.0"), essential: true }],
    });
  });

  it("pins the pushed digest, not the tag, and copies every other field of the revision", async () => {
    const before = await currentTaskDefinition("prod", "web");
    const { digest, event } = await push("shop/web", "1.5.0");

    const report = await redeployPush(pushFromEvent(event), world.context());

    expect(
      report.outcomes.filter((o) => o.kind === "deployed").map((o) => o.action.service.serviceName),
    ).toEqual(["web"]);
    const after = await currentTaskDefinition("prod", "web");
    expect(after.taskDefinition?.revision).toBe((before.taskDefinition?.revision ?? 0) + 1);
    const web = after.taskDefinition?.containerDefinitions?.find((c) => c.name === "web");
    expect(web?.image).toBe(`123456789012.dkr.ecr.${REGION}.amazonaws.com/shop/web@${digest}`);

    // The whole task definition, apart from the image and the fields AWS sets on registration.
    const comparable = (td: typeof before.taskDefinition) => {
      const { taskDefinitionArn, revision, registeredAt, registeredBy, ...rest } = td ?? {};
      return {
        ...rest,
        containerDefinitions: rest.containerDefinitions?.map((c) =>
          c.name === "web" ? { ...c, image: "<image>" } : c,
        ),
      };
    };
    expect(comparable(after.taskDefinition)).toEqual(comparable(before.taskDefinition));
    const tags = Object.fromEntries((after.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags["autopilot:image-tag:web"]).toBe("1.5.0");
    expect(tags["autopilot:last-version:web"]).toBe("1.5.0");
    expect(tags["autopilot:source-event"]).toBe(event.id);
    expect(tags["autopilot:previous-revision"]).toBe(before.taskDefinition?.taskDefinitionArn);
  });

  it("turns the deployment circuit breaker and rollback on", async () => {
    // moto 5.2.1 does not return the deployment configuration given at CreateService, so keeping
    // maximumPercent/minimumHealthyPercent is asserted on the plan (test/unit/redeploy).
    const described = await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["web"] }),
    );
    expect(described.services?.[0]?.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({
      enable: true,
      rollback: true,
    });
  });

  it("follows the human tag recorded on the pinned revision for the next semver decision", async () => {
    const { event } = await push("shop/web", "1.5.1");
    const report = await redeployPush(pushFromEvent(event), world.context());
    const web = outcomeOf(report, "web");
    expect(web?.kind === "deployed" && web.action.updates[0]?.fromTag).toBe("1.5.0");
  });

  it("states why each tracked service was skipped and leaves them unchanged", async () => {
    const before = await currentTaskDefinition("prod", "web");
    const { event } = await push("shop/web", "2.0.0");
    const report = await redeployPush(pushFromEvent(event), world.context());
    const reasons = Object.fromEntries(
      report.outcomes.map((o) => [
        o.action.service.serviceName,
        o.kind === "skipped" ? o.action.category : o.kind,
      ]),
    );
    expect(reasons).toEqual({
      web: "policy-rejected",
      "web-main": "policy-rejected",
      "web-untracked": "not-tracked",
    });
    const web = outcomeOf(report, "web");
    expect(web?.kind === "skipped" && web.action.reason).toContain("major bump");
    expect((await currentTaskDefinition("prod", "web")).taskDefinition?.taskDefinitionArn).toBe(
      before.taskDefinition?.taskDefinitionArn,
    );
  });

  it("redeploys a mutable tag pushed again under force, and skips when that digest already runs", async () => {
    const { digest, event } = await push("shop/web", "main", "main-build-2");
    const first = await redeployPush(pushFromEvent(event), world.context());
    expect(outcomeOf(first, "web-main")?.kind).toBe("deployed");
    const running = await currentTaskDefinition("staging", "web-main");
    expect(running.taskDefinition?.containerDefinitions?.[0]?.image).toContain(`@${digest}`);

    // The same digest reaches us again with another event id (ECR sends one event per tag).
    const again = ecrPushEvent({ region: REGION, repository: "shop/web", digest, tag: "main", id: nextId() });
    const second = await redeployPush(pushFromEvent(again), world.context());
    const outcome = outcomeOf(second, "web-main");
    expect(outcome?.kind === "skipped" && outcome.action.category).toBe("already-running");
  });

  it("makes one revision and one deployment when two events for the same digest race", async () => {
    const { digest } = await push("shop/worker", "2.1.0");
    const events = [nextId(), nextId()].map((id) =>
      ecrPushEvent({ region: REGION, repository: "shop/worker", digest, tag: "2.1.0", id }),
    );
    const familyBefore = await world.clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: "worker" }),
    );
    world.counter.reset();

    const reports = await Promise.all(events.map((e) => redeployPush(pushFromEvent(e), world.context())));

    const kinds = reports
      .flatMap((r) => r.outcomes.map((o) => (o.kind === "skipped" ? o.action.category : o.kind)))
      .sort();
    expect(kinds).toEqual(["deployed", "duplicate"]);
    expect(world.counter.byOperation()["ECS.RegisterTaskDefinition"]).toBe(1);
    expect(world.counter.byOperation()["ECS.UpdateService"]).toBe(1);
    const familyAfter = await world.clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: "worker" }),
    );
    expect(familyAfter.taskDefinitionArns?.length).toBe((familyBefore.taskDefinitionArns?.length ?? 0) + 1);
  });

  it("remembers a deployed roll-out for 24 hours (DIGEST_CLAIM_SECONDS), with the revision it registered", async () => {
    const { event } = await push("shop/worker", "2.2.0");
    const before = epochSeconds(new Date());
    const report = await redeployPush(pushFromEvent(event), world.context());
    const after = epochSeconds(new Date());
    const outcome = outcomeOf(report, "worker");
    expect(outcome?.kind).toBe("deployed");
    if (outcome?.kind !== "deployed") return;
    const claim = await world.state.get<LeaseItem & { taskDefinitionArn?: string }>(
      stateKeys.rollout(outcome.action.service.serviceArn, rolloutIdOfAction(outcome.action)),
    );
    expect(claim).toMatchObject({ status: "done", taskDefinitionArn: outcome.taskDefinitionArn });
    expect(DIGEST_CLAIM_SECONDS).toBe(24 * 60 * 60);
    expect(claim?.expiration).toBeGreaterThanOrEqual(before + 24 * 60 * 60);
    expect(claim?.expiration).toBeLessThanOrEqual(after + 24 * 60 * 60);
  });

  it("uses the central config's glob policy for services without a tag", async () => {
    const config = parseConfig(
      JSON.stringify({
        redeploy: { rules: [{ cluster: "staging", service: "web-untracked", policy: "glob:release-*" }] },
      }),
      "test",
    );
    const { digest, event } = await push("shop/web", "release-2026.11.25");
    const report = await redeployPush(pushFromEvent(event), world.context(config));
    expect(outcomeOf(report, "web-untracked")?.kind).toBe("deployed");
    const running = await currentTaskDefinition("staging", "web-untracked");
    expect(running.taskDefinition?.containerDefinitions?.[0]?.image).toContain(`@${digest}`);
  });

  it("prints a plan and changes nothing on a dry run", async () => {
    const before = await currentTaskDefinition("prod", "web");
    const { event } = await push("shop/web", "1.6.0");
    world.counter.reset();
    const report = await redeployPush(pushFromEvent(event), world.context(), { dryRun: true });
    expect(report.plan.actions.find((a) => a.service.serviceName === "web")?.kind).toBe("deploy");
    expect(report.outcomes).toEqual([]);
    expect(world.counter.total((key) => /Register|Update|Put|Delete|BatchWrite/.test(key))).toBe(0);
    const after = await currentTaskDefinition("prod", "web");
    expect(after.taskDefinition?.taskDefinitionArn).toBe(before.taskDefinition?.taskDefinitionArn);
  });

  it("indexes services across all clusters and follows a service that starts using a repository", async () => {
    const index = new ServiceIndex(world.clients, world.state);
    const summary = await index.rebuild();
    expect(summary.clusters).toBe(2);
    await createService(world.clients, {
      cluster: "staging",
      name: "worker-canary",
      tags: { "autopilot:redeploy": "major" },
      containers: [{ name: "worker", image: ecrImage(REGION, "shop/worker", "2.1.0"), essential: true }],
    });
    // What the service-index function does on the CloudTrail CreateService event.
    expect(await index.refreshService("staging", "worker-canary")).toBe("indexed");
    const { event } = await push("shop/worker", "3.0.0");
    const report = await redeployPush(pushFromEvent(event), world.context());
    expect(
      report.outcomes
        .filter((o) => o.kind === "deployed")
        .map((o) => o.action.service.serviceName)
        .sort(),
    ).toEqual(["worker", "worker-canary"]);
  });

  it("queues a push for a service whose deployment is still rolling out: one deployment at a time", async () => {
    // moto reports 2 running tasks; with 4 desired, the service's deployment stays IN_PROGRESS.
    await createService(world.clients, {
      cluster: "prod",
      name: "worker-rolling",
      desiredCount: 4,
      tags: { "autopilot:redeploy": "major" },
      containers: [{ name: "worker", image: ecrImage(REGION, "shop/worker", "3.0.0"), essential: true }],
    });
    await new ServiceIndex(world.clients, world.state).refreshService("prod", "worker-rolling");
    const { event } = await push("shop/worker", "4.0.0");
    const report = await redeployPush(pushFromEvent(event), world.context());
    const outcome = outcomeOf(report, "worker-rolling");
    expect(outcome?.kind).toBe("queued");
    expect(outcome?.kind === "queued" && outcome.action.behind).toMatch(/^ecs-svc\/\d+$/);
    expect(outcome?.kind === "queued" && outcome.action.reason).toMatch(
      /queued behind deployment ecs-svc\/\d+ \(IN_PROGRESS\)/,
    );
  });
});
