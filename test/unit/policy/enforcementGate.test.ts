import type { RegisterTaskDefinitionCommandInput, Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import { enforcementBlockers } from "../../../core/policy/index.ts";
import { POLICY_SKIP_TAG_PREFIX, SERVICE_TAGS } from "../../../core/tags.ts";
import { compliant, container, type Json } from "./ruleCases.ts";

/**
 * What the redeploy flow asks before it rolls out a revision in enforce mode: the findings that
 * would make the policy deregister it. The revision here breaks only ECS019 (medium): its
 * essential container has no health check, which matters only behind a load balancer.
 */
function revision(): RegisterTaskDefinitionCommandInput {
  const td = compliant();
  delete container(td).healthCheck;
  return td as unknown as RegisterTaskDefinitionCommandInput;
}
const behindLoadBalancer = (tags: Service["tags"] = []): Service => ({
  serviceName: "web",
  loadBalancers: [
    {
      targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef",
      containerName: "web",
      containerPort: 8080,
    },
  ],
  tags,
});
const enforceAt = (severity: "high" | "medium" | "low") =>
  parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: severity } }), "test").policy;
const blockers = (...args: Parameters<typeof enforcementBlockers>) =>
  enforcementBlockers(...args).map((f) => `${f.ruleId} ${f.severity} ${f.path}`);

describe("enforcementBlockers: which findings keep a revision from being deployed", () => {
  it("blocks on a finding at the enforce severity or above, not below it", () => {
    const finding = "ECS019 medium containerDefinitions[0].healthCheck";
    expect(blockers(revision(), [], behindLoadBalancer(), enforceAt("low"))).toEqual([finding]);
    expect(blockers(revision(), [], behindLoadBalancer(), enforceAt("medium"))).toEqual([finding]);
    expect(blockers(revision(), [], behindLoadBalancer(), enforceAt("high"))).toEqual([]);
  });

  it("judges the revision as the service runs it: no load balancer, no ECS019", () => {
    expect(blockers(revision(), [], { serviceName: "web" }, enforceAt("medium"))).toEqual([]);
    expect(blockers(revision(), [], undefined, enforceAt("medium"))).toEqual([]);
  });

  it("lets a revision through whose policy-skip tag gives a reason; without a reason the tag blocks itself", () => {
    const skip = (value: string) => [{ key: `${POLICY_SKIP_TAG_PREFIX}ECS019`, value }];
    expect(
      blockers(
        revision(),
        skip("the NLB checks the port, ticket OPS-7"),
        behindLoadBalancer(),
        enforceAt("medium"),
      ),
    ).toEqual([]);
    // ECS000 (medium): a suppression without a reason suppresses nothing.
    expect(blockers(revision(), skip(""), behindLoadBalancer(), enforceAt("medium"))).toEqual([
      "ECS000 medium tags",
      "ECS019 medium containerDefinitions[0].healthCheck",
    ]);
  });

  it("honours the service's exemption tag", () => {
    const exempt = behindLoadBalancer([{ key: SERVICE_TAGS.policyExempt, value: "ECS019" }]);
    expect(blockers(revision(), [], exempt, enforceAt("medium"))).toEqual([]);
    const other = behindLoadBalancer([{ key: SERVICE_TAGS.policyExempt, value: "ECS013" }]);
    expect(blockers(revision(), [], other, enforceAt("medium"))).toEqual([
      "ECS019 medium containerDefinitions[0].healthCheck",
    ]);
  });
});

describe("enforcementBlockers: a rule that could not decide blocks too (review 30, issue 11)", () => {
  const kinds = (...args: Parameters<typeof enforcementBlockers>) =>
    enforcementBlockers(...args).map((b) => `${b.kind} ${b.ruleId} ${b.path}: ${b.message}`);

  it("at or above the threshold, naming the rule and why; below it, not", () => {
    const td = revision();
    container(td as unknown as Json).privileged = "TRUE";
    const undecided =
      'undecided ECS001 containerDefinitions[0].privileged: containerDefinitions[0].privileged is "TRUE", not a boolean: read as not known';
    expect(kinds(td, [], undefined, enforceAt("high"))).toEqual([undecided]);
    const readOnly = revision();
    container(readOnly as unknown as Json).readonlyRootFilesystem = "yes";
    expect(kinds(readOnly, [], undefined, enforceAt("high"))).toEqual([]);
    expect(kinds(readOnly, [], undefined, enforceAt("medium"))).toEqual([
      'undecided ECS002 containerDefinitions[0].readonlyRootFilesystem: containerDefinitions[0].readonlyRootFilesystem is "yes", not a boolean: read as not known',
    ]);
  });

  it("the revision about to be registered has no placeholder: an image named like one is decided", () => {
    const td = revision();
    container(td as unknown as Json).image = "docker.io/acme/web:REPLACE_ME";
    expect(kinds(td, [], undefined, enforceAt("high"))).toEqual([
      "violation ECS014 containerDefinitions[0].image: container 'web': registry 'docker.io' is not allowed",
    ]);
  });
});
