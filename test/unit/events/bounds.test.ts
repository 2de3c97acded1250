import { describe, expect, it } from "vitest";
import {
  describeIssues,
  EcrImageActionEvent,
  EcsDeploymentStateChangeEvent,
  MAX_KEY_PART,
} from "../../../core/events/index.ts";
import type * as z from "../../../core/zod.ts";
import { loadFixture } from "../../support/fixtures.ts";

const push = () =>
  loadFixture("ecr-image-action-push.json") as Record<string, unknown> & {
    detail: Record<string, unknown>;
  };
const problems = (schema: z.ZodMiniType, event: unknown) => {
  const result = schema.safeParse(event);
  return result.success ? "" : describeIssues(result.error.issues);
};

describe("event field bounds (the limits AWS documents)", () => {
  it("takes an id, ARN or deployment id up to the key limit and refuses one character more", () => {
    expect(problems(EcrImageActionEvent, { ...push(), id: "a".repeat(MAX_KEY_PART) })).toBe("");
    expect(problems(EcrImageActionEvent, { ...push(), id: "a".repeat(MAX_KEY_PART + 1) })).toBe(
      "id: Too big: expected string to have <=1024 characters",
    );
    const deployment = loadFixture("ecs-deployment-state-change-failed.json") as {
      detail: Record<string, unknown>;
    };
    deployment.detail.deploymentId = "ecs-svc/\u0000";
    expect(problems(EcsDeploymentStateChangeEvent, deployment)).toBe(
      "detail.deploymentId: printable ASCII without spaces",
    );
  });

  it("holds the ECR fields to ECR's API limits: repository name 2-256 of its pattern, tag 1-300", () => {
    const event = push();
    event.detail["repository-name"] = `a${"/b".repeat(127)}`;
    expect(problems(EcrImageActionEvent, event)).toBe("");
    event.detail["repository-name"] = "a".repeat(257);
    expect(problems(EcrImageActionEvent, event)).toBe(
      "detail.repository-name: Too big: expected string to have <=256 characters",
    );
    event.detail["repository-name"] = "Shop/Web";
    expect(problems(EcrImageActionEvent, event)).toBe(
      "detail.repository-name: an ECR repository name (lowercase letters, digits, . _ - and /)",
    );
    event.detail["repository-name"] = "shop/web";
    event.detail["image-tag"] = "t".repeat(301);
    expect(problems(EcrImageActionEvent, event)).toBe(
      "detail.image-tag: Too big: expected string to have <=300 characters",
    );
  });

  it("takes a sha512 digest and refuses a longer one", () => {
    const event = push();
    event.detail["image-digest"] = `sha512:${"a".repeat(128)}`;
    expect(problems(EcrImageActionEvent, event)).toBe("");
    event.detail["image-digest"] = `sha512:${"a".repeat(129)}`;
    expect(problems(EcrImageActionEvent, event)).toBe(
      "detail.image-digest: Too big: expected string to have <=135 characters",
    );
  });

  it("takes only a 12-digit account", () => {
    expect(problems(EcrImageActionEvent, { ...push(), account: "12345" })).toBe(
      "account: a 12-digit AWS account id",
    );
  });
});
