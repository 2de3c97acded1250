import type { ContainerDefinition, Deployment, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  type ImageFacts,
  type ImagePush,
  imageChecksFor,
  type PendingPush,
  planRedeploy,
  type ServiceSnapshot,
} from "../../../core/redeploy/index.ts";
import { asksWhatRuns, tracksPush } from "../../../core/redeploy/planRedeploy.ts";
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

/** The facts as the loader reads them for `p`: its tag still names the pushed digest in ECR. */
const current = (p: ImagePush, image: ImageFacts = amd64Image): ImageFacts =>
  p.tag === undefined ? image : { ...image, tagNow: { tag: p.tag, digest: p.digest } };

const only = (
  snapshots: ServiceSnapshot[],
  config = DEFAULT_CONFIG,
  image: ImageFacts | undefined = current(push),
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
      image: current(push),
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

  it("keeps the newest push queued for an idle service too (its deployment's end not handled yet): an older one is superseded, a newer one deploys and would replace it", () => {
    const queued = (tag: string, eventId: string, behind = "ecs-svc/2") => ({
      push: { ...push, tag, digest: `sha256:${"b".repeat(64)}`, eventId, time: "2026-11-26T10:00:00Z" },
      serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
      behind,
      queuedAt: "2026-11-26T10:00:01Z",
    });
    const older = only([
      snapshot({ pending: queued("1.5.1", "newer-event", "the roll-out of shop/web:1.4.8 (event x)") }),
    ]);
    expect(older).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: "1.5.1 is already queued behind the roll-out of shop/web:1.4.8 (event x) and is not older",
    });
    const newer = only([snapshot({ pending: queued("1.4.9", "older-event") })]);
    expect(newer?.kind).toBe("deploy");
    expect(newer?.kind === "deploy" && newer.supersedes?.push.eventId).toBe("older-event");
    // Its own queued entry (a release of it) is no other push: it deploys and supersedes nothing.
    const own = only([snapshot({ pending: queued("1.5.0", push.eventId) })]);
    expect(own?.kind).toBe("deploy");
    expect(own).not.toHaveProperty("supersedes");
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
    const unsigned = planRedeploy(rc, [snapshot({ tags: {} })], config, { image: current(rc) }).actions[0];
    expect(unsigned).toMatchObject({ kind: "skip", category: "signature-unknown" });
    const tagSaysNo = planRedeploy(
      rc,
      [snapshot({ tags: { "autopilot:require-signature": "false" } })],
      config,
      {
        image: current(rc),
      },
    ).actions[0];
    expect(tagSaysNo).toMatchObject({
      kind: "deploy",
      reason: "web: minor: 1.4.2 → 1.5.0-rc.1; migrate: minor: 1.4.2 → 1.5.0-rc.1",
    });
  });

  it("reads the running tag of a pinned image from ECR's tags of its digest where they do not list the recorded one (copied by another tool)", () => {
    // Found in review (issue 11, round 11): a pipeline pinned 1.5.0 from a revision whose tags say 1.4.2.
    const DIGEST = `sha256:${"a".repeat(64)}`;
    const pinned = {
      ...snapshot({
        taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${DIGEST}` }] },
      }),
      taskDefinitionTags: { "autopilot:image-tag:web": "1.4.2", "autopilot:source-time:web": T1 },
    };
    const p143 = { ...push, tag: "1.4.3" };
    // The plan's first pass (no ECR answer yet) asks ECR about the pinned digest.
    expect(imageChecksFor(p143, [pinned], DEFAULT_CONFIG).pinned).toEqual([DIGEST]);
    // Pushed after the recorded push (T1): the record is not about this image.
    const withTags = (tags: string[], pushedAt = T2) => ({
      image: { ...current(p143), running: { [DIGEST]: { digest: DIGEST, pushedAt, tags } } },
    });
    // ECR lists 1.5.0 (and a commit tag), not 1.4.2: the running tag is the one minor ranks highest.
    expect(first(p143, pinned, DEFAULT_CONFIG, withTags(["sha-3f2a1b", "1.5.0", "1.4.9"]))).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason: expect.stringContaining("1.5.0"),
    });
    // ECR lists the recorded tag (among others): it stands.
    expect(first(p143, pinned, DEFAULT_CONFIG, withTags(["1.5.0", "1.4.2"]))).toMatchObject({
      kind: "deploy",
      updates: [{ fromTag: "1.4.2", toTag: "1.4.3" }],
    });
    // Pushed at or before the recorded push: the record was made for this image, and the recorded
    // tag has moved on since (a mutable tag), not been copied: it stands.
    for (const pushedAt of [T1, "2026-11-26T09:00:00Z"])
      expect(first(p143, pinned, DEFAULT_CONFIG, withTags(["1.5.0"], pushedAt))).toMatchObject({
        kind: "deploy",
        updates: [{ fromTag: "1.4.2" }],
      });
    // Untagged in ECR, or gone: nothing contradicts the record (a documented limit).
    expect(first(p143, pinned, DEFAULT_CONFIG, withTags([]))).toMatchObject({
      kind: "deploy",
      updates: [{ fromTag: "1.4.2" }],
    });
    expect(first(p143, pinned, DEFAULT_CONFIG, { image: { ...current(p143), running: {} } })).toMatchObject({
      kind: "deploy",
      updates: [{ fromTag: "1.4.2" }],
    });
    // No tag ECR lists is one the policy orders: the first by name stands for the running tag.
    expect(first(p143, pinned, DEFAULT_CONFIG, withTags(["sha-3f2a1b", "main"]))).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason: expect.stringContaining("'main'"),
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
    const toMain = planRedeploy({ ...push, tag: "main" }, [onVersion], DEFAULT_CONFIG, {
      image: current({ ...push, tag: "main" }),
    }).actions[0];
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
      planRedeploy({ ...push, tag: "1.0.0" }, [onMain], DEFAULT_CONFIG, {
        image: current({ ...push, tag: "1.0.0" }),
      }).actions[0],
    ).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason:
        "tag autopilot:redeploy=any: any: '1.0.0' is older than '1.2.3', the last version the service ran before 'main' (no downgrades)",
    });
    const up = planRedeploy({ ...push, tag: "1.3.0" }, [onMain], DEFAULT_CONFIG, {
      image: current({ ...push, tag: "1.3.0" }),
    }).actions[0];
    expect(up?.kind).toBe("deploy");
    if (up?.kind !== "deploy") return;
    expect(up.register.tags).toEqual(
      expect.arrayContaining([
        { key: "autopilot:image-tag:web", value: "1.3.0" },
        { key: "autopilot:last-version:web", value: "1.3.0" },
      ]),
    );
    // Over another non-version tag, the recorded version is carried forward.
    const onward = planRedeploy({ ...push, tag: "develop" }, [onMain], DEFAULT_CONFIG, {
      image: current({ ...push, tag: "develop" }),
    }).actions[0];
    expect(onward?.kind === "deploy" && onward.register.tags).toEqual(
      expect.arrayContaining([{ key: "autopilot:last-version:web", value: "1.2.3" }]),
    );
  });

  it("carries the last version of a container named __proto__ (a legal container name) over a non-version tag", () => {
    const onMain = {
      ...snapshot({
        tags: { "autopilot:redeploy": "any" },
        taskDefinition: {
          containerDefinitions: [
            { name: "__proto__", image: `${REGISTRY}/shop/web@sha256:${"a".repeat(64)}` },
          ],
        },
      }),
      taskDefinitionTags: {
        "autopilot:image-tag:__proto__": "main",
        "autopilot:last-version:__proto__": "1.2.3",
      },
    };
    const onward = planRedeploy({ ...push, tag: "develop" }, [onMain], DEFAULT_CONFIG, {
      image: current({ ...push, tag: "develop" }),
    }).actions[0];
    expect(onward?.kind === "deploy" && onward.register.tags).toEqual(
      expect.arrayContaining([
        { key: "autopilot:image-tag:__proto__", value: "develop" },
        { key: "autopilot:last-version:__proto__", value: "1.2.3" },
      ]),
    );
  });

  it("a last version on a revision ecs-autopilot did not register for its image (a container on a tag) is neither a floor nor carried onto the new revision (issue 11, note 5)", () => {
    const tags = { "autopilot:redeploy": "any" };
    // Another tool's revision on `develop`, with the tags of prod's revision copied onto it.
    const copied = {
      ...snapshot({
        tags,
        taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web:develop` }] },
      }),
      taskDefinitionTags: { "autopilot:image-tag:web": "main", "autopilot:last-version:web": "2.0.0" },
    };
    const lower = planRedeploy(push, [copied], DEFAULT_CONFIG, { image: current(push) }).actions[0];
    expect(lower).toMatchObject({
      kind: "deploy",
      reason: "any: develop → 1.5.0 (not both versions, so no order between them)",
    });
    const onward = planRedeploy({ ...push, tag: "main" }, [copied], DEFAULT_CONFIG, {
      image: current({ ...push, tag: "main" }),
    }).actions[0];
    expect(onward?.kind).toBe("deploy");
    if (onward?.kind !== "deploy") return;
    expect(onward.register.tags?.filter((t) => t.key?.startsWith("autopilot:last-version:"))).toEqual([]);
  });

  it("is pure: the same input gives the same plan, in a stable order", () => {
    const snapshots = [snapshot({ name: "web-b" }), snapshot({ name: "web-a" })];
    const first = planRedeploy(push, snapshots, DEFAULT_CONFIG, { image: current(push) });
    expect(planRedeploy(push, [...snapshots].reverse(), DEFAULT_CONFIG, { image: current(push) })).toEqual(
      first,
    );
    expect(first.actions.map((a) => a.service.serviceName)).toEqual(["web-a", "web-b"]);
  });
});

/* ------------------------------------------------------------------------------------------------
 * Decisions mutation testing (issue 16, group redeploy-plan) found held only by the moto tests of
 * test/integration/redeploy, which mutants are not run against: each asserted here on the pure
 * planner, with the category, the reason a user reads and the data the plan carries.
 * --------------------------------------------------------------------------------------------- */

const T1 = "2026-11-26T10:00:00Z";
const T2 = "2026-11-26T10:00:10Z";
const T3 = "2026-11-26T10:00:20Z";
const RUNNING_DIGEST = `sha256:${"a".repeat(64)}`;
const BOTH = "web: minor: 1.4.2 → 1.5.0; migrate: minor: 1.4.2 → 1.5.0";
const rolling = (deployments: Service["deployments"]) => ({ service: { deployments } });
const inProgress = rolling([{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" }]);
const plan = (p: ImagePush, snapshots: ServiceSnapshot[], config = DEFAULT_CONFIG, options = {}) =>
  planRedeploy(p, snapshots, config, { image: current(p), ...options });
const first = (p: ImagePush, s: ServiceSnapshot, config = DEFAULT_CONFIG, options = {}) => {
  const [action] = plan(p, [s], config, options).actions;
  if (!action) throw new Error("no action");
  return action;
};
const config = (value: unknown) => parseConfig(JSON.stringify(value), "autopilot.config.json");

describe("planRedeploy: which config rule applies", () => {
  const prod = snapshot({ tags: {} });

  it("takes the first rule whose cluster AND service AND repository globs all match, and names it", () => {
    const rules = [
      { cluster: "staging", service: "web", repository: "shop/web", policy: "patch" },
      { cluster: "prod", service: "api", repository: "shop/web", policy: "patch" },
      { cluster: "prod", service: "web", repository: "shop/api", policy: "patch" },
      { cluster: "prod", service: "web", repository: "shop/*", policy: "minor" },
    ];
    expect(first(push, prod, config({ redeploy: { rules } }))).toMatchObject({
      kind: "deploy",
      policySource: "config rule #4 (minor)",
      reason: BOTH,
    });
    // The three that match only two of the three globs, alone: nothing tracks the service.
    expect(first(push, prod, config({ redeploy: { rules: rules.slice(0, 3) } }))).toStrictEqual({
      kind: "skip",
      service: expect.objectContaining({ serviceName: "web", clusterName: "prod" }),
      category: "not-tracked",
      reason: "no autopilot:redeploy tag and no config rule matches",
    });
  });

  it("skips as policy-off when the first matching rule sets off, naming the rule; later rules are not asked", () => {
    const rules = [
      { cluster: "staging", policy: "minor" },
      { cluster: "prod", policy: "off" },
      { cluster: "*", policy: "minor" },
    ];
    expect(first(push, prod, config({ redeploy: { rules } }))).toMatchObject({
      kind: "skip",
      category: "policy-off",
      reason: "config rule #2 sets policy off",
    });
  });

  it("skips as policy-invalid, naming the rule, a policy that does not parse (the config loader refuses it first)", () => {
    const rules = [
      { cluster: "staging", service: "*", repository: "*", policy: "minor" },
      { cluster: "prod", service: "*", repository: "*", policy: "sometimes" },
    ];
    // parseConfig refuses it at load with the JSON path; a config built in code reaches the
    // planner unparsed, and the planner fails closed on it (skip, never deploy).
    expect(() => config({ redeploy: { rules } })).toThrow(
      `invalid configuration in autopilot.config.json: redeploy.rules.1.policy: unknown policy; use one of ${POLICY_FORMS}`,
    );
    const unparsed = { ...DEFAULT_CONFIG, redeploy: { ...DEFAULT_CONFIG.redeploy, rules } };
    expect(first(push, prod, unparsed)).toMatchObject({
      kind: "skip",
      category: "policy-invalid",
      reason: `config rule #2: invalid tag policy 'sometimes': unknown policy; use one of ${POLICY_FORMS}`,
    });
  });

  it("refuses a config-only form (regex:, glob:) in the service tag, and takes allowPrerelease from the config for a tag policy", () => {
    expect(first(push, snapshot({ tags: { "autopilot:redeploy": "regex:release-" } }))).toMatchObject({
      kind: "skip",
      category: "policy-invalid",
      reason:
        "tag autopilot:redeploy: invalid tag policy 'regex:release-': regex: is only allowed in the central config (ECS tag values cannot hold its characters)",
    });
    const rc = { ...push, tag: "1.5.0-rc.1" };
    expect(first(rc, snapshot({}))).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason:
        "tag autopilot:redeploy=minor: web: minor: '1.5.0-rc.1' is a pre-release or suffixed build, '1.4.2' a release (allowPrerelease is off); migrate: minor: '1.5.0-rc.1' is a pre-release or suffixed build, '1.4.2' a release (allowPrerelease is off)",
    });
    expect(first(rc, snapshot({}), config({ redeploy: { allowPrerelease: true } }))).toMatchObject({
      kind: "deploy",
      policySource: "tag autopilot:redeploy=minor",
      reason: "web: minor: 1.4.2 → 1.5.0-rc.1; migrate: minor: 1.4.2 → 1.5.0-rc.1",
    });
  });

  it("skips a service without a status as inactive, saying the status is unknown", () => {
    expect(first(push, snapshot({ service: { status: undefined } }))).toMatchObject({
      kind: "skip",
      category: "inactive",
      reason: "service is unknown",
    });
  });
});

describe("planRedeploy: the updates and the new revision's tags", () => {
  const single = (image: string, tags: Record<string, string> = { "autopilot:redeploy": "minor" }) =>
    snapshot({ tags, taskDefinition: { containerDefinitions: [{ name: "web", image }] } });

  it("names one container's reason without its name, and records from/to tag and digest exactly", () => {
    const action = first(push, single(`${REGISTRY}/shop/web:1.4.2`));
    expect(action).toMatchObject({ kind: "deploy", reason: "minor: 1.4.2 → 1.5.0" });
    expect(action.kind === "deploy" && action.updates).toStrictEqual([
      {
        container: "web",
        fromImage: `${REGISTRY}/shop/web:1.4.2`,
        toImage: `${REGISTRY}/shop/web@${push.digest}`,
        fromTag: "1.4.2",
        toTag: "1.5.0",
        toDigest: push.digest,
      },
    ]);
  });

  it("records the digest a pinned container ran, and no running tag when the revision has none", () => {
    const pinned = single(`${REGISTRY}/shop/web@${RUNNING_DIGEST}`, { "autopilot:redeploy": "any" });
    const withTag = first(push, { ...pinned, taskDefinitionTags: { "autopilot:image-tag:web": "1.4.9" } });
    expect(withTag.kind === "deploy" && withTag.updates).toStrictEqual([
      {
        container: "web",
        fromImage: `${REGISTRY}/shop/web@${RUNNING_DIGEST}`,
        toImage: `${REGISTRY}/shop/web@${push.digest}`,
        fromTag: "1.4.9",
        fromDigest: RUNNING_DIGEST,
        toTag: "1.5.0",
        toDigest: push.digest,
      },
    ]);
    const unknown = first(push, pinned);
    expect(unknown).toMatchObject({
      kind: "deploy",
      reason: "any: the running tag is unknown; '1.5.0' follows",
    });
    expect(unknown.kind === "deploy" && unknown.updates).toStrictEqual([
      {
        container: "web",
        fromImage: `${REGISTRY}/shop/web@${RUNNING_DIGEST}`,
        toImage: `${REGISTRY}/shop/web@${push.digest}`,
        fromDigest: RUNNING_DIGEST,
        toTag: "1.5.0",
        toDigest: push.digest,
      },
    ]);
  });

  it("writes the autopilot: revision tags — event, push time, previous revision, image tag and last version per container", () => {
    const action = first({ ...push, time: T2 }, snapshot({}));
    expect(action.kind).toBe("deploy");
    if (action.kind !== "deploy") return;
    const byKey = (tags: typeof action.register.tags) =>
      [...(tags ?? [])].sort((a, b) => (a.key ?? "").localeCompare(b.key ?? ""));
    expect(byKey(action.register.tags)).toEqual([
      { key: "autopilot:image-tag:migrate", value: "1.5.0" },
      { key: "autopilot:image-tag:web", value: "1.5.0" },
      { key: "autopilot:last-version:migrate", value: "1.5.0" },
      { key: "autopilot:last-version:web", value: "1.5.0" },
      {
        key: "autopilot:previous-revision",
        value: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
      },
      { key: "autopilot:source-event", value: "e-1" },
      { key: "autopilot:source-time", value: T2 },
      { key: "autopilot:source-time:migrate", value: T2 },
      { key: "autopilot:source-time:web", value: T2 },
      { key: "team", value: "shop" },
    ]);
    expect(action.fromTaskDefinitionArn).toBe("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7");
  });

  it("cuts the event id and the previous revision's ARN to the 256 characters an ECS tag value holds", () => {
    // EventBridge event ids are UUIDs, but the schema lets through up to 1,024 characters (a
    // PutEvents caller's id); a task-definition family may have 255 characters.
    const eventId = `cli-replay-${"7".repeat(300)}`;
    const family = "f".repeat(255);
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}:7`;
    const action = first(
      { ...push, eventId },
      snapshot({ taskDefinition: { family, taskDefinitionArn: arn } }),
    );
    expect(action.kind).toBe("deploy");
    if (action.kind !== "deploy") return;
    const tag = (key: string) => action.register.tags?.find((t) => t.key === key)?.value;
    expect(tag("autopilot:source-event")).toBe(eventId.slice(0, 256));
    expect(tag("autopilot:previous-revision")).toBe(arn.slice(0, 256));
    expect(action.fromTaskDefinitionArn).toBe(arn);
  });
});

describe("planRedeploy: the digest already runs", () => {
  const runningPushed = {
    containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${push.digest}` }],
  };

  it("says deployed-earlier when the revision was made by this very event, even for an event id cut to 256 characters", () => {
    const eventId = `cli-replay-${"7".repeat(300)}`;
    const ours = {
      ...snapshot({ taskDefinition: runningPushed }),
      taskDefinitionTags: { "autopilot:source-event": eventId.slice(0, 256) },
    };
    expect(first({ ...push, eventId }, ours)).toMatchObject({
      kind: "skip",
      category: "deployed-earlier",
      reason: `${push.digest} was already deployed here by this event as web:7 (an earlier attempt, whose outcome was not reported)`,
    });
    // With the roll-out that made it, when the revision names it (who made it is then looked up).
    const tagged = {
      ...ours,
      taskDefinitionTags: { ...ours.taskDefinitionTags, "autopilot:rollout": "0123abcd" },
    };
    expect(first({ ...push, eventId }, tagged)).toMatchObject({
      category: "deployed-earlier",
      rolloutId: "0123abcd",
    });
    expect(first({ ...push, eventId }, ours)).not.toHaveProperty("rolloutId");
    expect(first(push, ours)).toMatchObject({
      kind: "skip",
      category: "already-running",
      reason: `${push.digest} already runs (web:7)`,
    });
  });

  it("rejects, not 'already runs', when another container of the task refuses the tag", () => {
    const mixed = snapshot({
      tags: { "autopilot:redeploy": "force" },
      taskDefinition: {
        containerDefinitions: [
          { name: "web", image: `${REGISTRY}/shop/web@${push.digest}` },
          { name: "migrate", image: `${REGISTRY}/shop/web:2.0.0` },
        ],
      },
    });
    expect(first(push, mixed)).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason: "tag autopilot:redeploy=force: migrate: force follows '2.0.0', not '1.5.0'",
    });
  });
});

describe("planRedeploy: a push of the running tag delivered out of order (superseded)", () => {
  // web runs 1.5.0 pinned by digest, from the push of 1.5.0 at T2.
  const runs150 = (containers: ContainerDefinition[] = [], policy = "force") => ({
    ...snapshot({
      tags: { "autopilot:redeploy": policy },
      taskDefinition: {
        containerDefinitions: [
          { name: "web", image: `${REGISTRY}/shop/web@${RUNNING_DIGEST}` },
          ...containers,
        ],
      },
    }),
    taskDefinitionTags: {
      "autopilot:image-tag:web": "1.5.0",
      "autopilot:source-time": T2,
      "autopilot:source-event": "e-0",
    },
  });

  it("skips an older push of that tag, naming both push times; a later or simultaneous one deploys", () => {
    expect(first({ ...push, time: T1 }, runs150())).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason:
        "'1.5.0' was pushed at 2026-11-26T10:00:00Z, before the push of it that web:7 runs (2026-11-26T10:00:10Z): delivered out of order",
    });
    expect(first({ ...push, time: T3 }, runs150())).toMatchObject({
      kind: "deploy",
      reason: "force: '1.5.0' was pushed again",
    });
    expect(first({ ...push, time: T2 }, runs150())).toMatchObject({ kind: "deploy" });
  });

  it("leaves other tags to the policy's order: a newer version pushed before the running one's push deploys", () => {
    const runs142 = {
      ...snapshot({
        taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web:1.4.2` }] },
      }),
      taskDefinitionTags: { "autopilot:source-time": T2 },
    };
    expect(first({ ...push, time: T1 }, runs142)).toMatchObject({
      kind: "deploy",
      reason: "minor: 1.4.2 → 1.5.0",
    });
  });

  it("skips an older push of a tag the policy cannot rank above the running one (issue 11: out of order never deploys the older)", () => {
    // web runs `develop` (pushed at T2) under `any`; `main` was pushed at T1 and delivered late.
    const runsDevelop = {
      ...snapshot({
        tags: { "autopilot:redeploy": "any" },
        taskDefinition: {
          containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${RUNNING_DIGEST}` }],
        },
      }),
      taskDefinitionTags: { "autopilot:image-tag:web": "develop", "autopilot:source-time": T2 },
    };
    expect(first({ ...push, tag: "main", time: T1 }, runsDevelop)).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason:
        "'main' was pushed at 2026-11-26T10:00:00Z, before the push of 'develop' that web:7 runs (2026-11-26T10:00:10Z), and tag autopilot:redeploy=any does not rank 'main' above it: delivered out of order",
    });
    // Pushed after the running one: deploys, whatever the tags.
    expect(first({ ...push, tag: "main", time: T3 }, runsDevelop)).toMatchObject({ kind: "deploy" });
    // The running image came from a push without a tag (pinned by digest, no tag remembered).
    const runsUntagged = { ...runsDevelop, taskDefinitionTags: { "autopilot:source-time": T2 } };
    expect(first({ ...push, tag: "main", time: T1 }, runsUntagged)).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason:
        "'main' was pushed at 2026-11-26T10:00:00Z, before the push of an untagged image that web:7 runs (2026-11-26T10:00:10Z), and tag autopilot:redeploy=any does not rank 'main' above it: delivered out of order",
    });
    // A version the policy ranks above the running tag deploys even when pushed earlier.
    const runs140 = {
      ...runsDevelop,
      taskDefinitionTags: { "autopilot:image-tag:web": "1.4.0", "autopilot:source-time": T2 },
    };
    expect(first({ ...push, tag: "1.5.0", time: T1 }, runs140)).toMatchObject({ kind: "deploy" });
    // …and one it ranks below is refused as a downgrade, not as out of order.
    expect(first({ ...push, tag: "1.3.0", time: T1 }, runs140)).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
    });
  });

  it("judges a late push by the push time of its own container, not of another repository's container (an app and a sidecar)", () => {
    // web's `main` was pushed at T1 and made web:6; the sidecar's push at T3 made web:7 (the
    // revision-level source time is T3). A push of web's `main` at T2 is newer for web: it deploys.
    const appAndSidecar = {
      ...snapshot({
        tags: { "autopilot:redeploy": "force" },
        taskDefinition: {
          containerDefinitions: [
            { name: "web", image: `${REGISTRY}/shop/web@${RUNNING_DIGEST}` },
            { name: "side", image: `${REGISTRY}/shop/side@sha256:${"c".repeat(64)}` },
          ],
        },
      }),
      taskDefinitionTags: {
        "autopilot:image-tag:web": "main",
        "autopilot:image-tag:side": "main",
        "autopilot:source-time": T3,
        "autopilot:source-time:web": T1,
        "autopilot:source-time:side": T3,
      },
    };
    expect(first({ ...push, tag: "main", time: T2 }, appAndSidecar)).toMatchObject({ kind: "deploy" });
    // A push of web's `main` from before T1 is still out of order.
    expect(first({ ...push, tag: "main", time: "2026-11-26T09:59:00Z" }, appAndSidecar)).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: `'main' was pushed at 2026-11-26T09:59:00Z, before the push of it that web:7 runs (${T1}): delivered out of order`,
    });
  });

  it("never takes a push without a tag for a late push of the running tag", () => {
    const untagged = { ...runs150(), taskDefinitionTags: { "autopilot:source-time": T2 } };
    const { tag: _tag, ...byDigest } = push;
    expect(first({ ...byDigest, time: T1 }, untagged)).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason: "tag autopilot:redeploy=force: the image was pushed without a tag",
    });
  });

  it("rejects, naming the container, when another container refuses the tag", () => {
    const mixed = runs150([{ name: "migrate", image: `${REGISTRY}/shop/web:2.0.0` }]);
    expect(first({ ...push, time: T1 }, mixed)).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason: "tag autopilot:redeploy=force: migrate: force follows '2.0.0', not '1.5.0'",
    });
  });
});

describe("planRedeploy: a late push against a revision deployed outside ecs-autopilot (ECR's push time)", () => {
  // web runs `:main` as a pipeline deployed it: the revision records no push time. `main` names
  // build 42 in ECR now, pushed at T2; build 41's `sha-41` event (pushed at T1) is redriven.
  const BUILD_42 = `sha256:${"4".repeat(64)}`;
  // The pipeline's deployment, created after build 42 was pushed: ECS resolved `main` to it.
  const deployed = (createdAt: string) => ({
    deployments: [
      {
        id: "ecs-svc/1",
        status: "PRIMARY",
        rolloutState: "COMPLETED" as const,
        createdAt: new Date(createdAt),
      },
    ],
  });
  const runsMain = snapshot({
    tags: { "autopilot:redeploy": "any" },
    service: deployed(T3),
    taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web:main` }] },
  });
  const sha41 = { ...push, tag: "sha-41", time: T1 };
  const facts = (running: ImageFacts["running"]) => ({ image: { ...current(sha41), running } });

  it("skips a push older than the image the running tag names, as delivered out of order", () => {
    expect(
      first(sha41, runsMain, DEFAULT_CONFIG, facts({ main: { digest: BUILD_42, pushedAt: T2 } })),
    ).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: `'sha-41' was pushed at ${T1}, before the push of 'main' that web:7 runs (${T2}), and tag autopilot:redeploy=any does not rank 'sha-41' above it: delivered out of order`,
    });
  });

  it("deploys a push as old as, or newer than, that image, or of that very image, or when ECR has no such image", () => {
    expect(
      first(sha41, runsMain, DEFAULT_CONFIG, facts({ main: { digest: BUILD_42, pushedAt: T1 } })).kind,
    ).toBe("deploy");
    const later = { ...sha41, time: T3 };
    expect(
      first(later, runsMain, DEFAULT_CONFIG, {
        image: { ...current(later), running: { main: { digest: BUILD_42, pushedAt: T2 } } },
      }).kind,
    ).toBe("deploy");
    // `main` names the pushed digest itself (the pipeline's second tag of the same build).
    expect(
      first(sha41, runsMain, DEFAULT_CONFIG, facts({ main: { digest: push.digest, pushedAt: T2 } })).kind,
    ).toBe("deploy");
    expect(first(sha41, runsMain, DEFAULT_CONFIG, facts({})).kind).toBe("deploy");
  });

  it("knows nothing of a running tag that moved after the deployment resolved it (the service runs an older image)", () => {
    // `main` named build 40 when the service deployed (T1 + 5 s); build 42 moved it at T2 since.
    const movedSince = { ...runsMain, service: { ...runsMain.service, ...deployed("2026-11-26T10:00:05Z") } };
    const late = first(
      sha41,
      movedSince,
      DEFAULT_CONFIG,
      facts({ main: { digest: BUILD_42, pushedAt: T2 } }),
    );
    expect(late.kind).toBe("deploy");
    // No deployment time at all: nothing known either.
    const undated = { ...runsMain, service: { ...runsMain.service, deployments: [] } };
    expect(
      first(sha41, undated, DEFAULT_CONFIG, facts({ main: { digest: BUILD_42, pushedAt: T2 } })).kind,
    ).toBe("deploy");
  });

  it("dates by the PRIMARY deployment (not an older one still draining), an image pushed at its very creation included", () => {
    // The old deployment (created before build 42) drains; the PRIMARY one was created at T2,
    // the second build 42 was pushed: `main` named build 42 then.
    const draining = {
      ...runsMain,
      service: {
        ...runsMain.service,
        deployments: [
          { id: "ecs-svc/0", status: "ACTIVE", rolloutState: "COMPLETED" as const, createdAt: new Date(T1) },
          { id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED" as const, createdAt: new Date(T2) },
        ],
      },
    };
    expect(
      first(sha41, draining, DEFAULT_CONFIG, {
        ...facts({ main: { digest: BUILD_42, pushedAt: T2 } }),
        finishedDeployments: new Set(["ecs-svc/0"]),
      }),
    ).toMatchObject({ kind: "skip", category: "superseded" });
  });

  it("asks by digest for a pinned image, and never for the pushed tag (the tag check compares that)", () => {
    const pinned = snapshot({
      tags: { "autopilot:redeploy": "any" },
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${BUILD_42}` }] },
    });
    expect(imageChecksFor(sha41, [pinned], DEFAULT_CONFIG).running).toEqual([BUILD_42]);
    expect(
      first(sha41, pinned, DEFAULT_CONFIG, facts({ [BUILD_42]: { digest: BUILD_42, pushedAt: T2 } })),
    ).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: `'sha-41' was pushed at ${T1}, before the push of an untagged image that web:7 runs (${T2}), and tag autopilot:redeploy=any does not rank 'sha-41' above it: delivered out of order`,
    });
    const main = { ...push, tag: "main", time: T1 };
    expect(imageChecksFor(main, [runsMain], DEFAULT_CONFIG)).not.toHaveProperty("running");
  });

  it("dates a pinned image by its record, or by ECR's push time where that is later (a record copied by another tool)", () => {
    const BUILD_40 = `sha256:${"0".repeat(64)}`;
    const recorded = snapshot({
      tags: { "autopilot:redeploy": "any" },
      service: deployed(T3),
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${BUILD_40}` }] },
    });
    const pinned = {
      ...recorded,
      taskDefinitionTags: { "autopilot:source-time:web": T1, "autopilot:image-tag:web": "main" },
    };
    expect(imageChecksFor(sha41, [pinned], DEFAULT_CONFIG)).not.toHaveProperty("running");
    expect(imageChecksFor(sha41, [pinned], DEFAULT_CONFIG).pinned).toEqual([BUILD_40]);
    // The record alone (ECR has no image for the digest any more): pushed at T1, as the late push.
    expect(first(sha41, pinned, DEFAULT_CONFIG, facts({})).kind).toBe("deploy");
    // ECR's push time of the digest, earlier than the record: the record stands.
    expect(
      first(
        sha41,
        pinned,
        DEFAULT_CONFIG,
        facts({ [BUILD_40]: { digest: BUILD_40, pushedAt: "2026-11-26T09:00:00Z" } }),
      ).kind,
    ).toBe("deploy");
    // Recorded later than ECR's time: the record stands (the later of the two).
    const recordedLate = {
      ...pinned,
      taskDefinitionTags: { ...pinned.taskDefinitionTags, "autopilot:source-time:web": T3 },
    };
    expect(
      first(
        { ...sha41, time: T2 },
        recordedLate,
        DEFAULT_CONFIG,
        facts({ [BUILD_40]: { digest: BUILD_40, pushedAt: T1 } }),
      ),
    ).toMatchObject({ kind: "skip", category: "superseded" });
    // Later (T3): the revision runs an image pushed after the late push, whatever its tags say.
    expect(
      first(sha41, pinned, DEFAULT_CONFIG, facts({ [BUILD_40]: { digest: BUILD_40, pushedAt: T3 } })),
    ).toMatchObject({ kind: "skip", category: "superseded" });
  });

  it("never trusts our tags on a container that runs a tag: another tool registered it, maybe copying them", () => {
    // ecspresso re-registers the exported revision with its tags: build 43 runs as `:main` on a
    // revision that still says build 40's push time (T1 - 1 min).
    const carried = {
      ...runsMain,
      taskDefinitionTags: { "autopilot:source-time:web": "2026-11-26T09:59:00Z" },
    };
    expect(imageChecksFor(sha41, [carried], DEFAULT_CONFIG).running).toEqual(["main"]);
    expect(
      first(sha41, carried, DEFAULT_CONFIG, facts({ main: { digest: BUILD_42, pushedAt: T2 } })),
    ).toMatchObject({ kind: "skip", category: "superseded" });
  });
});

describe("planRedeploy: which digest runs on a tag, as ECS says (its current service revisions)", () => {
  const BUILD_40 = `sha256:${"0".repeat(64)}`;
  const BUILD_42 = `sha256:${"4".repeat(64)}`;
  // web runs `:main` (a pipeline's deploy); ECS resolved it to build 40 (a circuit-breaker rollback:
  // the deployment was created at T3, after build 42 moved `main` at T2).
  const onMain = (runningDigests?: Record<string, string>) => ({
    ...snapshot({
      tags: { "autopilot:redeploy": "any" },
      service: {
        deployments: [
          { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "COMPLETED", createdAt: new Date(T3) },
        ],
      },
      taskDefinition: {
        containerDefinitions: [
          { name: "web", image: `${REGISTRY}/shop/web:main` },
          { name: "migrate", image: `${REGISTRY}/shop/web:main`, essential: false },
        ],
      },
    }),
    ...(runningDigests ? { runningDigests } : {}),
  });
  const sha41 = { ...push, tag: "sha-41", time: T2 };
  const facts = { [BUILD_40]: { digest: BUILD_40, pushedAt: T1 }, main: { digest: BUILD_42, pushedAt: T3 } };

  it("asks ECR when the digest ECS runs was pushed, not the tag's present image", () => {
    expect(
      imageChecksFor(sha41, [onMain({ web: BUILD_40, migrate: BUILD_40 })], DEFAULT_CONFIG).running,
    ).toEqual([BUILD_40]);
    // ECS names one container only: the other is dated by its tag, as without ECS's answer.
    expect(imageChecksFor(sha41, [onMain({ web: BUILD_40 })], DEFAULT_CONFIG).running).toEqual([
      "main",
      BUILD_40,
    ]);
    expect(imageChecksFor(sha41, [onMain()], DEFAULT_CONFIG).running).toEqual(["main"]);
  });

  it("a container named constructor that ECS names no digest for is dated by its tag, not by Object", () => {
    // Container names take letters, digits, '_' and '-': constructor and toString are container names.
    const named = {
      ...onMain({ web: BUILD_40 }),
      taskDefinition: {
        ...onMain().taskDefinition,
        containerDefinitions: [
          { name: "web", image: `${REGISTRY}/shop/web:main` },
          { name: "constructor", image: `${REGISTRY}/shop/web:main`, essential: false },
        ],
      },
    };
    expect(imageChecksFor(sha41, [named], DEFAULT_CONFIG).running).toEqual(["main", BUILD_40]);
  });

  it("deploys a push newer than what runs after a rollback, though older than the tag's present image", () => {
    const action = first(sha41, onMain({ web: BUILD_40, migrate: BUILD_40 }), DEFAULT_CONFIG, {
      image: { ...current(sha41), running: facts },
    });
    expect(action).toMatchObject({
      kind: "deploy",
      updates: [
        { container: "web", fromTag: "main", toDigest: push.digest },
        { container: "migrate", fromTag: "main", toDigest: push.digest },
      ],
    });
    // The same push, dated by the tag (no answer from ECS), is taken as older than what runs.
    expect(
      first(sha41, onMain(), DEFAULT_CONFIG, { image: { ...current(sha41), running: facts } }),
    ).toMatchObject({ kind: "skip", category: "superseded" });
  });

  it("skips a push older than the digest ECS runs, whatever the deployment's time", () => {
    const older = { ...sha41, time: T1 };
    const running = { [BUILD_42]: { digest: BUILD_42, pushedAt: T2 } };
    expect(
      first(older, onMain({ web: BUILD_42, migrate: BUILD_42 }), DEFAULT_CONFIG, {
        image: { ...current(older), running },
      }),
    ).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: `'sha-41' was pushed at ${T1}, before the push of 'main' that web:7 runs (${T2}), and tag autopilot:redeploy=any does not rank 'sha-41' above it: delivered out of order`,
    });
  });

  it("a push of the digest ECS already runs on the tag is already running, not rolled out again pinned", () => {
    const main = { ...push, tag: "main", time: T3 };
    expect(
      first(main, onMain({ web: push.digest, migrate: push.digest }), DEFAULT_CONFIG, {
        image: current(main),
      }),
    ).toMatchObject({
      kind: "skip",
      category: "already-running",
      reason: `${push.digest} already runs (web:7)`,
    });
  });
});

describe("planRedeploy: a push whose tag moved on to an image this service cannot take", () => {
  const LATER = `sha256:${"9".repeat(64)}`;
  const RUNNING = `sha256:${"8".repeat(64)}`;
  // What runs is known: ECS names the digest of each container on the tag.
  const graviton = {
    ...snapshot({
      taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } },
    }),
    runningDigests: { web: RUNNING, migrate: RUNNING },
  };
  const both: ImageFacts = {
    digest: push.digest,
    platform: {
      known: true,
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
      from: "image index",
    },
    tagNow: { tag: "1.5.0", digest: LATER },
    // When the running image was pushed (ECR's imagePushedAt): what runs is dated.
    running: { [RUNNING]: { digest: RUNNING, pushedAt: "2026-11-26T09:00:00Z" } },
  };
  const later = (platforms: string[], signed = true): ImageFacts["tagNowImage"] => ({
    digest: LATER,
    platform: {
      known: true,
      platforms: platforms.map((p) => ({ os: "linux", architecture: p })),
      from: "image index",
    },
    signature: {
      signatures: signed ? [{ via: "cosign tag", digest: LATER, artifactType: "x" }] : [],
      looked: ["cosign tag"],
    },
  });

  it("takes the push where the later image does not run, and says why", () => {
    const action = first(push, graviton, DEFAULT_CONFIG, {
      image: { ...both, tagNowImage: later(["amd64"]) },
    });
    expect(action).toMatchObject({ kind: "deploy" });
    expect(action.kind === "deploy" ? action.reason : "").toBe(
      `web: minor: 1.4.2 → 1.5.0; migrate: minor: 1.4.2 → 1.5.0; '1.5.0' now names ${LATER.slice(0, 19)}…, which this service cannot take (platform-mismatch: the image is built for linux/amd64 (image index); the task needs linux/arm64 (runtimePlatform ARM64/LINUX))`,
    );
  });

  it("skips it as replaced where the later image runs, or when nothing was read of it", () => {
    expect(
      first(push, graviton, DEFAULT_CONFIG, { image: { ...both, tagNowImage: later(["arm64"]) } }),
    ).toMatchObject({ kind: "skip", category: "superseded" });
    expect(first(push, graviton, DEFAULT_CONFIG, { image: both })).toMatchObject({
      kind: "skip",
      category: "superseded",
    });
  });

  it("a later unsigned image is refused only where a signature is required", () => {
    const signedPush: ImageFacts = {
      ...both,
      signature: { signatures: [{ via: "cosign tag", digest: "sha256:s", artifactType: "x" }], looked: [] },
      tagNowImage: later(["amd64", "arm64"], false),
    };
    const known = { runningDigests: { web: RUNNING, migrate: RUNNING } };
    const requiring = {
      ...snapshot({ tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "true" } }),
      ...known,
    };
    expect(first(push, requiring, DEFAULT_CONFIG, { image: signedPush })).toMatchObject({ kind: "deploy" });
    expect(first(push, { ...snapshot({}), ...known }, DEFAULT_CONFIG, { image: signedPush })).toMatchObject({
      kind: "skip",
      category: "superseded",
    });
  });

  it("skips it as replaced where what runs on the tag is not known (a pipeline may have deployed the later image)", () => {
    const silent = { ...graviton, runningDigests: { web: RUNNING } };
    expect(
      first(push, silent, DEFAULT_CONFIG, { image: { ...both, tagNowImage: later(["amd64"]) } }),
    ).toMatchObject({ kind: "skip", category: "superseded" });
    // Pinned by digest: what runs is known without ECS.
    const pinned = snapshot({
      taskDefinition: {
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${RUNNING}` }],
      },
    });
    expect(
      first(push, { ...pinned, taskDefinitionTags: { "autopilot:image-tag:web": "1.4.2" } }, DEFAULT_CONFIG, {
        image: { ...both, tagNowImage: later(["amd64"]) },
      }),
    ).toMatchObject({ kind: "deploy" });
  });

  it("skips it as replaced where the running image cannot be dated (ECR no longer has it): the push may be older", () => {
    const { running: _, ...undated } = both;
    expect(
      first(push, graviton, DEFAULT_CONFIG, { image: { ...undated, tagNowImage: later(["amd64"]) } }),
    ).toMatchObject({ kind: "skip", category: "superseded" });
  });

  it("skips it as replaced where a container runs another tag, dated by that tag but with no digest from ECS", () => {
    // web runs `:latest`, which named LATER before the deployment: dated, yet ECS never said the digest.
    const onLatest = snapshot({
      tags: { "autopilot:redeploy": "any", "autopilot:require-signature": "true" },
      service: {
        deployments: [
          { id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED", createdAt: new Date(T3) },
        ],
      },
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web:latest` }] },
    });
    const main = { ...push, tag: "main", time: T2 };
    const image: ImageFacts = {
      digest: push.digest,
      platform: both.platform,
      signature: { signatures: [{ via: "cosign tag", digest: "sha256:s", artifactType: "x" }], looked: [] },
      tagNow: { tag: "main", digest: LATER },
      tagNowImage: later(["amd64", "arm64"], false),
      running: { latest: { digest: LATER, pushedAt: T1 } },
    };
    expect(first(main, onLatest, DEFAULT_CONFIG, { image })).toMatchObject({
      kind: "skip",
      category: "superseded",
    });
  });

  it("a later image ECR could not say enough of is no refusal: the push stays replaced", () => {
    const unknown: ImageFacts["tagNowImage"] = {
      digest: LATER,
      platform: { known: false, reason: "the image manifest is not JSON" },
    };
    expect(first(push, graviton, DEFAULT_CONFIG, { image: { ...both, tagNowImage: unknown } })).toMatchObject(
      {
        kind: "skip",
        category: "superseded",
      },
    );
    const requiring = {
      ...graviton,
      tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "true" },
    };
    const notLookedUp = { ...later(["amd64", "arm64"]), signature: undefined };
    expect(
      first(push, requiring, DEFAULT_CONFIG, {
        image: {
          ...both,
          signature: {
            signatures: [{ via: "cosign tag", digest: "sha256:s", artifactType: "x" }],
            looked: [],
          },
          tagNowImage: notLookedUp,
        },
      }),
    ).toMatchObject({ kind: "skip", category: "superseded" });
  });

  it("where the tag points not read stays tag-unknown, whatever was read of another image", () => {
    const { tagNow: _, ...unread } = both;
    expect(
      first(push, graviton, DEFAULT_CONFIG, { image: { ...unread, tagNowImage: later(["amd64"]) } }),
    ).toMatchObject({ kind: "skip", category: "tag-unknown" });
  });
});

describe("planRedeploy: a push released by a FAILED deployment that DescribeServices still shows (issue 11, note 4)", () => {
  const failing: Deployment = {
    id: "ecs-svc/failed",
    status: "PRIMARY",
    rolloutState: "IN_PROGRESS",
    taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
  };
  const lagging = (service: Partial<Service>) =>
    snapshot({
      service: {
        taskDefinition: failing.taskDefinition,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        deployments: [failing, { id: "ecs-svc/good", status: "ACTIVE", rolloutState: "COMPLETED" }],
        ...service,
      },
    });
  const options = {
    image: current(push),
    finishedDeployments: new Set(["ecs-svc/failed"]),
    failedDeployments: new Set(["ecs-svc/failed"]),
  };

  it("waits for the rollback instead of copying the revision that failed", () => {
    expect(first(push, lagging({}), DEFAULT_CONFIG, options)).toMatchObject({
      kind: "queue",
      behind: "the rollback of deployment ecs-svc/failed",
      reason:
        "web: minor: 1.4.2 → 1.5.0; migrate: minor: 1.4.2 → 1.5.0; ECS reported deployment ecs-svc/failed FAILED and rolls the service back, which DescribeServices does not show yet (it still names web:7, the revision that failed): queued behind the rollback, to go onto the revision the service returns to",
    });
  });

  it("waits for the rollback too where CloudWatch alarms roll the service back (circuit breaker off)", () => {
    // DeploymentAlarms (ECS API reference): "When the alarms are generated, Amazon ECS sets the
    // service deployment to failed. Set the rollback parameter to have Amazon ECS to roll back your
    // service to the last completed deployment after a failure."
    const alarms = {
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        alarms: { alarmNames: ["web-5xx"], enable: true, rollback: true },
      },
    };
    expect(first(push, lagging(alarms), DEFAULT_CONFIG, options)).toMatchObject({
      kind: "queue",
      behind: "the rollback of deployment ecs-svc/failed",
    });
    const noRollback = {
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        alarms: { alarmNames: ["web-5xx"], enable: true, rollback: false },
      },
    };
    expect(first(push, lagging(noRollback), DEFAULT_CONFIG, options).kind).toBe("deploy");
    const alarmsOff = {
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        alarms: { alarmNames: ["web-5xx"], enable: false, rollback: true },
      },
    };
    expect(first(push, lagging(alarmsOff), DEFAULT_CONFIG, options).kind).toBe("deploy");
  });

  it("deploys where there is no rollback to wait for: rollback off, the service already moved off it, it COMPLETED", () => {
    const off = { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } };
    expect(first(push, lagging(off), DEFAULT_CONFIG, options).kind).toBe("deploy");
    const moved = { taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:6" };
    expect(first(push, lagging(moved), DEFAULT_CONFIG, options).kind).toBe("deploy");
    const completed = { ...options, failedDeployments: new Set<string>() };
    expect(first(push, lagging({}), DEFAULT_CONFIG, completed).kind).toBe("deploy");
  });

  it("deploys where DescribeServices already shows the rollback, though it returned to the revision that failed (a forced new deployment of web:7)", () => {
    // `update-service --force-new-deployment` on web:7 failed; ECS rolled back to the last completed
    // deployment, web:7 too. The failed deployment is listed ACTIVE, the rollback PRIMARY and done:
    // nothing is left to wait for, and web:7 is the revision the service returned to.
    const shown = lagging({
      deployments: [
        {
          id: "ecs-svc/rollback",
          status: "PRIMARY",
          rolloutState: "COMPLETED",
          taskDefinition: failing.taskDefinition,
        },
        { ...failing, status: "ACTIVE", rolloutState: "FAILED" },
      ],
    });
    expect(first(push, shown, DEFAULT_CONFIG, options)).toMatchObject({
      kind: "deploy",
      fromTaskDefinitionArn: failing.taskDefinition,
    });
  });

  it("waiting for the rollback, replaces an older push queued for the service (and says which)", () => {
    const older: PendingPush = {
      push: { ...push, tag: "1.4.9", digest: `sha256:${"c".repeat(64)}`, eventId: "older-event" },
      serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
      behind: "ecs-svc/failed",
      queuedAt: "2026-11-26T10:00:01Z",
    };
    expect(first(push, { ...lagging({}), pending: older }, DEFAULT_CONFIG, options)).toMatchObject({
      kind: "queue",
      behind: "the rollback of deployment ecs-svc/failed",
      supersedes: older,
    });
  });
});

describe("planRedeploy: a digest ECS rolled back on the service since the push", () => {
  const web = snapshot({});

  it("is skipped as rolled-back there, and only there", () => {
    const rolledBack = { ...web, rolledBack: new Set([push.digest]) };
    expect(first(push, rolledBack, DEFAULT_CONFIG, { image: current(push) })).toStrictEqual({
      kind: "skip",
      service: expect.objectContaining({ serviceName: "web" }),
      category: "rolled-back",
      reason: `ECS rolled back a deployment of ${push.digest} on this service after it was pushed: not rolled out again (push a fix, or deploy it by hand)`,
    });
    // Another service of the same plan, where it was not rolled back, takes it.
    const plan = planRedeploy(push, [rolledBack, snapshot({ name: "api" })], DEFAULT_CONFIG, {
      image: current(push),
    });
    expect(plan.actions.map((a) => [a.service.serviceName, a.kind])).toEqual([
      ["api", "deploy"],
      ["web", "skip"],
    ]);
    const another = { ...web, rolledBack: new Set([`sha256:${"7".repeat(64)}`]) };
    expect(first(push, another, DEFAULT_CONFIG, { image: current(push) }).kind).toBe("deploy");
  });

  it("a rollback whose images ECS does not name fails closed where it may have run the pushed repository (issue 11, note 1)", () => {
    const plan = (unresolved: ServiceSnapshot["rolledBackUnresolved"]) =>
      first(push, { ...web, rolledBack: new Set(), rolledBackUnresolved: unresolved }, DEFAULT_CONFIG, {
        image: current(push),
      });
    const fix =
      "the pushed image may be the one that failed, so it is not rolled out (push a fix, or deploy it by hand)";
    expect(
      plan([{ deployment: "dep/1", container: "web", image: `${REGISTRY}/shop/web:main` }]),
    ).toMatchObject({
      category: "rolled-back",
      reason: `ECS rolled back dep/1 on this service after ${push.digest} was pushed, and its target revision names no digest for container 'web' (${REGISTRY}/shop/web:main: version consistency off): ${fix}`,
    });
    // No image named: a container of this revision's that runs the pushed repository.
    expect(plan([{ deployment: "dep/1", container: "migrate" }])).toMatchObject({
      category: "rolled-back",
      reason: `ECS rolled back dep/1 on this service after ${push.digest} was pushed, and its target revision names no digest for container 'migrate' (no image: version consistency off): ${fix}`,
    });
    expect(plan([{ deployment: "dep/2" }])).toMatchObject({
      category: "rolled-back",
      reason: `ECS rolled back dep/2 on this service after ${push.digest} was pushed and names no target revision for it: ${fix}`,
    });
    // A sidecar of another repository, or a container this revision does not have: nothing of the push.
    expect(
      plan([
        { deployment: "dep/1", container: "envoy", image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1" },
      ]).kind,
    ).toBe("deploy");
    expect(plan([{ deployment: "dep/1", container: "envoy" }]).kind).toBe("deploy");
    expect(plan([{ deployment: "dep/1", container: "gone" }]).kind).toBe("deploy");
  });

  it("an untracked service still says it is not tracked", () => {
    const untracked = { ...snapshot({ tags: {} }), rolledBack: new Set([push.digest]) };
    expect(first(push, untracked, DEFAULT_CONFIG, { image: current(push) })).toMatchObject({
      category: "not-tracked",
    });
  });
});

describe("tracksPush: the services asked whether ECS rolled the pushed digest back", () => {
  it("a tracked service with a container of the pushed repository, pinned or on a tag", () => {
    const pinned = snapshot({
      taskDefinition: {
        containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@sha256:${"1".repeat(64)}` }],
      },
    });
    expect(tracksPush(push, pinned, DEFAULT_CONFIG)).toBe(true);
    expect(tracksPush(push, snapshot({}), DEFAULT_CONFIG)).toBe(true);
  });

  it("not an untracked service, nor one with no container of the pushed repository", () => {
    expect(tracksPush(push, snapshot({ tags: {} }), DEFAULT_CONFIG)).toBe(false);
    const other = snapshot({
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/other:1.4.2` }] },
    });
    expect(tracksPush(push, other, DEFAULT_CONFIG)).toBe(false);
  });
});

describe("asksWhatRuns: where the plan needs ECS to say which digest runs", () => {
  const PINNED = `${REGISTRY}/shop/web@sha256:${"1".repeat(64)}`;
  const withContainers = (containers: ContainerDefinition[], tags?: Record<string, string>) =>
    snapshot({ ...(tags ? { tags } : {}), taskDefinition: { containerDefinitions: containers } });

  it("a tracked service with a container of the pushed repository on a tag", () => {
    expect(
      asksWhatRuns(
        push,
        withContainers([{ name: "web", image: `${REGISTRY}/shop/web:1.4.2` }]),
        DEFAULT_CONFIG,
      ),
    ).toBe(true);
  });

  it("not where that container is pinned, even with a sidecar of another repository on a tag", () => {
    const sidecar = {
      name: "log-router",
      image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
    };
    expect(
      asksWhatRuns(push, withContainers([{ name: "web", image: PINNED }, sidecar]), DEFAULT_CONFIG),
    ).toBe(false);
  });

  it("where one of several containers of the pushed repository is on a tag and another pinned", () => {
    expect(
      asksWhatRuns(
        push,
        withContainers([
          { name: "web", image: PINNED },
          { name: "jobs", image: `${REGISTRY}/shop/web:main` },
        ]),
        DEFAULT_CONFIG,
      ),
    ).toBe(true);
  });

  it("not for an untracked service, nor for a container autopilot:container leaves out", () => {
    const onTag = { name: "web", image: `${REGISTRY}/shop/web:1.4.2` };
    expect(asksWhatRuns(push, withContainers([onTag], {}), DEFAULT_CONFIG)).toBe(false);
    expect(
      asksWhatRuns(
        push,
        withContainers([{ name: "api", image: PINNED }, onTag], {
          "autopilot:redeploy": "minor",
          "autopilot:container": "api",
        }),
        DEFAULT_CONFIG,
      ),
    ).toBe(false);
  });
});

describe("planRedeploy: several images in one repository, told apart by a tag pattern", () => {
  const monorepo = (containers: ContainerDefinition[], taskDefinitionTags: Record<string, string> = {}) => ({
    ...snapshot({
      tags: { "autopilot:redeploy": "prefix:api-" },
      taskDefinition: { containerDefinitions: containers },
    }),
    taskDefinitionTags,
  });
  const api13 = { ...push, tag: "api-1.3" };
  const worker = { name: "worker", image: `${REGISTRY}/shop/web:worker-1.2` };

  it("updates only the containers whose running tag the pattern matches", () => {
    const action = first(
      api13,
      monorepo([{ name: "api", image: `${REGISTRY}/shop/web:api-1.2` }, worker]),
      DEFAULT_CONFIG,
      { image: current(api13) },
    );
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "api", fromTag: "api-1.2" }] });
    expect(action.kind === "deploy" ? action.updates : []).toHaveLength(1);
  });

  it("reads the tag of a container ecs-autopilot pinned from the revision", () => {
    const pinned = monorepo(
      [{ name: "api", image: `${REGISTRY}/shop/web@${`sha256:${"1".repeat(64)}`}` }, worker],
      {
        "autopilot:image-tag:api": "api-1.2",
      },
    );
    const action = first(api13, pinned, DEFAULT_CONFIG, { image: current(api13) });
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "api", fromTag: "api-1.2" }] });
    expect(action.kind === "deploy" ? action.updates : []).toHaveLength(1);
  });

  it("tells containers another tool pinned (no tag recorded) apart by their digests' tags in ECR", () => {
    const API = `sha256:${"a".repeat(64)}`;
    const WORKER = `sha256:${"c".repeat(64)}`;
    const pinned = monorepo([
      { name: "api", image: `${REGISTRY}/shop/web@${API}` },
      { name: "worker", image: `${REGISTRY}/shop/web@${WORKER}` },
    ]);
    const running = {
      // Any one of a digest's tags puts it in the family (`latest` does not match `api-`).
      [API]: { digest: API, pushedAt: "2026-11-26T09:00:00Z", tags: ["latest", "api-1.2"] },
      [WORKER]: { digest: WORKER, pushedAt: "2026-11-26T09:00:00Z", tags: ["worker-1.2", "latest"] },
    };
    const action = first(api13, pinned, DEFAULT_CONFIG, { image: { ...current(api13), running } });
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "api", fromDigest: API }] });
    expect(action.kind === "deploy" ? action.updates : []).toHaveLength(1);
    // Before ECR is read, both are candidates: both digests are asked for.
    expect(imageChecksFor(api13, [pinned], DEFAULT_CONFIG).running).toEqual([API, WORKER]);
  });

  it("a pinned container whose tags are not known is in no family, whatever the pattern matches", () => {
    const everything = parseConfig(
      JSON.stringify({
        redeploy: { rules: [{ cluster: "*", service: "*", repository: "*", policy: "glob:*" }] },
      }),
      "test config",
    );
    const mixed = {
      ...snapshot({
        tags: {},
        taskDefinition: {
          containerDefinitions: [
            { name: "app", image: `${REGISTRY}/shop/web:app-1` },
            { name: "old", image: `${REGISTRY}/shop/web@sha256:${"d".repeat(64)}` },
          ],
        },
      }),
    };
    const action = first({ ...push, tag: "app-2" }, mixed, everything, {
      image: current({ ...push, tag: "app-2" }),
    });
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "app" }] });
    expect(action.kind === "deploy" ? action.updates : []).toHaveLength(1);
  });

  it("with no container in the family, the first match goes only to those whose tag is unknown, never to one known to run another family", () => {
    // api's digest lost its tag to a re-push; the worker's digest is tagged worker-1.2.
    const API = `sha256:${"a".repeat(64)}`;
    const WORKER = `sha256:${"c".repeat(64)}`;
    const pinned = monorepo([
      { name: "api", image: `${REGISTRY}/shop/web@${API}` },
      { name: "worker", image: `${REGISTRY}/shop/web@${WORKER}` },
    ]);
    const running = {
      [API]: { digest: API, pushedAt: "2026-11-26T09:00:00Z", tags: [] },
      [WORKER]: { digest: WORKER, pushedAt: "2026-11-26T09:00:00Z", tags: ["worker-1.2"] },
    };
    const action = first(api13, pinned, DEFAULT_CONFIG, { image: { ...current(api13), running } });
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "api", fromDigest: API }] });
    expect(action.kind === "deploy" ? action.updates : []).toHaveLength(1);
  });

  it("asks ECR for the tags of exactly the pinned digests with no recorded tag, the pushed one excepted", () => {
    const ADMIN = `sha256:${"e".repeat(64)}`;
    const OURS = `sha256:${"f".repeat(64)}`;
    const containers = [
      { name: "api", image: `${REGISTRY}/shop/web:api-1.2` },
      // Pinned by another tool, no tag recorded: beside a family member, its tags are still asked.
      { name: "admin", image: `${REGISTRY}/shop/web@${ADMIN}` },
      // Already the pushed digest: nothing to ask.
      { name: "same", image: `${REGISTRY}/shop/web@${push.digest}` },
      // Pinned by ecs-autopilot, its tag and time recorded: asked only if the tag moved (`pinned`).
      { name: "ours", image: `${REGISTRY}/shop/web@${OURS}` },
    ];
    const checks = imageChecksFor(
      api13,
      [
        monorepo(containers, {
          "autopilot:image-tag:ours": "api-1.1",
          "autopilot:source-time:ours": "2026-11-26T09:00:00Z",
        }),
      ],
      DEFAULT_CONFIG,
    );
    expect(checks.running).toEqual(["api-1.2", ADMIN]);
    expect(checks.pinned).toEqual([OURS]);
  });

  it("takes the first match for the only container when it runs no matching tag (moving onto a pattern)", () => {
    const action = first(
      api13,
      monorepo([{ name: "app", image: `${REGISTRY}/shop/web:latest` }]),
      DEFAULT_CONFIG,
      {
        image: current(api13),
      },
    );
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "app", fromTag: "latest" }] });
  });

  it("hands the push to no container when none runs a matching tag and several could take it, until autopilot:container names one", () => {
    // Found in review (issue 11, round 11): this used to hand api-1.3 to both `app` and `worker`.
    const task = [{ name: "app", image: `${REGISTRY}/shop/web:latest` }, worker];
    const action = first(api13, monorepo(task), DEFAULT_CONFIG, { image: current(api13) });
    expect(action).toEqual({
      kind: "skip",
      service: expect.anything(),
      category: "container-ambiguous",
      reason:
        "tag autopilot:redeploy=prefix:api-: no container of web:7 runs a tag it matches, and 'app', 'worker' all could take 'api-1.3': name the one it is for with the autopilot:container tag on the service",
    });
    // Nothing to ask ECR for: every tag is known.
    expect(imageChecksFor(api13, [monorepo(task)], DEFAULT_CONFIG)).toMatchObject({ platform: false });
    const named = {
      ...monorepo(task),
      tags: { "autopilot:redeploy": "prefix:api-", "autopilot:container": "app" },
    };
    expect(first(api13, named, DEFAULT_CONFIG, { image: current(api13) })).toMatchObject({
      kind: "deploy",
      updates: [{ container: "app", fromTag: "latest" }],
    });
  });

  it("a pinned container whose recorded tag was copied joins its family by ECR's tags before the ambiguity is decided", () => {
    const API = `sha256:${"a".repeat(64)}`;
    const WORKER = `sha256:${"c".repeat(64)}`;
    // ecs-autopilot's tags, copied by a tool that pinned the API build onto a revision that said `app-7`.
    const pinned = monorepo(
      [
        { name: "api", image: `${REGISTRY}/shop/web@${API}` },
        { name: "worker", image: `${REGISTRY}/shop/web@${WORKER}` },
      ],
      {
        "autopilot:image-tag:api": "app-7",
        "autopilot:source-time:api": T1,
        "autopilot:image-tag:worker": "worker-1.2",
        "autopilot:source-time:worker": T1,
      },
    );
    expect(imageChecksFor(api13, [pinned], DEFAULT_CONFIG)).toMatchObject({
      platform: true,
      pinned: [API, WORKER],
    });
    const running = {
      [API]: { digest: API, pushedAt: T2, tags: ["api-1.2"] },
      [WORKER]: { digest: WORKER, pushedAt: T1, tags: ["worker-1.2"] },
    };
    const action = first(api13, pinned, DEFAULT_CONFIG, { image: { ...current(api13), running } });
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "api", fromTag: "api-1.2" }] });
    expect(action.kind === "deploy" ? action.updates : []).toHaveLength(1);
  });

  it("several containers pinned by another tool are asked of ECR before the ambiguity is decided", () => {
    const API = `sha256:${"a".repeat(64)}`;
    const WORKER = `sha256:${"c".repeat(64)}`;
    const pinned = monorepo([
      { name: "api", image: `${REGISTRY}/shop/web@${API}` },
      { name: "worker", image: `${REGISTRY}/shop/web@${WORKER}` },
    ]);
    // Before ECR is read, both tags are unknown: the checks are still asked for (ECR may place one).
    expect(imageChecksFor(api13, [pinned], DEFAULT_CONFIG)).toMatchObject({
      platform: true,
      tag: true,
      running: [API, WORKER],
    });
    // ECR names no tag of either (a rebuild of both moved their tags away): no container takes it.
    const untagged = {
      [API]: { digest: API, pushedAt: "2026-11-26T09:00:00Z", tags: [] },
      [WORKER]: { digest: WORKER, pushedAt: "2026-11-26T09:00:00Z", tags: [] },
    };
    expect(
      first(api13, pinned, DEFAULT_CONFIG, { image: { ...current(api13), running: untagged } }),
    ).toMatchObject({
      kind: "skip",
      category: "container-ambiguous",
    });
    // A pushed tag the pattern does not match is rejected as before (not an ambiguity).
    const worker13 = { ...push, tag: "worker-1.3" };
    expect(
      first(worker13, pinned, DEFAULT_CONFIG, { image: { ...current(worker13), running: untagged } }),
    ).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
    });
  });

  it("other policies keep every container of the repository", () => {
    const action = first(
      { ...push, tag: "1.5.0" },
      snapshot({
        taskDefinition: {
          containerDefinitions: [
            { name: "web", image: `${REGISTRY}/shop/web:1.4.2` },
            { name: "jobs", image: `${REGISTRY}/shop/web:main` },
          ],
        },
      }),
    );
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "web", fromTag: "1.4.2" }] });
  });
});

describe("planRedeploy: one deployment at a time", () => {
  it("queues behind the PRIMARY deployment when several are listed, wherever ECS lists it, with both reasons", () => {
    const draining = rolling([
      { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "COMPLETED" },
      { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "COMPLETED" },
    ]);
    expect(first(push, snapshot(draining))).toStrictEqual({
      kind: "queue",
      service: expect.objectContaining({ serviceName: "web" }),
      reason: `${BOTH}; queued behind deployment ecs-svc/2 (COMPLETED), one deployment at a time`,
      policySource: "tag autopilot:redeploy=minor",
      updates: expect.any(Array),
      behind: "ecs-svc/2",
    });
  });

  it("takes the deployment still rolling out over the PRIMARY one, and says 'in progress' when ECS gives no roll-out state", () => {
    const rollingBack = rolling([
      { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "FAILED" },
      { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "IN_PROGRESS" },
    ]);
    expect(first(push, snapshot(rollingBack))).toMatchObject({ kind: "queue", behind: "ecs-svc/1" });
    const noState = rolling([
      { id: "ecs-svc/2", status: "PRIMARY" },
      { id: "ecs-svc/1", status: "ACTIVE" },
    ]);
    expect(first(push, snapshot(noState))).toMatchObject({
      kind: "queue",
      behind: "ecs-svc/2",
      reason: `${BOTH}; queued behind deployment ecs-svc/2 (in progress), one deployment at a time`,
    });
  });

  it("ignores deployments ECS reported finished: the one left does not block", () => {
    const draining = snapshot(
      rolling([
        { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "COMPLETED" },
        { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "COMPLETED" },
      ]),
    );
    expect(
      first(push, draining, DEFAULT_CONFIG, { finishedDeployments: new Set(["ecs-svc/1"]) }),
    ).toMatchObject({
      kind: "deploy",
    });
    expect(
      first(push, draining, DEFAULT_CONFIG, { finishedDeployments: new Set(["ecs-svc/9"]) }),
    ).toMatchObject({
      kind: "queue",
      behind: "ecs-svc/2",
    });
  });

  const pending = (p: ImagePush): PendingPush => ({
    push: p,
    serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
    behind: "ecs-svc/1",
    queuedAt: "2026-11-26T10:00:11Z",
  });

  it("queues its own pending push again without superseding itself, and a first push supersedes nothing", () => {
    const own = first(push, snapshot({ ...inProgress, pending: pending(push) }));
    expect(own).toMatchObject({ kind: "queue", behind: "ecs-svc/2" });
    expect(own).not.toHaveProperty("supersedes");
    const alone = first(push, snapshot(inProgress));
    expect(alone).toMatchObject({ kind: "queue", behind: "ecs-svc/2" });
    expect(alone).not.toHaveProperty("supersedes");
  });

  it("any between non-version tags: a push delivered late never replaces a newer queued one (README: by push time)", () => {
    const anyPolicy = { ...inProgress, tags: { "autopilot:redeploy": "any" } };
    const develop = pending({
      ...push,
      tag: "develop",
      digest: RUNNING_DIGEST,
      eventId: "e-develop",
      time: T2,
    });
    expect(
      first({ ...push, tag: "main", time: T1 }, snapshot({ ...anyPolicy, pending: develop })),
    ).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: "develop is already queued behind deployment ecs-svc/1 and is not older",
    });
    const later = first({ ...push, tag: "main", time: T3 }, snapshot({ ...anyPolicy, pending: develop }));
    expect(later).toMatchObject({ kind: "queue", behind: "ecs-svc/2", supersedes: develop });
  });

  it("names the digest of a queued push that had no tag", () => {
    const { tag: _tag, ...byDigest } = push;
    const queued = pending({ ...byDigest, digest: RUNNING_DIGEST, eventId: "e-0", time: T2 });
    expect(first({ ...push, time: T1 }, snapshot({ ...inProgress, pending: queued }))).toMatchObject({
      kind: "skip",
      category: "superseded",
      reason: `${RUNNING_DIGEST} is already queued behind deployment ecs-svc/1 and is not older`,
    });
  });
});

describe("planRedeploy: enforce mode never deploys a revision it would remove", () => {
  const unsafe = snapshot({
    taskDefinition: {
      pidMode: "host",
      containerDefinitions: [
        { name: "web", image: `${REGISTRY}/shop/web:1.4.2`, essential: true, privileged: true },
        { name: "migrate", image: `${REGISTRY}/shop/web:1.4.2`, essential: false, privileged: true },
      ],
    },
  });
  const enforce = config({ policy: { mode: "enforce" } });

  it("skips as policy-violation, naming each blocking rule once", () => {
    expect(first(push, unsafe, enforce)).toMatchObject({
      kind: "skip",
      category: "policy-violation",
      reason: "the new revision violates ECS001, ECS005 (policy enforce mode)",
    });
  });

  it("skips a revision a blocking rule could not decide on, naming the rule and why, after the rules it violates", () => {
    // privileged "TRUE": a string where ECS takes a boolean, so ECS001 cannot tell (fails closed).
    const web = { name: "web", image: `${REGISTRY}/shop/web:1.4.2`, essential: true, privileged: "TRUE" };
    const undecided = snapshot({
      taskDefinition: { containerDefinitions: [web] },
    } as unknown as Parameters<typeof snapshot>[0]);
    expect(first(push, undecided, enforce)).toMatchObject({
      kind: "skip",
      category: "policy-violation",
      reason:
        'the new revision could not be checked: ECS001 at containerDefinitions[0].privileged: containerDefinitions[0].privileged is "TRUE", not a boolean: read as not known (policy enforce mode)',
    });
    const both = snapshot({
      taskDefinition: { pidMode: "host", containerDefinitions: [web, { ...web, name: "sidecar" }] },
    } as unknown as Parameters<typeof snapshot>[0]);
    expect(first(push, both, enforce)).toMatchObject({
      kind: "skip",
      category: "policy-violation",
      reason:
        'the new revision violates ECS005; the new revision could not be checked: ECS001 at containerDefinitions[0].privileged: containerDefinitions[0].privileged is "TRUE", not a boolean: read as not known; ECS001 at containerDefinitions[1].privileged: containerDefinitions[1].privileged is "TRUE", not a boolean: read as not known (policy enforce mode)',
    });
  });

  it("deploys it in audit mode, deploys a compliant revision in enforce mode, and honours the service's exemptions", () => {
    expect(first(push, unsafe).kind).toBe("deploy");
    expect(first(push, snapshot({}), enforce).kind).toBe("deploy");
    const exempt = snapshot({
      taskDefinition: unsafe.taskDefinition,
      service: { tags: [{ key: "autopilot:policy-exempt", value: "ECS001 ECS005" }] },
    });
    expect(first(push, exempt, enforce).kind).toBe("deploy");
  });
});

describe("planRedeploy: what the plan says of the image", () => {
  it("sums up the platform that fits and where it was read", () => {
    const action = first(push, snapshot({}));
    expect(action.kind === "deploy" && action.image).toStrictEqual({ platform: "linux/amd64 (image index)" });
    const graviton = snapshot({ taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64" } } });
    const arm64: ImageFacts = {
      digest: push.digest,
      platform: { known: true, platforms: [{ os: "linux", architecture: "arm64" }], from: "image config" },
    };
    const onArm = first(push, graviton, DEFAULT_CONFIG, { image: current(push, arm64) });
    expect(onArm.kind === "deploy" && onArm.image).toStrictEqual({ platform: "linux/arm64 (image config)" });
  });

  it("carries the image facts only when something was read", () => {
    expect(plan(push, [snapshot({})]).image).toStrictEqual(current(push));
    // No service would deploy: the loader read nothing but the digest.
    const nothingRead = plan({ ...push, tag: "2.0.0" }, [snapshot({})], DEFAULT_CONFIG, {
      image: { digest: push.digest },
    });
    expect(nothingRead).not.toHaveProperty("image");
    expect(planRedeploy(push, [snapshot({})], DEFAULT_CONFIG)).not.toHaveProperty("image");
    const signatureOnly: ImageFacts = {
      digest: push.digest,
      signature: { signatures: [], looked: ["cosign tag"] },
    };
    expect(plan(push, [snapshot({})], DEFAULT_CONFIG, { image: signatureOnly }).image).toBe(signatureOnly);
  });
});

describe("planRedeploy: which of ECR's tags a copied record gives way to (the run of 2026-11-27)", () => {
  // Found by mutation testing (issue 16): `checkedTag` keeps, of ECR's tags of a pinned digest, the
  // one the policy ranks highest, and the first by name only among tags it ranks the same.
  const DIGEST = `sha256:${"a".repeat(64)}`;
  const pinned = {
    ...snapshot({
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${DIGEST}` }] },
    }),
    // A pipeline pinned a later build onto a revision whose copied tags say 1.4.2, pushed at T1.
    taskDefinitionTags: { "autopilot:image-tag:web": "1.4.2", "autopilot:source-time:web": T1 },
  };
  const ecrSays = (p: ImagePush, tags: string[]) => ({
    image: { ...current(p), running: { [DIGEST]: { digest: DIGEST, pushedAt: T2, tags } } },
  });

  it("a commit tag that sorts first by name never stands for the running tag where ECR also lists a version", () => {
    expect(first(push, pinned, DEFAULT_CONFIG, ecrSays(push, ["0c5e1f2", "1.4.9"]))).toMatchObject({
      kind: "deploy",
      reason: "minor: 1.4.9 → 1.5.0",
      updates: [{ container: "web", fromTag: "1.4.9", fromDigest: DIGEST, toTag: "1.5.0" }],
    });
  });

  it("takes the highest version, not the last by name (1.10.0 over 1.9.0)", () => {
    const p = { ...push, tag: "1.10.1" };
    expect(first(p, pinned, DEFAULT_CONFIG, ecrSays(p, ["1.10.0", "1.9.0"]))).toMatchObject({
      kind: "deploy",
      reason: "minor: 1.10.0 → 1.10.1",
      updates: [{ container: "web", fromTag: "1.10.0", toTag: "1.10.1" }],
    });
  });

  it("between tags the policy ranks the same (1.5 and 1.5.0), the first by name", () => {
    const p = { ...push, tag: "1.5.1" };
    expect(first(p, pinned, DEFAULT_CONFIG, ecrSays(p, ["1.5.0", "1.5"]))).toMatchObject({
      kind: "deploy",
      updates: [{ container: "web", fromTag: "1.5", toTag: "1.5.1" }],
    });
  });
});

describe("imageChecksFor: which pinned digests ECR is asked about (the run of 2026-11-27)", () => {
  const A = `sha256:${"a".repeat(64)}`;
  const D = `sha256:${"d".repeat(64)}`;
  const W = `sha256:${"c".repeat(64)}`;

  it("a digest dated only by a revision-wide push time (the older format), never the pushed digest", () => {
    // The revision's one push time is used for every container: it may be about another image.
    const legacy = {
      ...snapshot({
        taskDefinition: {
          containerDefinitions: [
            { name: "web", image: `${REGISTRY}/shop/web@${A}` },
            { name: "migrate", image: `${REGISTRY}/shop/web:1.4.2` },
            { name: "same", image: `${REGISTRY}/shop/web@${push.digest}` },
          ],
        },
      }),
      taskDefinitionTags: { "autopilot:source-time": T1 },
    };
    expect(imageChecksFor(push, [legacy], DEFAULT_CONFIG)).toEqual({
      platform: true,
      signature: false,
      tag: true,
      running: ["1.4.2"],
      pinned: [A],
    });
  });

  it("under a pattern, a digest whose tag is recorded without a time, outside the family: its tag may be a copy", () => {
    const monorepo = {
      ...snapshot({
        tags: { "autopilot:redeploy": "prefix:api-" },
        taskDefinition: {
          containerDefinitions: [
            { name: "api", image: `${REGISTRY}/shop/web:api-1.2` },
            { name: "admin", image: `${REGISTRY}/shop/web@${D}` },
          ],
        },
      }),
      taskDefinitionTags: { "autopilot:image-tag:admin": "app-7" },
    };
    const api13 = { ...push, tag: "api-1.3" };
    expect(imageChecksFor(api13, [monorepo], DEFAULT_CONFIG)).toEqual({
      platform: true,
      signature: false,
      tag: true,
      running: ["api-1.2"],
      pinned: [D],
    });
    // ECR's answer puts it in the family: both containers take the push.
    const running = {
      "api-1.2": { digest: W, pushedAt: T1, tags: ["api-1.2"] },
      [D]: { digest: D, pushedAt: T1, tags: ["api-1.1"] },
    };
    expect(first(api13, monorepo, DEFAULT_CONFIG, { image: { ...current(api13), running } })).toMatchObject({
      kind: "deploy",
      updates: [
        { container: "api", fromTag: "api-1.2", toTag: "api-1.3" },
        { container: "admin", fromTag: "api-1.1", fromDigest: D, toTag: "api-1.3" },
      ],
    });
  });

  it("not a digest pinned with its tag in the image reference (`:app-7@sha256:…`), outside the family: nothing recorded can be a copy", () => {
    const monorepo = snapshot({
      tags: { "autopilot:redeploy": "prefix:api-" },
      taskDefinition: {
        containerDefinitions: [
          { name: "api", image: `${REGISTRY}/shop/web:api-1.2` },
          { name: "admin", image: `${REGISTRY}/shop/web:app-7@${D}` },
        ],
      },
    });
    expect(imageChecksFor({ ...push, tag: "api-1.3" }, [monorepo], DEFAULT_CONFIG)).toEqual({
      platform: true,
      signature: false,
      tag: true,
      running: ["api-1.2"],
    });
  });

  it("under a pattern, two digests of unknown tag dated by a copied revision-wide time are asked before the ambiguity is decided", () => {
    const pinned = {
      ...snapshot({
        tags: { "autopilot:redeploy": "prefix:api-" },
        taskDefinition: {
          containerDefinitions: [
            { name: "api", image: `${REGISTRY}/shop/web@${A}` },
            { name: "worker", image: `${REGISTRY}/shop/web@${W}` },
          ],
        },
      }),
      taskDefinitionTags: { "autopilot:source-time": T1 },
    };
    const api13 = { ...push, tag: "api-1.3" };
    expect(imageChecksFor(api13, [pinned], DEFAULT_CONFIG)).toEqual({
      platform: true,
      signature: false,
      tag: true,
      running: [A, W],
    });
    const running = {
      [A]: { digest: A, pushedAt: T1, tags: ["api-1.2"] },
      [W]: { digest: W, pushedAt: T1, tags: ["worker-1.2"] },
    };
    // ECR's tags put api in the family: the push is for it alone.
    const action = first(api13, pinned, DEFAULT_CONFIG, { image: { ...current(api13), running } });
    expect(action).toMatchObject({ kind: "deploy", updates: [{ container: "api", fromDigest: A }] });
    expect(action.kind === "deploy" ? action.updates.map((u) => u.container) : []).toEqual(["api"]);
  });
});

describe("planRedeploy: the family of a pinned digest whose record was copied (the run of 2026-11-27)", () => {
  it("is every tag ECR lists for it, also one the policy matches but cannot order (api-latest under order:numerical)", () => {
    const A = `sha256:${"a".repeat(64)}`;
    const numbered = config({
      redeploy: {
        rules: [{ cluster: "*", service: "*", repository: "*", policy: "order:numerical:^api-(.+)$" }],
      },
    });
    const pinned = {
      ...snapshot({
        tags: {},
        taskDefinition: {
          containerDefinitions: [
            { name: "api", image: `${REGISTRY}/shop/web@${A}` },
            { name: "api-canary", image: `${REGISTRY}/shop/web:api-42` },
          ],
        },
      }),
      // Copied with a revision of api-41; the digest pinned is a later build, which ECR tags with a
      // commit and the moving api-latest.
      taskDefinitionTags: { "autopilot:image-tag:api": "api-41", "autopilot:source-time:api": T1 },
    };
    const api43 = { ...push, tag: "api-43" };
    const running = { [A]: { digest: A, pushedAt: T2, tags: ["0c5e1f2", "api-latest"] } };
    const action = first(api43, pinned, numbered, { image: { ...current(api43), running } });
    expect(action).toMatchObject({
      kind: "deploy",
      updates: [
        { container: "api", fromDigest: A, toTag: "api-43" },
        { container: "api-canary", fromTag: "api-42", toTag: "api-43" },
      ],
    });
    expect(action.kind === "deploy" ? action.updates.map((u) => u.container) : []).toEqual([
      "api",
      "api-canary",
    ]);
  });
});

describe("planRedeploy: a digest another tool pinned, with no tag recorded (defect found in the run of 2026-11-27)", () => {
  // With no record, or only a revision-wide push time (the older format, here later than the image).
  it.each([[{}], [{ "autopilot:source-time": T3 }]])(
    "runs the tag ECR lists for it: a lower version pushed later is refused, not taken as the first match (revision tags %o)",
    (taskDefinitionTags: Record<string, string>) => {
      const A = `sha256:${"a".repeat(64)}`;
      const pinned = {
        ...snapshot({
          tags: { "autopilot:redeploy": "prefix:api-" },
          taskDefinition: { containerDefinitions: [{ name: "api", image: `${REGISTRY}/shop/web@${A}` }] },
        }),
        taskDefinitionTags,
      };
      // A hotfix of the older line, pushed after the api-1.2 build the service runs.
      const hotfix = { ...push, tag: "api-1.1.1", time: T2 };
      const running = { [A]: { digest: A, pushedAt: T1, tags: ["api-1.2"] } };
      expect(first(hotfix, pinned, DEFAULT_CONFIG, { image: { ...current(hotfix), running } })).toEqual({
        kind: "skip",
        service: expect.anything(),
        category: "policy-rejected",
        reason:
          "tag autopilot:redeploy=prefix:api-: prefix:api-: 'api-1.1.1' is older than 'api-1.2' (no downgrades)",
      });
      // A newer one names what it replaces.
      const api13 = { ...push, tag: "api-1.3", time: T2 };
      expect(first(api13, pinned, DEFAULT_CONFIG, { image: { ...current(api13), running } })).toMatchObject({
        kind: "deploy",
        reason: "prefix:api-: api-1.2 → api-1.3",
        updates: [{ container: "api", fromTag: "api-1.2", fromDigest: A, toTag: "api-1.3" }],
      });
    },
  );
});

describe("planRedeploy: the last version of a pinned container is a floor only where its revision's record is about the image (issue 11, note 5)", () => {
  const DIGEST = `sha256:${"a".repeat(64)}`;
  const any = { "autopilot:redeploy": "any" };
  const pinned = (taskDefinitionTags: Record<string, string>) => ({
    ...snapshot({
      tags: any,
      taskDefinition: { containerDefinitions: [{ name: "web", image: `${REGISTRY}/shop/web@${DIGEST}` }] },
    }),
    taskDefinitionTags,
  });
  const ecrSays = (tags: string[]) => ({
    image: { ...current(push), running: { [DIGEST]: { digest: DIGEST, pushedAt: T2, tags } } },
  });

  it("a recorded tag ECR shows was copied (another build's) takes its last version with it", () => {
    // Prod's revision (main, after 2.0.0) copied onto staging's, which another tool pinned to its
    // `develop` build, pushed after the recorded push.
    const copied = pinned({
      "autopilot:image-tag:web": "main",
      "autopilot:source-time:web": T1,
      "autopilot:last-version:web": "2.0.0",
    });
    expect(first(push, copied, DEFAULT_CONFIG, ecrSays(["develop"]))).toMatchObject({
      kind: "deploy",
      reason: "any: develop → 1.5.0 (not both versions, so no order between them)",
      updates: [{ container: "web", fromTag: "develop", toTag: "1.5.0" }],
    });
    // The record standing (ECR lists `main` for the digest): the service ran 2.0.0 before it.
    expect(first(push, copied, DEFAULT_CONFIG, ecrSays(["main"]))).toMatchObject({
      kind: "skip",
      category: "policy-rejected",
      reason:
        "tag autopilot:redeploy=any: any: '1.5.0' is older than '2.0.0', the last version the service ran before 'main' (no downgrades)",
    });
  });

  it("a last version with no tag recorded beside it says nothing of the image that runs", () => {
    // ecs-autopilot records both on every revision it registers; here only the last version is
    // there (tagged by hand, or by a tool that kept some of the autopilot: tags), and ECR lists no
    // tag for the digest: what runs is unknown, and the last version is no floor.
    const partial = pinned({ "autopilot:source-time:web": T1, "autopilot:last-version:web": "2.0.0" });
    expect(first(push, partial, DEFAULT_CONFIG, ecrSays([]))).toMatchObject({
      kind: "deploy",
      reason: "any: the running tag is unknown; '1.5.0' follows",
      updates: [{ container: "web", fromDigest: DIGEST, toTag: "1.5.0" }],
    });
  });
});
