/**
 * How a Terraform task definition's `container_definitions` is read (core/policy/inputs/terraformResources.ts):
 * a heredoc or templatefile() of JSON with interpolations, file() of a JSON file, or an expression
 * it cannot know; what is not there or not JSON is one error at the argument.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJsonTemplate } from "../../../core/policy/inputs/terraformResources.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { Unknown } from "../../../core/policy/types.ts";

const $ = (expression: string) => `$\{${expression}}`;
/** A task definition whose container_definitions is `value`, in main.tf of a new directory. */
function taskDefinition(value: string) {
  const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-tf-containers-"));
  const file = join(dir, "main.tf");
  const text = `resource "aws_ecs_task_definition" "web" {\n  family                = "web"\n  container_definitions = ${value}\n}\n`;
  return { dir, file, load: () => loadPolicyText(text, file) };
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "no error",
    (error: unknown) => (error as Error).message,
  );

describe("parseJsonTemplate: JSON with Terraform interpolations", () => {
  it("an interpolation is unknown, as written, inside a string or as a whole value; the rest is JSON", () => {
    const template = [
      "[{",
      '  "name": "app",',
      `  "command": ["sh", "-c", "echo \\"${$("var.greeting")}\\" > /tmp/x"],`,
      `  "cpu": ${$("var.cpu")},`,
      `  "environment": [{ "name": "A", "value": "${$("jsonencode({ a = 1 })")}" }],`,
      '  "essential": true',
      "}]",
    ].join("\n");
    expect(parseJsonTemplate(template)).toEqual([
      {
        name: "app",
        command: ["sh", "-c", new Unknown(`echo "${$("var.greeting")}" > /tmp/x`)],
        cpu: new Unknown($("var.cpu")),
        environment: [{ name: "A", value: new Unknown($("jsonencode({ a = 1 })")) }],
        essential: true,
      },
    ]);
  });

  it("a template directive is unknown; an escaped `$${` is no interpolation", () => {
    const [container] = parseJsonTemplate(
      `[{ "user": "%{ if var.root }0%{ else }1000%{ endif }", "image": "$${$("literal")}" }]`,
    ) as Array<Record<string, unknown>>;
    expect(container?.user).toBeInstanceOf(Unknown);
    expect(container?.image).toBe(`$${$("literal")}`);
  });
});

describe("container_definitions of a Terraform task definition", () => {
  it("a heredoc of JSON is read; a heredoc that is not JSON is one error at the argument", async () => {
    const good = taskDefinition('<<EOF\n[{ "name": "app", "image": "nginx:1.27" }]\nEOF');
    expect((await good.load())[0]?.document.containerDefinitions).toEqual([
      { name: "app", image: "nginx:1.27" },
    ]);
    const bad = taskDefinition('<<EOF\n[{ "name": "app", }]\nEOF');
    expect(await failure(bad.load())).toMatch(
      new RegExp(`^${bad.file}:3:3: container_definitions is not valid JSON \\(`),
    );
  });

  it("file() of a path Terraform computes (other than path.module) is unknown; of an absolute path is read", async () => {
    const computed = taskDefinition(`file("${$("var.dir")}/containers.json")`);
    expect((await computed.load())[0]?.document.containerDefinitions).toEqual(
      new Unknown(`file("${$("var.dir")}/containers.json")`),
    );
    const elsewhere = mkdtempSync(join(tmpdir(), "ecs-autopilot-tf-abs-"));
    writeFileSync(join(elsewhere, "c.json"), '[{ "name": "app", "image": "nginx:1.27" }]');
    const absolute = taskDefinition(`file("${join(elsewhere, "c.json")}")`);
    expect((await absolute.load())[0]?.document.containerDefinitions).toEqual([
      { name: "app", image: "nginx:1.27" },
    ]);
    // A container's field is in that file; the list as a whole is the argument of main.tf.
    const [task] = await absolute.load();
    expect(task?.locate(["containerDefinitions", 0, "image"])).toEqual({
      line: 1,
      column: 19,
      file: join(elsewhere, "c.json"),
    });
    expect(task?.locate(["containerDefinitions"])).toEqual({ line: 3, column: 3 });
  });

  it("file() of a file that is not JSON or not a file, or a file or template nested too deep, is one error at the argument", async () => {
    const notJson = taskDefinition('file("c.json")');
    writeFileSync(join(notJson.dir, "c.json"), "[{ name: app }]");
    expect(await failure(notJson.load())).toMatch(
      new RegExp(`^${notJson.file}:3:3: container_definitions in c\\.json is not valid JSON \\(`),
    );
    const deep = taskDefinition('file("c.json")');
    writeFileSync(join(deep.dir, "c.json"), `${"[".repeat(101)}${"]".repeat(101)}`);
    expect(await failure(deep.load())).toBe(
      `${deep.file}:3:3: container_definitions in c.json is nested more than 100 levels deep`,
    );
    const deepTemplate = taskDefinition('templatefile("c.json.tpl", {})');
    writeFileSync(join(deepTemplate.dir, "c.json.tpl"), `${"[".repeat(101)}${"]".repeat(101)}`);
    expect(await failure(deepTemplate.load())).toBe(
      `${deepTemplate.file}:3:3: container_definitions in c.json.tpl is nested more than 100 levels deep`,
    );
    const directory = taskDefinition('file("defs")');
    mkdirSync(join(directory.dir, "defs"));
    expect(await failure(directory.load())).toBe(
      `${directory.file}:3:3: container_definitions reads defs (${join(directory.dir, "defs")}), which cannot be read (EISDIR)`,
    );
  });

  it("templatefile() findings stay in the .tf file (the template's lines are not the value's)", async () => {
    const templated = taskDefinition('templatefile("c.json.tpl", { image = var.image })');
    writeFileSync(join(templated.dir, "c.json.tpl"), `[\n  { "name": "app", "image": "${$("image")}" }\n]\n`);
    const [task] = await templated.load();
    expect(task?.locate(["containerDefinitions", 0, "image"])).toMatchObject({ line: 3 });
    expect(task?.locate(["containerDefinitions", 0, "image"])?.file).toBeUndefined();
  });
});
