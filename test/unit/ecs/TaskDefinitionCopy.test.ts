import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { copyTaskDefinition, isReservedTagKey, mergeTags } from "../../../core/ecs/index.ts";
import { REVISION_TAGS } from "../../../core/tags.ts";

/**
 * A real DescribeTaskDefinition output (test/fixtures/taskdefs/SOURCES.tsv: COS301-SE-2023/Where-is-the-power):
 * Fargate, 21 GiB ephemeral storage, an X86_64/LINUX runtime platform, and every read-only field.
 */
const described = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, "../../fixtures/taskdefs/33-COS301-SE-2023__Where-is-the-power.json"),
    "utf8",
  ),
) as TaskDefinition & { tags?: unknown };

const IMAGE = "147882094138.dkr.ecr.eu-central-1.amazonaws.com/witp";
const PINNED = `${IMAGE}@sha256:${"b".repeat(64)}`;

describe("copyTaskDefinition: the new revision is the old one with only the images changed", () => {
  it("keeps runtimePlatform, ephemeralStorage and every other settable field of the revision", () => {
    const input = copyTaskDefinition(described, new Map([["witp", PINNED]]), []);
    expect(input.runtimePlatform).toEqual({ cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" });
    expect(input.ephemeralStorage).toEqual({ sizeInGiB: 21 });
    expect(input).toMatchObject({
      family: "witp-server",
      executionRoleArn: "arn:aws:iam::147882094138:role/ecsTaskExecutionRole",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "1024",
      memory: "2048",
      volumes: [],
      placementConstraints: [],
    });
  });

  it("drops exactly the fields RegisterTaskDefinition does not take", () => {
    const withDeregistered = { ...described, deregisteredAt: new Date("2024-01-01T00:00:00Z") };
    const input: object = copyTaskDefinition(withDeregistered, new Map(), []);
    for (const field of [
      "taskDefinitionArn",
      "revision",
      "status",
      "requiresAttributes",
      "compatibilities",
      "registeredAt",
      "registeredBy",
      "deregisteredAt",
    ])
      expect(input, field).not.toHaveProperty(field);
    const kept = Object.keys(described).filter(
      (f) =>
        ![
          "taskDefinitionArn",
          "revision",
          "status",
          "requiresAttributes",
          "compatibilities",
          "registeredAt",
          "registeredBy",
        ].includes(f),
    );
    expect(Object.keys(input).sort()).toEqual(kept.sort());
  });

  it("replaces the image of the named containers only, and copies the rest of each container", () => {
    const current: TaskDefinition = {
      ...described,
      containerDefinitions: [
        ...(described.containerDefinitions ?? []),
        { name: "envoy", image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.0.0-prod", essential: false },
      ],
    };
    const input = copyTaskDefinition(current, new Map([["witp", PINNED]]), []);
    expect(input.containerDefinitions?.map((c) => [c.name, c.image])).toEqual([
      ["witp", PINNED],
      ["envoy", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.0.0-prod"],
    ]);
    const { image: _before, ...restBefore } = described.containerDefinitions?.[0] ?? {};
    const { image: _after, ...restAfter } = input.containerDefinitions?.[0] ?? {};
    expect(restAfter).toEqual(restBefore);
    expect(described.containerDefinitions?.[0]?.image).toBe(IMAGE);
  });

  it("shares no object with the described revision (a later edit of the input cannot change it)", () => {
    const input = copyTaskDefinition(described, new Map([["envoy", "x"]]), []);
    expect(input.runtimePlatform).not.toBe(described.runtimePlatform);
    expect(input.ephemeralStorage).not.toBe(described.ephemeralStorage);
    expect(input.containerDefinitions?.[0]).not.toBe(described.containerDefinitions?.[0]);
    expect(input.containerDefinitions?.[0]?.logConfiguration).not.toBe(
      described.containerDefinitions?.[0]?.logConfiguration,
    );
  });

  it("sets the tags it is given, and leaves tags out when there are none", () => {
    const tagged = copyTaskDefinition(described, new Map(), [{ key: "team", value: "grid" }]);
    expect(tagged.tags).toEqual([{ key: "team", value: "grid" }]);
    const { tags: _tags, ...untagged } = described;
    expect(copyTaskDefinition(untagged, new Map(), [])).not.toHaveProperty("tags");
  });
});

describe("mergeTags", () => {
  it("keeps the revision's own tags and image tags, replaces autopilot's others with ours", () => {
    const merged = mergeTags(
      {
        team: "shop",
        "autopilot:source-event": "old-event",
        "autopilot:policy-findings": "3",
        "autopilot:image-tag:sidecar": "2.0.0",
        "autopilot:image-tag:web": "1.4.2",
      },
      { "autopilot:source-event": "new-event", "autopilot:image-tag:web": "1.5.0" },
    );
    expect(Object.fromEntries(merged.map((t) => [t.key, t.value]))).toEqual({
      team: "shop",
      "autopilot:source-event": "new-event",
      "autopilot:image-tag:sidecar": "2.0.0",
      "autopilot:image-tag:web": "1.5.0",
    });
  });
});

// Tags CloudFormation writes on the revisions it registers, as DescribeTaskDefinition returns them.
const FROM_CLOUDFORMATION = {
  "aws:cloudformation:stack-name": "shop",
  "aws:cloudformation:logical-id": "WebTaskDefinition",
  "AWS:Odd-Case": "x",
  team: "shop",
};

describe("the revision copy and AWS's reserved tags", () => {
  it("never carries aws: tags (any case) into a new revision, which RegisterTaskDefinition would refuse", () => {
    const merged = mergeTags(FROM_CLOUDFORMATION, { [REVISION_TAGS.previousRevision]: "web:3" });
    expect(merged).toEqual([
      { key: "team", value: "shop" },
      { key: REVISION_TAGS.previousRevision, value: "web:3" },
    ]);
  });

  it("drops them from tags handed to the copy directly too", () => {
    const current: TaskDefinition = {
      family: "web",
      containerDefinitions: [{ name: "web", image: "nginx:1" }],
    };
    const copy = copyTaskDefinition(current, new Map(), [
      { key: "aws:cloudformation:stack-id", value: "arn:aws:cloudformation:…" },
      { key: "team", value: "shop" },
    ]);
    expect(copy.tags).toEqual([{ key: "team", value: "shop" }]);
    expect(isReservedTagKey("Aws:x")).toBe(true);
    expect(isReservedTagKey("awsome")).toBe(false);
  });
});

describe("mergeTags and what the containers run", () => {
  it("keeps the image tag and the last version, and replaces the other autopilot tags", () => {
    const current = {
      team: "shop",
      "autopilot:image-tag:web": "main",
      "autopilot:last-version:web": "1.2.3",
      "autopilot:source-event": "e-1",
      "autopilot:rightsized-from": "1024/2048",
    };
    // A copy that does not touch the image (right-sizing) must not forget the last version `any` compares with.
    expect(mergeTags(current, { "autopilot:rightsized-from": "512/1024" })).toEqual([
      { key: "team", value: "shop" },
      { key: "autopilot:image-tag:web", value: "main" },
      { key: "autopilot:last-version:web", value: "1.2.3" },
      { key: "autopilot:rightsized-from", value: "512/1024" },
    ]);
  });
  it("leaves out fields the revision does not set, instead of copying them as undefined", () => {
    // A TaskDefinition built in code (or by an older SDK) can carry keys whose value is undefined;
    // the plan printed by --dry-run and compared in tests must not list them as settings.
    const sparse: TaskDefinition = { ...described, pidMode: undefined, ipcMode: undefined };
    const input = copyTaskDefinition(sparse, new Map(), []);
    expect(Object.keys(input)).not.toContain("pidMode");
    expect(Object.keys(input)).not.toContain("ipcMode");
    expect(Object.entries(input).filter(([, value]) => value === undefined)).toEqual([]);
  });
});
