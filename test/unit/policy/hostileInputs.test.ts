/**
 * Inputs that broke `policy check` before (issue 11 and the fuzzing in test/fuzz/), each kept as
 * the case that found it: every one now fails as a PolicyInputError naming the file, or loads.
 */
import { describe, expect, it } from "vitest";
import {
  hclNestingDepth,
  jsonNestingDepth,
  yamlNestingDepth,
} from "../../../core/policy/inputs/nestingDepth.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { loadTaskDefinitionText, PolicyInputError } from "../../../core/policy/loadTaskDefinitions.ts";

const refused = async (text: string, file: string) => {
  const error = await loadPolicyText(text, file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyInputError);
  expect((error as PolicyInputError).file).toBe(file);
  return error as PolicyInputError;
};

describe("hostile policy inputs", () => {
  it("refuses a YAML alias bomb naming the file (was a ReferenceError without it)", async () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const bomb = `${levels.join("\n")}\n`;
    const error = await refused(bomb, "bomb.yaml");
    expect(error.message).toBe(
      "bomb.yaml: not valid YAML: its aliases expand more than 100 times (refused as a resource-exhaustion attack)",
    );
    expect(() => loadTaskDefinitionText(bomb, "bomb.yaml")).toThrow(PolicyInputError);
  });

  it("refuses an alias without its anchor naming the file (found by fuzzing: a JSON file holding *a*b)", async () => {
    expect((await refused("*a*a*a*a*a*a*a*a*b", "taskdef.json")).message).toBe(
      "taskdef.json: not valid YAML: Unresolved alias (the anchor must be set before the alias): a*a*a*a*a*a*a*a*b",
    );
  });

  it("refuses an alias inside the node it names (a cycle) with its line (was a RangeError: Maximum call stack size exceeded)", async () => {
    const cyclic = [
      "family: web",
      "containerDefinitions: &c",
      "  - name: app",
      "    image: nginx:1.27",
      "    links: *c",
      "",
    ].join("\n");
    const error = await refused(cyclic, "td.yaml");
    expect(error.message).toBe(
      "td.yaml:5:12: not valid YAML: the alias *c is inside the node it names (&c), which would make the value endless",
    );
    expect(() => loadTaskDefinitionText(cyclic, "td.yaml")).toThrow(PolicyInputError);
    // Nested deeper: the alias sits in a list inside a map inside the anchored node.
    expect((await refused("a: &a\n  b:\n    - c: *a\n", "deep.yaml")).message).toBe(
      "deep.yaml:3:10: not valid YAML: the alias *a is inside the node it names (&a), which would make the value endless",
    );
  });

  it("refuses containerDefinitions: [null] naming the path and its line (was checked as if valid), in every input format", async () => {
    expect(
      (
        await refused(
          JSON.stringify({ family: "web", containerDefinitions: [null] }, null, 2),
          "taskdef.json",
        )
      ).message,
    ).toBe("taskdef.json:4:5: web: containerDefinitions[0] must be an object, not null");
    expect(
      (
        await refused(
          "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n        - 42\n",
          "template.yaml",
        )
      ).message,
    ).toBe("template.yaml:8:11: Task: containerDefinitions[1] must be an object, not 42");
    expect(
      (
        await refused(
          'resource "aws_ecs_task_definition" "web" {\n  family = "web"\n  container_definitions = jsonencode([null])\n}\n',
          "main.tf",
        )
      ).message,
    ).toBe("main.tf:3:39: aws_ecs_task_definition.web: containerDefinitions[0] must be an object, not null");
    expect(() =>
      loadTaskDefinitionText(JSON.stringify({ family: "web", containerDefinitions: [null] }), "taskdef.json"),
    ).toThrow("taskdef.json:1:41: web: containerDefinitions[0] must be an object, not null");
  });

  it("refuses a container's list that holds something other than objects, and a list that is not one", async () => {
    const container = { name: "web", image: "nginx", portMappings: [{ containerPort: 80 }, "8080"] };
    expect(
      (await refused(JSON.stringify({ family: "web", containerDefinitions: [container] }), "taskdef.json"))
        .message,
    ).toMatch(
      /^taskdef\.json:\d+:\d+: web: containerDefinitions\[0\]\.portMappings\[1\] must be an object, not "8080"$/,
    );
    expect(
      (
        await refused(
          "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Volumes: data\n      ContainerDefinitions: []\n",
          "template.yaml",
        )
      ).message,
    ).toBe("template.yaml:5:7: Task: volumes must be a list");
  });

  it("takes values it cannot know (intrinsics, Terraform expressions) as they are", async () => {
    const template =
      "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - !If [IsProd, {Name: web, Image: nginx}, !Ref AWS::NoValue]\n      Volumes: !Ref Volumes\n";
    expect(await loadPolicyText(template, "template.yaml")).toHaveLength(1);
  });

  it("refuses a file nested deeper than real inputs before parsing it (nesting made the YAML parser overflow the stack, and V8 then ended the process)", async () => {
    const deep = [
      ["deep-maps.json", `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`],
      ["deep-lists.json", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
      ["deep-block.yaml", `${"- ".repeat(20_000)}x\n`],
      ["deep-maps-again.json", `${'{"a":'.repeat(3_000)}1${"}".repeat(3_000)}`],
    ] as const;
    for (const [file, text] of deep)
      expect((await refused(text, file)).message).toBe(
        `${file}: nested more than 100 levels deep; refused before parsing (real task definitions and templates nest far less)`,
      );
    const fine = { family: "web", containerDefinitions: [{ name: "web", image: "nginx" }] };
    let nested: unknown = fine;
    for (let i = 0; i < 90; i++) nested = { x: nested };
    await expect(
      loadPolicyText(JSON.stringify({ ...fine, tags: [{ key: "k", value: "v" }], extra: nested }), "ok.json"),
    ).resolves.toHaveLength(1);
  });

  it("refuses Terraform nested deeper than real files before HCL's parser sees it (it overflowed, and its Go runtime then never parsed another file)", async () => {
    const resource = (value: string) =>
      `resource "aws_ecs_task_definition" "t" {\n  family = "x"\n  tags = { a = ${value} }\n}\n`;
    const hostile = [
      ["brackets.tf", resource(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)],
      ["interpolations.tf", resource(`${'"${'.repeat(10_000)}1${'}"'.repeat(10_000)}`)],
      ["unary.tf", resource(`${"!".repeat(100_000)}true`)],
    ] as const;
    for (const [file, text] of hostile)
      expect((await refused(text, file)).message).toBe(
        `${file}: nested more than 100 levels deep; refused before parsing (real Terraform nests far less)`,
      );
    // The parser still works afterwards.
    const good = resource('"web"').replace(
      'tags = { a = "web" }',
      'container_definitions = jsonencode([{ name = "a", image = "b" }])',
    );
    await expect(loadPolicyText(good, "good.tf")).resolves.toHaveLength(1);
  });
});

/** `${x}` in HCL (spelt so that it is not read as a JavaScript template). */
const interpolation = (expression: string) => ["$", "{", expression, "}"].join("");

describe("nesting depth, read without recursion", () => {
  it("counts what the parsers recurse into, skipping strings, heredocs and comments", () => {
    expect(yamlNestingDepth('{"a": {"b": [1, "[[[["]}}')).toBe(3);
    // JSON as JSON.parse read it (the fast path): brackets in strings, escaped quotes included.
    expect(jsonNestingDepth('{"a": {"b": [1, "[[[[", "\\"{{", "\\\\"], "c\\"": [[]]}}')).toBe(4);
    expect(jsonNestingDepth(`${"[".repeat(150)}${"]".repeat(150)}`)).toBe(101);
    expect(yamlNestingDepth("a:\n  b:\n    - c: |\n        [[[[\n")).toBe(4);
    expect(hclNestingDepth(`a = [{ b = "${interpolation("x")}" }]`)).toBe(3);
    expect(
      hclNestingDepth(`a = "]]]]" # [[[[\nb = <<EOF\n]]]] ${interpolation("[1]")}\nEOF\nc = [[1]]`),
    ).toBe(2);
    expect(hclNestingDepth('a = "$${[[[[" // ((((\n/* {{{{ */')).toBe(0);
    expect(hclNestingDepth("a = !!!true")).toBe(3);
  });
});
