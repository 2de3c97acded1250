/**
 * The exact values the policy reads from its inputs before any rule runs: which ids a service's
 * `autopilot:policy-exempt` tag exempts, which CloudFormation objects are intrinsics, which maps
 * keep their user keys, and what a task definition read from the ECS API carries (tags, family,
 * inline suppressions).
 */
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { behindLoadBalancer, runOfRunners } from "../../../core/policy/fields.ts";
import { fromEcsApi, normalize, suppressionsFromTags } from "../../../core/policy/normalize.ts";
import { serviceExemptions } from "../../../core/policy/serviceContext.ts";
import { Unknown } from "../../../core/policy/types.ts";
import { POLICY_SKIP_TAG_PREFIX, SERVICE_TAGS } from "../../../core/tags.ts";

const exempted = (value: string | undefined): string[] =>
  serviceExemptions({
    tags: value === undefined ? [] : [{ key: SERVICE_TAGS.policyExempt, value }],
  } as Service).map((e) => e.ruleId);

describe("serviceExemptions: the ids of the service's policy-exempt tag", () => {
  it("exempts each ECS id, whatever the whitespace between them", () => {
    expect(exempted("ECS004 ECS011")).toEqual(["ECS004", "ECS011"]);
    expect(exempted(" ECS004 \t ECS011 ")).toEqual(["ECS004", "ECS011"]);
    expect(
      serviceExemptions({ tags: [{ key: SERVICE_TAGS.policyExempt, value: "ECS004" }] } as Service),
    ).toEqual([{ ruleId: "ECS004", by: `service tag ${SERVICE_TAGS.policyExempt}` }]);
  });

  it("ignores words that are not a whole ECS id (prefix or suffix around it)", () => {
    expect(exempted("all ECS004 xECS005 ECS0066 ecs007")).toEqual(["ECS004"]);
  });

  it("exempts nothing without the tag, or with an empty one", () => {
    expect(exempted(undefined)).toEqual([]);
    expect(exempted("")).toEqual([]);
    expect(serviceExemptions(undefined)).toEqual([]);
  });
});

describe("normalize: which CloudFormation objects are intrinsics", () => {
  it("a one-key Ref, Condition or Fn:: object is a value not known yet", () => {
    for (const intrinsic of [{ Ref: "Image" }, { Condition: "IsProd" }, { "Fn::Join": ["-", ["a", "b"]] }]) {
      const result = normalize(intrinsic, true);
      expect(result).toBeInstanceOf(Unknown);
      expect((result as Unknown).description).toBe(JSON.stringify(intrinsic));
    }
  });

  it("any other object is a property, in camel case", () => {
    expect(normalize({ Name: "app" }, true)).toEqual({ name: "app" });
    expect(normalize({ Ref: "x", Name: "app" }, true)).toEqual({ ref: "x", name: "app" });
    expect(normalize({ Fn: "x" }, true)).toEqual({ fn: "x" });
  });

  it("user-keyed maps (DockerLabels, Options) keep their keys as written", () => {
    const template = {
      DockerLabels: { "Com.Example": "a" },
      Options: { Mode: "non-blocking" },
      LogConfiguration: { options: { "Awslogs-Group": "g" } },
      Inner: { dockerLabels: { Team: "t" } },
    };
    expect(normalize(template, true)).toEqual({
      dockerLabels: { "Com.Example": "a" },
      options: { Mode: "non-blocking" },
      logConfiguration: { options: { "Awslogs-Group": "g" } },
      inner: { dockerLabels: { Team: "t" } },
    });
  });
});

describe("suppressionsFromTags", () => {
  it("reads key/value and Key/Value, a missing value is an empty reason", () => {
    expect(
      suppressionsFromTags(
        [
          { key: `${POLICY_SKIP_TAG_PREFIX}ECS013`, value: " batch job " },
          { Key: `${POLICY_SKIP_TAG_PREFIX}ECS004`, Value: "legacy" },
          { key: `${POLICY_SKIP_TAG_PREFIX}ECS008` },
          { value: "no key" },
          { key: "team", value: "shop" },
        ],
        "Tags",
      ),
    ).toEqual([
      { ruleId: "ECS013", reason: "batch job", source: "Tags" },
      { ruleId: "ECS004", reason: "legacy", source: "Tags" },
      { ruleId: "ECS008", reason: "", source: "Tags" },
    ]);
  });
});

describe("fromEcsApi: a task definition from DescribeTaskDefinition", () => {
  const skip = { key: `${POLICY_SKIP_TAG_PREFIX}ECS013`, value: "batch" };

  it("takes the tags beside the definition when it has none of its own", () => {
    const loaded = fromEcsApi({ family: "shop" }, [skip]);
    expect(loaded.taskDefinition.tags).toEqual([skip]);
    expect(loaded.family).toBe("shop");
    expect(loaded.suppressions).toEqual([{ ruleId: "ECS013", reason: "batch", source: "tags" }]);
  });

  it("keeps the definition's own tags", () => {
    const own = [{ key: "team", value: "shop" }];
    expect(fromEcsApi({ family: "shop", tags: own }, [skip]).taskDefinition.tags).toEqual(own);
  });

  it("adds no tags when there are none, and no family when it has none", () => {
    const loaded = fromEcsApi({ containerDefinitions: [] }, []);
    expect(loaded.taskDefinition.tags).toBeUndefined();
    expect("family" in loaded).toBe(false);
  });
});

describe("behindLoadBalancer", () => {
  it("an unknown list of load balancers makes it unknown, the same value", () => {
    const unknown = new Unknown("dynamic load_balancer");
    expect(behindLoadBalancer(unknown)).toEqual({ behindLoadBalancer: unknown });
    expect(behindLoadBalancer(unknown).behindLoadBalancer).toBe(unknown);
  });
});

describe("runOfRunners: how the services and task sets that run a task definition run it", () => {
  const lb = [{ containerName: "app", containerPort: 80 }];
  const unknown = new Unknown("dynamic load_balancer");

  it("is behind a load balancer when any runner is, whatever the others' lists are", () => {
    expect(runOfRunners([{ loadBalancers: [] }, { loadBalancers: unknown }, { loadBalancers: lb }])).toEqual({
      behindLoadBalancer: true,
    });
  });

  it("is unknown when none is behind one and one's list is unknown (the same value)", () => {
    const run = runOfRunners([{ loadBalancers: [] }, { loadBalancers: unknown }]);
    expect(run).toEqual({ behindLoadBalancer: unknown });
    expect(run.behindLoadBalancer).toBe(unknown);
  });

  it("says nothing of load balancers when no runner has any, or there is no runner", () => {
    expect(runOfRunners([{ loadBalancers: [] }, {}])).toEqual({});
    expect(runOfRunners([])).toEqual({});
  });

  it("takes the first platform version and launch type a runner gives", () => {
    expect(
      runOfRunners([
        { launchType: "EC2" },
        { platformVersion: "1.4.0", launchType: "FARGATE" },
        { platformVersion: "LATEST" },
      ]),
    ).toEqual({ platformVersion: "1.4.0", launchType: "EC2" });
  });
});
