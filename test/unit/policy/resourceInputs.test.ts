import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateResource, PolicyInputError } from "../../../core/policy/index.ts";
import { loadPolicyFile, loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "fixtures", "policy");

async function results(file: string) {
  return (await loadPolicyFile(file)).flatMap((resource) => {
    const evaluation = evaluateResource(resource, DEFAULT_CONFIG.policy);
    return [
      ...evaluation.findings.map(
        (f) => `${resource.resourceType} ${resource.subject} ${f.ruleId} ${f.path} @${f.location?.line}`,
      ),
      ...evaluation.unknown.map(
        (u) => `${resource.resourceType} ${resource.subject} ?${u.ruleId} ${u.path} @${u.location?.line}`,
      ),
    ];
  });
}

describe("CloudFormation services, clusters, task sets and capacity providers", () => {
  it("checks every ECS resource of a template, with the service's cluster read through !Ref", async () => {
    expect(await results(resolve(FIXTURES, "platform.template.yaml"))).toEqual([
      "cluster prod ECS023 settings[0].value @10",
      "cluster prod ECS025 configuration.executeCommandConfiguration.logConfiguration.s3EncryptionEnabled @17",
      "capacityProvider on-demand ECS026 autoScalingGroupProvider.managedTerminationProtection @24",
      // ECS Exec on in cluster prod, whose OVERRIDE logging names a bucket (by !Ref): logged.
      // EXTERNAL deployment controller: no circuit breaker rule.
      "taskSet ApiTaskSet ECS022 networkConfiguration.awsvpcConfiguration.assignPublicIp @42",
    ]);
  });

  it("follows Checkov's CKV_AWS_65 fixtures: missing and disabled fail, enabled and enhanced pass", async () => {
    const checkov = resolve(FIXTURES, "checkov", "cloudformation");
    const verdict = async (file: string) =>
      (await results(resolve(checkov, file))).filter((r) => r.includes("ECS023")).length > 0
        ? "FAILED"
        : "PASSED";
    expect(
      await Promise.all(
        [
          "ECSClusterContainerInsights-FAILED.yaml",
          "ECSClusterContainerInsights-FAILED-2.yaml",
          "ECSClusterContainerInsights-PASSED.yaml",
          "ECSClusterContainerInsights-PASSED2.yaml",
        ].map(verdict),
      ),
    ).toEqual(["FAILED", "FAILED", "PASSED", "PASSED"]);
  });

  it("follows Checkov's CKV_AWS_97 fixtures: DISABLED and unset transit encryption fail, ENABLED and non-EFS pass", async () => {
    const checkov = resolve(FIXTURES, "checkov", "cloudformation");
    const failed = async (file: string) =>
      (await results(resolve(checkov, file))).filter((r) => r.includes("ECS009")).map((r) => r.split(" ")[1]);
    expect(await failed("ECSTaskDefinitionEFSVolumeEncryption-FAILED.yaml")).toEqual([
      "Resource0",
      "Resource1",
    ]);
    expect(await failed("ECSTaskDefinitionEFSVolumeEncryption-PASSED.yaml")).toEqual([]);
  });

  it("says a template without ECS resources is one, so directories pass over it", async () => {
    await expect(loadPolicyText("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "b.yaml")).rejects.toThrow(
      PolicyInputError,
    );
    await expect(loadPolicyText("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", "b.yaml")).rejects.toThrow(
      "a CloudFormation template without ECS resources",
    );
  });
});

describe("ECS API JSON: DescribeServices and DescribeClusters output", () => {
  it("checks services and clusters in the shapes the AWS CLI prints, on their lines", async () => {
    expect(await results(resolve(FIXTURES, "ecs", "describe-services.json"))).toEqual([
      "service web ECS021 networkConfiguration.awsvpcConfiguration.assignPublicIp @16",
      "service web ECS008 platformVersion @8",
    ]);
    expect(await results(resolve(FIXTURES, "ecs", "describe-clusters.json"))).toEqual([
      "cluster prod ECS024 configuration.executeCommandConfiguration.logging @8",
    ]);
  });

  it("takes the account and region from the ARN, for the rules that compare them", async () => {
    const [service] = await loadPolicyFile(resolve(FIXTURES, "ecs", "describe-services.json"));
    expect(service?.run).toEqual({ account: "123456789012", region: "eu-west-1" });
  });
});
