/**
 * Review 37 (issue 11, Must show 6: "any input yields a typed value or an error naming the field
 * and file"): a resource whose type is an Object.prototype property.
 *
 * The policy inputs map a resource's type to its kind through plain objects
 * (`CLOUDFORMATION_TYPES[Type]`, `TERRAFORM_TYPES[type]`): `Type: constructor` in a CloudFormation
 * template, or `resource "constructor" "b" {}` in Terraform, finds `Object` there and is loaded as
 * an ECS resource whose `resourceType` is the function Object. `policy check` then reports the
 * file as "1 task definition: 0 findings" with exit 0, where the same file with any other non-ECS
 * type is refused as "a CloudFormation template without ECS resources" / "no ECS resources in this
 * Terraform file" (NOT_AN_ECS_INPUT, which `policy check` reports as not checked).
 */
import { describe, expect, it } from "vitest";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { PolicyInputError } from "../../../core/policy/loadTaskDefinitions.ts";

const refusal = (text: string, file: string) =>
  loadPolicyText(text, file).then(
    (resources) => resources.map((r) => String(r.resourceType)),
    (error: unknown) => error,
  );

describe("a resource type that is an Object.prototype name (review 37)", () => {
  it("CloudFormation: Type constructor is no ECS resource", async () => {
    const error = await refusal("Resources:\n  Bucket:\n    Type: constructor\n", "template.yaml");
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as Error).message).toBe(
      "template.yaml: a CloudFormation template without ECS resources (AWS::ECS::TaskDefinition, Service, Cluster, TaskSet, CapacityProvider)",
    );
  });

  it("Terraform: resource type constructor is no ECS resource", async () => {
    const error = await refusal('resource "constructor" "b" {\n  bucket = "x"\n}\n', "main.tf");
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as Error).message).toBe("main.tf: no ECS resources in this Terraform file");
  });
});
