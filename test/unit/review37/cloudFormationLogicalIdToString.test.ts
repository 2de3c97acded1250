/**
 * Review 37 (issue 11, Must show 6: "any input yields a typed value or an error naming the field
 * and file — never a TypeError"): a CloudFormation template whose task definition's logical ID is
 * `toString`, `valueOf` or `constructor`.
 *
 * CloudFormation takes any alphanumeric logical ID, these included. `policy check` loads such a
 * template, and as soon as a rule finds something, locating the finding in the file (JSON or
 * YAML: `locate(["Resources", logicalId, "Properties", …])` with the CloudFormation field aliases)
 * looks the segment up in the plain `ALIASES` object: `ALIASES["toString"]` is
 * Object.prototype.toString, and spreading it throws "TypeError: ((intermediate value) ?? []) is
 * not iterable" (core/policy/inputs/structuredText.ts `locateNode`, and the JSON locator alike).
 * The whole check fails with a TypeError instead of reporting the privileged container on its line.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateResource } from "../../../core/policy/evaluate.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";

const yaml = (id: string) =>
  [
    "Resources:",
    `  ${id}:`,
    "    Type: AWS::ECS::TaskDefinition",
    "    Properties:",
    "      ContainerDefinitions:",
    "        - Name: app",
    "          Image: nginx",
    "          Privileged: true",
    "",
  ].join("\n");

const json = (id: string) =>
  JSON.stringify(
    {
      Resources: {
        [id]: {
          Type: "AWS::ECS::TaskDefinition",
          Properties: { ContainerDefinitions: [{ Name: "app", Image: "nginx", Privileged: true }] },
        },
      },
    },
    null,
    2,
  );

describe("a CloudFormation logical ID that is an Object.prototype name (review 37)", () => {
  it.each([
    ["toString", "template.yaml", yaml, 8],
    ["valueOf", "template.yaml", yaml, 8],
    ["constructor", "template.json", json, 10],
  ] as const)("%s in %s: the privileged container is reported on its line", async (id, file, text, line) => {
    const [resource, ...rest] = await loadPolicyText(text(id), file);
    expect(rest).toEqual([]);
    const result = evaluateResource(resource as NonNullable<typeof resource>, DEFAULT_CONFIG.policy);
    const privileged = result.findings.find((f) => f.ruleId === "ECS001");
    expect(privileged?.message).toBe("container 'app' runs privileged");
    expect(privileged?.location?.line).toBe(line);
  });
});
