import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  formatPlan,
  type ImageFacts,
  type ImagePush,
  type PendingPush,
  planRedeploy,
  type ServiceSnapshot,
  summarizeReport,
} from "../../../core/redeploy/index.ts";
import { unreadAction } from "../../../core/redeploy/redeployPush.ts";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const PUSHED = `sha256:${"b".repeat(64)}`;
const LATER = `sha256:${"c".repeat(64)}`;
const push: ImagePush = {
  account: "123456789012",
  region: "eu-west-1",
  repository: "shop/web",
  digest: PUSHED,
  tag: "1.5.0",
  eventId: "e-1",
  time: "2026-11-26T10:00:10Z",
};
const facts = (tagDigest: string | undefined): ImageFacts => ({
  digest: PUSHED,
  platform: { known: true, platforms: [{ os: "linux", architecture: "amd64" }], from: "image index" },
  tagNow: { tag: "1.5.0", ...(tagDigest ? { digest: tagDigest } : {}) },
});
const queued: PendingPush = {
  push: {
    ...push,
    tag: "1.4.9",
    digest: `sha256:${"d".repeat(64)}`,
    eventId: "e-0",
    time: "2026-11-26T10:00:00Z",
  },
  serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
  clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
  behind: "ecs-svc/2",
  queuedAt: "2026-11-26T10:00:01Z",
};

function snapshot(deployments: NonNullable<ServiceSnapshot["service"]["deployments"]>): ServiceSnapshot {
  return {
    pending: queued,
    service: {
      serviceArn: queued.serviceArn,
      clusterArn: queued.clusterArn,
      serviceName: "web",
      status: "ACTIVE",
      deployments,
    },
    tags: { "autopilot:redeploy": "minor" },
    taskDefinition: {
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
      family: "web",
      revision: 7,
      containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web:1.4.2` }],
    },
    taskDefinitionTags: {},
  };
}

const idle = snapshot([{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED" }]);
const rolling = snapshot([{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" }]);

describe("formatPlan", () => {
  it("says where the tag points now and which queued push a deploy replaces", () => {
    const text = formatPlan(planRedeploy(push, [idle], DEFAULT_CONFIG, { image: facts(PUSHED) }));
    expect(text).toContain("  tag: '1.5.0' names bbbbbbbbbbbb now (the pushed image)");
    expect(text).toContain("minor: 1.4.2 → 1.5.0; replaces the queued 1.4.9)");
    expect(text).toMatch(/1 to deploy, 0 skipped$/);
  });

  it("says which queued push a queued one replaces", () => {
    const text = formatPlan(planRedeploy(push, [rolling], DEFAULT_CONFIG, { image: facts(PUSHED) }));
    expect(text).toContain("  queue   prod/web");
    expect(text).toContain("replaces the queued 1.4.9)");
  });

  it("says which services could not be read, counted as failed (issue 11, note 2)", () => {
    const plan = planRedeploy(push, [idle], DEFAULT_CONFIG, { image: facts(PUSHED) });
    const unread = unreadAction(
      {
        serviceArn: `${queued.serviceArn}-api`,
        clusterArn: queued.clusterArn,
        serviceName: "api",
        clusterName: "prod",
      },
      "DescribeTaskDefinition of api:1: ThrottlingException: Rate exceeded",
    );
    const text = formatPlan({ ...plan, actions: [...plan.actions, unread] });
    expect(text).toContain(
      "  failed  prod/api  its state could not be read (DescribeTaskDefinition of api:1: ThrottlingException: Rate exceeded); the push is retried for it",
    );
    expect(text).toMatch(/1 to deploy, 0 skipped, 1 failed$/);
    expect(
      summarizeReport({ plan: { ...plan, actions: [unread] }, outcomes: [], dryRun: true }),
    ).toMatchObject({
      failed: 1,
      failures: [
        "prod/api: its state could not be read (DescribeTaskDefinition of api:1: ThrottlingException: Rate exceeded); the push is retried for it",
      ],
    });
  });

  it("says the tag has moved on, or is gone, when the push is stale", () => {
    const moved = formatPlan(planRedeploy(push, [idle], DEFAULT_CONFIG, { image: facts(LATER) }));
    expect(moved).toContain("  tag: '1.5.0' names cccccccccccc now, not the pushed image");
    expect(moved).toContain("  skip    prod/web  superseded: '1.5.0' now names sha256:cccccccccccc…");
    const gone = formatPlan(planRedeploy(push, [idle], DEFAULT_CONFIG, { image: facts(undefined) }));
    expect(gone).toContain("  tag: no image has '1.5.0' now");
  });
});
