import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { copyTaskDefinition, isReservedTagKey, mergeTags } from "../../../core/ecs/index.ts";
import { REVISION_TAGS } from "../../../core/tags.ts";

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
});
