import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  type ImageFacts,
  type ImagePush,
  type PendingPush,
  planRedeploy,
  type ServiceSnapshot,
} from "../../../core/redeploy/index.ts";
import { POLICY_FORMS } from "../../../core/tagPolicy/index.ts";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const push: ImagePush = {
  account: "123456789012",
  region: "eu-west-1",
  repository: "shop/web",
  digest: "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  tag: "1.5.0",
  eventId: "e-1",
};

function snapshot(overrides: {
  name?: string;
  tags?: Record<string, string>;
  service?: Partial<Service>;
  taskDefinition?: Partial<TaskDefinition>;
  pending?: PendingPush;
}): ServiceSnapshot {
  const name = overrides.name ?? "web";
  return {
    ...(overrides.pending ? { pending: overrides.pending } : {}),
    service: {
      serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
      serviceName: name,
      status: "ACTIVE",
      deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50 },
      deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED" }],
      ...overrides.service,
    },
    tags: overrides.tags ?? { "autopilot:redeploy": "minor" },
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${name}:7`,
      family: name,
      revision: 7,
      status: "ACTIVE",
      cpu: "512",
      memory: "1024",
      containerDefinitions: [
        { name: "web", image: `${REGISTRY}/shop/web:1.4.2`, essential: true },
        { name: "migrate", image: `${REGISTRY}/shop/web:1.4.2`, essential: false, command: ["migrate"] },
        { name: "envoy", image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.0.0-prod" },
      ],
      ...overrides.taskDefinition,
    },
    taskDefinitionTags: { team: "shop" },
  };
}

/** What loadImageFacts reads for a linux/amd64 image index (test/unit/redeploy/imageChecks.test.ts covers the rest). */
const amd64Image: ImageFacts = {
  digest: push.digest,
  platform: { known: true, platforms: [{ os: "linux", architecture: "amd64" }], from: "image index" },
};

const only = (
  snapshots: ServiceSnapshot[],
  config = DEFAULT_CONFIG,
  image: ImageFacts | undefined = amd64Image,
) => {
  const plan = planRedeploy(push, snapshots, config, { image });
  expect(plan.actions).toHaveLength(snapshots.length);
  return plan.actions[0];
};

describe("planRedeploy", () => {
  it("updates every container that uses the repository and no other", () => {
    const action = only([snapshot({})]);
    expect(action?.kind).toBe("deploy");
    if (action?.kind !== "deploy") return;
    expect(action.updates.map((u) => u.container)).toEqual(["web", "migrate"]);
    const images = action.register.containerDefinitions?.map((c) => c.image);
    expect(images).toEqual([
      `${REGISTRY}/shop/web@${push.digest}`,
      `${REGISTRY}/shop/web@${push.digest}`,
      "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.0.0-prod",
    ]);
    expect(action.register).not.toHaveProperty("taskDefinitionArn");
    expect(action.register).not.toHaveProperty("revision");
    expect(action.register.tags).toEqual(
      expect.arrayContaining([
        { key: "team", value: "shop" },
        { key: "autopilot:image-tag:web", value: "1.5.0" },
        { key: "autopilot:image-tag:migrate", value: "1.5.0" },
      ]),
    );
  });

  it("keeps the service's deployment configuration and switches the circuit breaker and rollback on", () => {
    const action = only([snapshot({})]);
    expect(action?.kind === "deploy" && action.deploymentConfiguration).toEqual({
      maximumPercent: 150,
      minimumHealthyPercent: 50,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
  });

  it("updates only the container named by autopilot:container", () => {
    const action = only([
      snapshot({ tags: { "autopilot:redeploy": "minor", "autopilot:container": "web" } }),
    ]);
    expect(action?.kind === "deploy" && action.updates.map((u) => u.container)).toEqual(["web"]);
  });

  it.each([
    [
      { service: { deploymentController: { type: "CODE_DEPLOY" as const } } },
      "unsupported-controller",
      "deployment controller CODE_DEPLOY: rolling updates need the ECS controller",
    ],
    [
      { service: { deploymentController: { type: "EXTERNAL" as const } } },
      "unsupported-controller",
      "deployment controller EXTERNAL: rolling updates need the ECS controller",
    ],
    [{ service: { status: "DRAINING" } }, "inactive", "service is DRAINING"],
    [{ tags: { "autopilot:redeploy": "off" } }, "policy-off", "autopilot:redeploy=off"],
    [
      { tags: { "autopilot:redeploy": "sometimes" } },
      "policy-invalid",
      `tag autopilot:redeploy: invalid tag policy 'sometimes': unknown policy; use one of ${POLICY_FORMS}`,
    ],
    [
      { tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "yes" } },
      "policy-invalid",
      "tag autopilot:require-signature=yes: use true or false",
    ],
    [{ tags: {} }, "not-tracked", "no autopilot:redeploy tag and no config rule matches"],
    [
      { tags: { "autopilot:redeploy": "minor", "autopilot:container": "sidecar" } },
      "no-matching-container",
      "container 'sidecar' of web:7 uses shop/web",
    ],
    [
      {
        taskDefinition: {
          containerDefinitions: [{ name: "envoy", image: "public.ecr.aws/appmesh/envoy:v1" }],
        },
      },
      "no-matching-container",
      "no container of web:7 uses shop/web",
    ],
    [
      {
        taskDefinition: {
          containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${push.digest}` }],
        },
      },
      "already-running",
      `${push.digest} already runs (web:7)`,
    ],
    [
      { tags: { "autopilot:redeploy": "patch" } },
      "policy-rejected",
      "tag autopilot:redeploy=patch: web: patch: '1.5.0' is not a patch of 1.4; migrate: patch: '1.5.0' is not a patch of 1.4",
    ],
  ])("skips with a stated reason (%#: %s)", (overrides, category, reason) => {
    const action = only([snapshot(overrides)]);
    expect(action).toMatchObject({ kind: "skip", category, reason });
  });

  it("tells a digest this very event deployed on an earlier attempt apart from one that already ran", () => {
    const running = { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${push.digest}` }] };
    const ours = snapshot({ taskDefinition: running });
    const retried = only([{ ...ours, taskDefinitionTags: { "autopilot:source-event": push.eventId } }]);
    expect(retried?.kind === "skip" && retried.category).toBe("deployed-earlier");
    const other = only([{ ...ours, taskDefinitionTags: { "autopilot:source-event": "another-push" } }]);
    expect(other?.kind === "skip" && other.category).toBe("already-running");
  });

  it.each([
    [[{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" as const }], "ecs-svc/2"],
    [
      [
        { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "COMPLETED" as const },
        { id: "ecs-svc/1", status: "ACTIVE" },
      ],
      "ecs-svc/2",
    ],
  ])("queues a push behind a deployment still rolling out (%#)", (deployments, behind) => {
    const action = only([snapshot({ service: { deployments } })]);
    expect(action?.kind).toBe("queue");
    expect(action?.kind === "queue" && action.behind).toBe(behind);
    expect(action?.kind === "queue" && [...new Set(action.updates.map((u) => u.toTag))]).toEqual(["1.5.0"]);
    expect(action?.kind === "queue" && action.reason).toMatch(/queued behind deployment ecs-svc\/2/);
  });

  it("deploys once ECS reported the blocking deployment finished, whatever DescribeServices still says", () => {
    const rolling = snapshot({
      service: {
        deployments: [{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" as const }],
      },
    });
    const plan = planRedeploy(push, [rolling], DEFAULT_CONFIG, {
      finishedDeployments: new Set(["ecs-svc/2"]),
      image: amd64Image,
    });
    expect(plan.actions[0]?.kind).toBe("deploy");
  });

  it("keeps the newest push queued: a newer version replaces the queued one, an older one is superseded", () => {
    const rolling = {
      deployments: [{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" as const }],
    };
    const queued = (tag: string, eventId: string) => ({
      push: { ...push, tag, digest: `sha256:${"b".repeat(64)}`, eventId, time: "2026-11-26T10:00:00Z" },
      serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
      behind: "ecs-svc/2",
      queuedAt: "2026-11-26T10:00:01Z",
    });
    // 1.5.0 pushed while 1.4.9 waits: 1.5.0 replaces it.
    const newer = only([snapshot({ service: rolling, pending: queued("1.4.9", "older-event") })]);
    expect(newer?.kind).toBe("queue");
    expect(newer?.kind === "queue" && newer.supersedes?.push.tag).toBe("1.4.9");
    // 1.5.0 pushed while 1.5.1 waits (delivered out of order): never queued over the newer one.
    const older = only([snapshot({ service: rolling, pending: queued("1.5.1", "newer-event") })]);
    expect(older?.kind === "skip" && older.category).toBe("superseded");
    expect(older?.kind === "skip" && older.reason).toContain(
      "1.5.1 is already queued behind deployment ecs-svc/2",
    );
  });

  it("lets the tag win over the config, and the first matching config rule over later ones", () => {
    const config = parseConfig(
      JSON.stringify({
        redeploy: {
          rules: [
            { cluster: "prod", service: "web*", policy: "patch" },
            { cluster: "*", policy: "minor" },
          ],
        },
      }),
      "test",
    );
    const fromConfig = only([snapshot({ tags: {} })], config);
    expect(fromConfig?.kind === "skip" && fromConfig.reason).toContain("config rule #1 (patch)");
    const fromTag = only([snapshot({ tags: { "autopilot:redeploy": "minor" } })], config);
    expect(fromTag?.kind).toBe("deploy");
  });

  it("lets autopilot:container win over a config rule's container, and uses the rule's when no tag names one", () => {
    const config = parseConfig(
      JSON.stringify({ redeploy: { rules: [{ cluster: "prod", policy: "minor", container: "migrate" }] } }),
      "test",
    );
    const fromRule = only([snapshot({ tags: {} })], config);
    expect(fromRule).toMatchObject({ kind: "deploy", policySource: "config rule #1 (minor)" });
    expect(fromRule?.kind === "deploy" && fromRule.updates.map((u) => u.container)).toEqual(["migrate"]);
    const fromTag = only([snapshot({ tags: { "autopilot:container": "web" } })], config);
    expect(fromTag?.kind === "deploy" && fromTag.updates.map((u) => u.container)).toEqual(["web"]);
  });

  it("takes a config rule's allowPrerelease and requireSignature over the defaults, and the tag's signature setting over both", () => {
    const config = parseConfig(
      JSON.stringify({
        redeploy: {
          rules: [{ cluster: "prod", policy: "minor", allowPrerelease: true, requireSignature: true }],
        },
      }),
      "test",
    );
    const rc = { ...push, tag: "1.5.0-rc.1" };
    const unsigned = planRedeploy(rc, [snapshot({ tags: {} })], config, { image: amd64Image }).actions[0];
    expect(unsigned).toMatchObject({ kind: "skip", category: "signature-unknown" });
    const tagSaysNo = planRedeploy(
      rc,
      [snapshot({ tags: { "autopilot:require-signature": "false" } })],
      config,
      {
        image: amd64Image,
      },
    ).actions[0];
    expect(tagSaysNo).toMatchObject({
      kind: "deploy",
      reason: "web: minor: 1.4.2 → 1.5.0-rc.1; migrate: minor: 1.4.2 → 1.5.0-rc.1",
    });
  });

  it("reads the running tag of a pinned image from the revision's tag", () => {
    const pinned = snapshot({
      taskDefinition: {
        containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@sha256:${"a".repeat(64)}` }],
      },
    });
    const action = only([{ ...pinned, taskDefinitionTags: { "autopilot:image-tag:web": "1.4.9" } }]);
    expect(action?.kind === "deploy" && action.updates[0]).toMatchObject({
      fromTag: "1.4.9",
      toTag: "1.5.0",
    });
  });

  it("never lets any walk a service down through a non-version tag: it records and compares the last version (review of issue 12, defect 5)", () => {
    const tags = { "autopilot:redeploy": "any" };
    const pinned = `${REGISTRY}/shop/web@sha256:${"a".repeat(64)}`;
    const onVersion = snapshot({
      tags,
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web:1.2.3` }] },
    });
    const toMain = planRedeploy({ ...push, tag: "main" }, [onVersion], DEFAULT_CONFIG, { image: amd64Image })
      .actions[0];
    expect(toMain?.kind).toBe("deploy");
    if (toMain?.kind !== "deploy") return;
    expect(toMain.register.tags).toEqual(
      expect.arrayContaining([
        { key: "autopilot:image-tag:web", value: "main" },
        { key: "autopilot:last-version:web", value: "1.2.3" },
      ]),
    );

    const onMain = {
      ...snapshot({ tags, taskDefinition: { containerDefinitions: [{ name: "web", image: pinned }] } }),
      taskDefinitionTags: { "autopilot:image-tag:web": "main", "autopilot:last-version:web": "1.2.3" },
    };
    expect(
      planRedeploy({ ...push, tag: "1.0.0" }, [onMain], DEFAULT_CONFIG, { image: amd64Image }).actions[0],
    ).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason:
        "tag autopilot:redeploy=any: any: '1.0.0' is older than '1.2.3', the last version the service ran before 'main' (no downgrades)",
    });
    const up = planRedeploy({ ...push, tag: "1.3.0" }, [onMain], DEFAULT_CONFIG, { image: amd64Image })
      .actions[0];
    expect(up?.kind).toBe("deploy");
    if (up?.kind !== "deploy") return;
    expect(up.register.tags).toEqual(
      expect.arrayContaining([
        { key: "autopilot:image-tag:web", value: "1.3.0" },
        { key: "autopilot:last-version:web", value: "1.3.0" },
      ]),
    );
    // Over another non-version tag, the recorded version is carried forward.
    const onward = planRedeploy({ ...push, tag: "develop" }, [onMain], DEFAULT_CONFIG, { image: amd64Image })
      .actions[0];
    expect(onward?.kind === "deploy" && onward.register.tags).toEqual(
      expect.arrayContaining([{ key: "autopilot:last-version:web", value: "1.2.3" }]),
    );
  });

  it("is pure: the same input gives the same plan, in a stable order", () => {
    const snapshots = [snapshot({ name: "web-b" }), snapshot({ name: "web-a" })];
    const first = planRedeploy(push, snapshots, DEFAULT_CONFIG, { image: amd64Image });
    expect(planRedeploy(push, [...snapshots].reverse(), DEFAULT_CONFIG, { image: amd64Image })).toEqual(
      first,
    );
    expect(first.actions.map((a) => a.service.serviceName)).toEqual(["web-a", "web-b"]);
  });
});
