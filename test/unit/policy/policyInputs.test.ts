/**
 * What the policy reads from its inputs before any rule runs, asserted through the rule that
 * decides on it: which CloudFormation intrinsics stand for a value that is there (normalize), and
 * what a service adds to the check of the revision it runs (serviceContext).
 */
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  evaluateTaskDefinition,
  fromEcsApi,
  loadTaskDefinitionText,
  runContextOf,
  serviceExemptions,
} from "../../../core/policy/index.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { compliant, container } from "./ruleCases.ts";

/**
 * ECS017's decision for a CloudFormation template whose task definition reads a secret, with
 * `ExecutionRoleArn` as given (absent when undefined): `ECS017 path` for a finding, `?ECS017 path`
 * when the rule cannot decide, nothing when the role is there.
 */
function ecs017(executionRoleArn: unknown): string[] {
  const template = {
    Parameters: { ExecRoleArn: { Type: "String" } },
    Resources: {
      ExecRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: {} } },
      Task: {
        Type: "AWS::ECS::TaskDefinition",
        Properties: {
          Family: "shop",
          ...(executionRoleArn === undefined ? {} : { ExecutionRoleArn: executionRoleArn }),
          ContainerDefinitions: [
            {
              Name: "app",
              Image: "nginx:1.27",
              Secrets: [{ Name: "DB", ValueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/db" }],
            },
          ],
        },
      },
    },
  };
  const [loaded] = loadTaskDefinitionText(JSON.stringify(template), "template.json");
  if (!loaded) throw new Error("the template holds a task definition");
  const evaluation = evaluateTaskDefinition(loaded, DEFAULT_CONFIG.policy);
  return [
    ...evaluation.findings.filter((f) => f.ruleId === "ECS017").map((f) => `ECS017 ${f.path}`),
    ...evaluation.unknown.filter((u) => u.ruleId === "ECS017").map((u) => `?ECS017 ${u.path}`),
  ];
}

describe("CloudFormation intrinsics: a reference to a resource is there, anything else may be empty", () => {
  it("a role given by Ref or GetAtt of a resource is there: ECS017 passes", () => {
    expect(ecs017({ Ref: "ExecRole" })).toEqual([]);
    expect(ecs017({ "Fn::GetAtt": ["ExecRole", "Arn"] })).toEqual([]);
  });

  it("a pseudo parameter (AWS::NoValue removes the property) or a template parameter may be empty: ECS017 is unknown", () => {
    expect(ecs017({ Ref: "AWS::NoValue" })).toEqual(["?ECS017 executionRoleArn"]);
    expect(ecs017({ Ref: "ExecRoleArn" })).toEqual(["?ECS017 executionRoleArn"]);
  });

  it("a function (Fn::If, Fn::Sub) may give anything: ECS017 is unknown", () => {
    expect(ecs017({ "Fn::If": ["IsProd", { Ref: "ExecRole" }, { Ref: "AWS::NoValue" }] })).toEqual([
      "?ECS017 executionRoleArn",
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, literally
    expect(ecs017({ "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/exec" })).toEqual([
      "?ECS017 executionRoleArn",
    ]);
  });

  it("no role and a secret is a finding on the secrets", () => {
    expect(ecs017(undefined)).toEqual(["ECS017 containerDefinitions[0].secrets"]);
  });
});

/** A revision whose only finding is ECS019 (medium) when its service is behind a load balancer. */
function withoutHealthCheck(): Record<string, unknown> {
  const td = compliant();
  delete container(td).healthCheck;
  return td;
}
const exemptBy = (value: string): Service => ({
  serviceName: "web",
  loadBalancers: [{ containerName: "web", containerPort: 8080, targetGroupArn: "arn:tg" }],
  tags: [{ key: SERVICE_TAGS.policyExempt, value }],
});
/** ECS019's outcome for the revision as the service runs it: finding, exempted (by whom), or nothing. */
function ecs019(service: Service | undefined): string[] {
  const evaluation = evaluateTaskDefinition(
    fromEcsApi(withoutHealthCheck(), [], runContextOf(service)),
    DEFAULT_CONFIG.policy,
    { extraExemptions: serviceExemptions(service) },
  );
  return [
    ...evaluation.findings.filter((f) => f.ruleId === "ECS019").map((f) => `ECS019 ${f.path}`),
    ...evaluation.suppressed
      .filter((s) => s.finding.ruleId === "ECS019")
      .map((s) => `exempt ECS019 by ${s.by}`),
  ];
}

describe("what a service adds to the check of its revision", () => {
  it("its load balancers: behind one, an essential container without a health check is ECS019", () => {
    expect(
      ecs019({ serviceName: "web", loadBalancers: [{ containerName: "web", containerPort: 8080 }] }),
    ).toEqual(["ECS019 containerDefinitions[0].healthCheck"]);
    expect(ecs019({ serviceName: "web", loadBalancers: [] })).toEqual([]);
    expect(ecs019({ serviceName: "web" })).toEqual([]);
    expect(ecs019(undefined)).toEqual([]);
  });

  it("its exemption tag: rule ids separated by any whitespace, named by the tag", () => {
    const byTag = `exempt ECS019 by service tag ${SERVICE_TAGS.policyExempt}`;
    expect(ecs019(exemptBy("ECS019"))).toEqual([byTag]);
    expect(ecs019(exemptBy("ECS013  ECS019"))).toEqual([byTag]);
    expect(ecs019(exemptBy("ECS013\tECS019\n"))).toEqual([byTag]);
  });

  it("its exemption tag: only whole rule ids count", () => {
    for (const value of ["ECS013", "ECS0190", "xECS019", "ECS019,ECS013", "ecs019", "ECS19", ""])
      expect(ecs019(exemptBy(value)), value).toEqual(["ECS019 containerDefinitions[0].healthCheck"]);
  });

  it("its platform version and launch type: as the service gives them, nothing when it gives none", () => {
    expect(runContextOf({ platformVersion: "1.4.0", launchType: "FARGATE" })).toEqual({
      platformVersion: "1.4.0",
      launchType: "FARGATE",
    });
    expect(runContextOf({ serviceName: "web" })).toEqual({});
    expect(runContextOf(undefined)).toEqual({});
  });
});
