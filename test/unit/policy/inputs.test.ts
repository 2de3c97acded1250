import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  evaluateResource,
  evaluateTaskDefinition,
  loadTaskDefinitionFile,
  loadTaskDefinitionText,
  PolicyInputError,
  Unknown,
} from "../../../core/policy/index.ts";
import { loadPolicyFile } from "../../../core/policy/loadPolicyFile.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "fixtures", "policy");
const check = async (file: string) => {
  const loaded = await loadTaskDefinitionFile(resolve(FIXTURES, file));
  return loaded.map((l) => evaluateTaskDefinition(l, DEFAULT_CONFIG.policy));
};

describe("policy inputs", () => {
  it("reads a CloudFormation YAML template: short-form intrinsics are unknowns, its service gives the run context", async () => {
    const [evaluation] = await check("service.template.yaml");
    expect(evaluation?.subject).toBe("shop-web");
    expect(evaluation?.findings.map((f) => `${f.ruleId} ${f.path} @${f.location?.line}`)).toEqual([
      "ECS003 containerDefinitions[0].environment[1] @33",
      "ECS012 taskRoleArn @21",
      "ECS019 containerDefinitions[0].healthCheck @23",
    ]);
    expect(evaluation?.suppressed.map((s) => [s.finding.ruleId, s.reason])).toEqual([
      ["ECS016", "drops are managed by the platform team's base image (OPS-231)"],
    ]);
    // The image is `!Sub …:${ImageTag}`: whether it is pinned and allowed is unknown, not passed.
    expect(evaluation?.unknown.map((u) => `${u.ruleId} ${u.path} @${u.location?.line}`)).toEqual([
      "ECS014 containerDefinitions[0].image @24",
      "ECS013 containerDefinitions[0].image @24",
    ]);
  });

  it("checks the template's service itself: the platform version is found on the service's own line", async () => {
    const resources = await loadPolicyFile(resolve(FIXTURES, "service.template.yaml"));
    const service = resources.find((r) => r.resourceType === "service");
    const evaluation = service && evaluateResource(service, DEFAULT_CONFIG.policy);
    expect(evaluation?.address).toBe("WebService");
    expect(evaluation?.findings.map((f) => `${f.ruleId} ${f.path} @${f.location?.line}`)).toEqual([
      "ECS038 deploymentConfiguration.deploymentCircuitBreaker.enable @43",
      "ECS008 platformVersion @47",
    ]);
  });

  it("reads CDK synth output (JSON with Fn::Join images and GetAtt roles) without crashing on intrinsics", async () => {
    const [evaluation] = await check("cdk-synth.template.json");
    expect(evaluation?.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      "ECS001 containerDefinitions[0].privileged",
      "ECS009 volumes[0].efsVolumeConfiguration.transitEncryption",
      "ECS015 containerDefinitions[0].linuxParameters.capabilities.add[0]",
    ]);
  });

  it("reads the DescribeTaskDefinition shape and keeps unknown values unknown", () => {
    const [loaded] = loadTaskDefinitionText(
      JSON.stringify({
        taskDefinition: {
          family: "x",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, literally
          containerDefinitions: [{ name: "a", image: { "Fn::Sub": "${Repo}:1" } }],
        },
        tags: [],
      }),
      "describe.json",
    );
    expect(loaded?.kind).toBe("describe");
    const container = (
      (loaded?.taskDefinition.containerDefinitions ?? []) as Array<Record<string, unknown>>
    )[0];
    expect(container?.image).toBeInstanceOf(Unknown);
  });

  it.each([
    ['{ "family": "x", "containerDefinitions": [ }', "broken.json:1:", "not valid JSON"],
    ["family: x\n  containerDefinitions: [\n", "broken.yaml:", "not valid YAML"],
    ['{ "name": "not a task definition" }', "other.json:1:1", "not a task definition"],
    [
      "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
      "bucket.yaml",
      "without an AWS::ECS::TaskDefinition",
    ],
  ])("reports %j as one error naming the file and position", (text, where, problem) => {
    const file = where.split(":")[0] ?? "";
    let error: unknown;
    try {
      loadTaskDefinitionText(text, file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as Error).message.startsWith(where)).toBe(true);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });
});
