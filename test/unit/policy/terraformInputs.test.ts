import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  evaluateResource,
  ModulesNotExpandedError,
  PolicyInputError,
  Unknown,
} from "../../../core/policy/index.ts";
import { wholeExpression } from "../../../core/policy/inputs/terraformDocuments.ts";
import { loadPolicyFile, loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "fixtures", "policy");
const CHECKOV = resolve(FIXTURES, "checkov", "terraform");

/** `address ruleId path @line` of every finding, and of every unknown (prefixed `?`), per file. */
async function results(file: string, config = DEFAULT_CONFIG) {
  const found: string[] = [];
  for (const resource of await loadPolicyFile(file)) {
    const evaluation = evaluateResource(resource, config.policy);
    for (const f of evaluation.findings)
      found.push(`${resource.address} ${f.ruleId} ${f.path} @${f.location?.line}`);
    for (const u of evaluation.unknown)
      found.push(`${resource.address} ?${u.ruleId} ${u.path} @${u.location?.line}`);
  }
  return found;
}
const only = (list: string[], rule: string) =>
  list.filter((l) => l.includes(` ${rule} `) || l.includes(`?${rule} `));

describe("Terraform input (Checkov's own ECS fixtures)", () => {
  it("CKV_AWS_333: only the service with assign_public_ip = true, on that line", async () => {
    expect(only(await results(join(CHECKOV, "ECSServicePublicIP", "main.tf")), "ECS021")).toEqual([
      "aws_ecs_service.fail ECS021 networkConfiguration.awsvpcConfiguration.assignPublicIp @44",
    ]);
  });

  it("assign_public_ip given as a string Terraform converts to a bool ('true', '1') assigns public IPs, on a service and a task set", async () => {
    const network = (value: string) =>
      `  network_configuration {\n    subnets          = ["subnet-1"]\n    assign_public_ip = ${value}\n  }\n`;
    const tf = (value: string) =>
      `resource "aws_ecs_service" "web" {\n  name = "web"\n${network(value)}}\n` +
      `resource "aws_ecs_task_set" "blue" {\n  service         = "web"\n  cluster         = "main"\n  task_definition = "web:1"\n${network(value)}}\n`;
    const publicIps = async (value: string) => {
      const found: string[] = [];
      for (const resource of await loadPolicyText(tf(value), join(tmpdir(), "public-ip.tf")))
        for (const f of evaluateResource(resource, DEFAULT_CONFIG.policy).findings)
          if (f.ruleId === "ECS021" || f.ruleId === "ECS022")
            found.push(`${resource.address} ${f.ruleId} ${f.path} @${f.location?.line}: ${f.message}`);
      return found;
    };
    for (const on of ["true", '"true"', '"1"'])
      expect(await publicIps(on), on).toEqual([
        "aws_ecs_service.web ECS021 networkConfiguration.awsvpcConfiguration.assignPublicIp @5: the service gives every task a public IP address",
        "aws_ecs_task_set.blue ECS022 networkConfiguration.awsvpcConfiguration.assignPublicIp @14: the task set gives every task a public IP address",
      ]);
    for (const off of ["false", '"false"', '"0"']) expect(await publicIps(off), off).toEqual([]);
  });

  it("CKV_AWS_332: only the Fargate service pinned to 1.4.0; LATEST and unset pass", async () => {
    expect(only(await results(join(CHECKOV, "ECSServiceFargateLatest", "main.tf")), "ECS008")).toEqual([
      "aws_ecs_service.fail ECS008 platformVersion @15",
    ]);
  });

  it("CKV_AWS_223: logging NONE fails; unset and DEFAULT pass", async () => {
    expect(only(await results(join(CHECKOV, "ECSClusterLoggingEnabled", "main.tf")), "ECS024")).toEqual([
      "aws_ecs_cluster.fail ECS024 configuration.executeCommandConfiguration.logging @6",
    ]);
  });

  it("CKV_AWS_224: exec configured without a KMS key fails; a key given by reference is present; NONE is ECS024's", async () => {
    const found = await results(join(CHECKOV, "ECSClusterLoggingEncryptedWithCMK", "main.tf"));
    // Checkov also fails fail2/fail3/fail5 (key set, DEFAULT logging, no destination flag): with
    // DEFAULT logging ECS writes to the task's own log group and the flags do not apply (see notes).
    expect(only(found, "ECS025")).toEqual([
      "aws_ecs_cluster.fail ECS025 configuration.executeCommandConfiguration.kmsKeyId @39",
    ]);
    expect(only(found, "ECS024")).toEqual([
      "aws_ecs_cluster.unknown2 ECS024 configuration.executeCommandConfiguration.logging @21",
    ]);
  });

  it("CKV_AWS_249: the same role string twice fails", async () => {
    expect(only(await results(join(CHECKOV, "ECSTaskDefinitionRoleCheck", "main.tf")), "ECS012")).toEqual([
      "aws_ecs_task_definition.fail ECS012 taskRoleArn @40",
    ]);
  });

  it("CKV_AWS_336: every container without readonlyRootFilesystem, at its own line inside jsonencode()", async () => {
    expect(only(await results(join(CHECKOV, "ECSContainerReadOnlyRoot", "main.tf")), "ECS002")).toEqual([
      // The container that lacks the key: its opening brace; the ones that set false: that line.
      "aws_ecs_task_definition.fail ECS002 containerDefinitions[1].readonlyRootFilesystem @63",
      "aws_ecs_task_definition.fail2 ECS002 containerDefinitions[0].readonlyRootFilesystem @98",
      "aws_ecs_task_definition.fail2 ECS002 containerDefinitions[1].readonlyRootFilesystem @114",
    ]);
  });

  it("CKV_AWS_334 reads a `privilege` key ECS does not have: following AWS, `privilege = true` is not privileged", async () => {
    expect(only(await results(join(CHECKOV, "ECSContainerPrivilege", "main.tf")), "ECS001")).toEqual([]);
  });

  it("CKV_AWS_335 reads container-level pidMode, which ECS ignores: following AWS, only task-level pidMode counts", async () => {
    expect(only(await results(join(CHECKOV, "ECSContainerHostProcess", "main.tf")), "ECS005")).toEqual([]);
    const [task] = await loadPolicyText(
      'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  pid_mode = "host"\n  container_definitions = jsonencode([{ name = "a", image = "x" }])\n}\n',
      join(tmpdir(), "pid.tf"),
    );
    const evaluation = task && evaluateResource(task, DEFAULT_CONFIG.policy);
    expect(
      evaluation?.findings.filter((f) => f.ruleId === "ECS005").map((f) => `${f.path} @${f.location?.line}`),
    ).toEqual(["pidMode @3"]);
  });

  it("reads container_definitions from a heredoc and from jsonencode() with comments, secrets on their lines", async () => {
    expect(only(await results(join(CHECKOV, "ecs_heredoc", "main.tf")), "ECS003")).toEqual([
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[1] @12",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[2] @18",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[3] @22",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[4] @26",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[5] @30",
    ]);
    // Every secret-looking entry but the first (SOME_NAME), each on the line its object opens,
    // past the `#` and `//` comments jsonencode() allows.
    expect(only(await results(join(CHECKOV, "ecs_jsonencode", "main.tf")), "ECS003")).toEqual([
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[1] @16",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[2] @22",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[3] @29",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[4] @34",
      "aws_ecs_task_definition.service ECS003 containerDefinitions[0].environment[5] @38",
    ]);
  });
});

describe("Terraform input (a module: references, unknowns, suppressions)", () => {
  const app = resolve(FIXTURES, "terraform", "app", "main.tf");

  it("follows references across the module's files: the service's cluster and task definition, the provider's region", async () => {
    const resources = await loadPolicyFile(app);
    const service = resources.find((r) => r.address === "aws_ecs_service.web");
    expect(service?.related.cluster).toMatchObject({ clusterName: "prod" });
    expect(service?.related.taskDefinition).toMatchObject({ family: "shop-web" });
    const task = resources.find((r) => r.address === "aws_ecs_task_definition.web");
    expect(task?.run).toEqual({ behindLoadBalancer: true, launchType: "FARGATE", region: "eu-west-1" });
  });

  it("finds each rule's problem on its line; a variable image is unknown, never pass or fail; tags suppress with a reason", async () => {
    expect(await results(app)).toEqual([
      "aws_ecs_capacity_provider.ec2 ECS026 autoScalingGroupProvider.managedScaling.status @90",
      "aws_ecs_cluster.prod ECS025 configuration.executeCommandConfiguration.kmsKeyId @10",
      "aws_ecs_service.web ECS021 networkConfiguration.awsvpcConfiguration.assignPublicIp @63",
      "aws_ecs_service.web ECS034 enableExecuteCommand @59",
      "aws_ecs_task_definition.web ECS031 volumes[0].host.sourcePath @45",
      "aws_ecs_task_definition.web ECS032 containerDefinitions[0].ulimits[0].softLimit @34",
      "aws_ecs_task_definition.web ECS035 containerDefinitions[0].secrets[0].valueFrom @36",
      "aws_ecs_task_definition.web ?ECS014 containerDefinitions[0].image @28",
      "aws_ecs_task_definition.web ?ECS037 containerDefinitions[0].image @28",
      "aws_ecs_task_definition.web ?ECS013 containerDefinitions[0].image @28",
    ]);
    const task = (await loadPolicyFile(app)).find((r) => r.resourceType === "taskDefinition");
    const evaluation = task && evaluateResource(task, DEFAULT_CONFIG.policy);
    expect(evaluation?.suppressed.map((s) => [s.finding.ruleId, s.reason])).toEqual([
      ["ECS004", "logs ship through the sidecar-less Fluent Bit DaemonSet (OPS-77)"],
    ]);
    const taskContainers = (task?.document.containerDefinitions ?? []) as Array<{ image: unknown }>;
    expect(taskContainers[0]?.image).toBeInstanceOf(Unknown);
  });

  it("reads container definitions from file() and templatefile(), interpolations unknown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-tf-"));
    writeFileSync(
      join(dir, "containers.json.tpl"),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax, literally
      '[{ "name": "app", "image": "${image}", "privileged": true, "memory": ${memory} }]',
    );
    writeFileSync(join(dir, "plain.json"), '[{ "name": "app", "image": "nginx:1.27", "privileged": true }]');
    const file = join(dir, "main.tf");
    writeFileSync(
      file,
      [
        'resource "aws_ecs_task_definition" "templated" {',
        '  family                = "templated"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's path.module, literally
        '  container_definitions = templatefile("${path.module}/containers.json.tpl", { image = var.image, memory = 512 })',
        "}",
        'resource "aws_ecs_task_definition" "plain" {',
        '  family                = "plain"',
        '  container_definitions = file("plain.json")',
        "}",
        "",
      ].join("\n"),
    );
    const loaded = await loadPolicyFile(file);
    const templated = loaded.find((r) => r.name === "templated");
    const plain = loaded.find((r) => r.name === "plain");
    const containers = templated?.document.containerDefinitions as Array<Record<string, unknown>>;
    expect(containers[0]?.privileged).toBe(true);
    expect(containers[0]?.image).toBeInstanceOf(Unknown);
    expect(containers[0]?.memory).toBeInstanceOf(Unknown);
    const plainContainers = (plain?.document.containerDefinitions ?? []) as Array<Record<string, unknown>>;
    expect(plainContainers[0]?.image).toBe("nginx:1.27");
  });

  it("puts findings in file()-read container definitions on their line in that file; a missing file is one error (review 14, defect 9)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-tf-file-"));
    mkdirSync(join(dir, "defs"));
    writeFileSync(
      join(dir, "defs", "web.json"),
      '[\n  {\n    "name": "web",\n    "image": "nginx:1.27",\n    "privileged": true\n  }\n]\n',
    );
    const main = join(dir, "main.tf");
    const web = [
      'resource "aws_ecs_task_definition" "web" {',
      '  family                = "web"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's path.module, literally
      '  container_definitions = file("${path.module}/defs/web.json")',
      "}",
      "",
    ].join("\n");
    writeFileSync(main, web);
    const [task] = await loadPolicyFile(main);
    const privileged =
      task && evaluateResource(task, DEFAULT_CONFIG.policy).findings.find((f) => f.ruleId === "ECS001");
    expect([privileged?.file, privileged?.location]).toEqual([
      join(dir, "defs", "web.json"),
      { line: 5, column: 5 },
    ]);
    // What is not inside the container definitions stays in main.tf.
    const network =
      task && evaluateResource(task, DEFAULT_CONFIG.policy).findings.find((f) => f.ruleId === "ECS011");
    expect([network?.file, network?.location?.line]).toEqual([main, 1]);
    // Before: every container rule unknown, 16 lines of `<file("defs/nope.json")>`.
    writeFileSync(
      main,
      `${web}resource "aws_ecs_task_definition" "missing" {\n  family                = "missing"\n  container_definitions = file("defs/nope.json")\n}\n`,
    );
    const error = await loadPolicyFile(main).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as PolicyInputError).message).toBe(
      `${main}:7:3: container_definitions reads defs/nope.json (${join(dir, "defs", "nope.json")}), which does not exist`,
    );
  });

  it("prints a template of several interpolations as written (review 14, defect 9)", async () => {
    const [task] = await loadPolicyText(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform interpolations, literally
      'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([{ name = "a", image = "${var.repo}:${var.tag}" }])\n}\n',
      "t.tf",
    );
    const containers = (task?.document.containerDefinitions ?? []) as Array<{ image: unknown }>;
    const image = containers[0]?.image;
    // Terraform's interpolation syntax, spelt without a JavaScript template's `${`.
    const $ = (expression: string) => `$\{${expression}}`;
    expect(String(image)).toBe(`<${$("var.repo")}:${$("var.tag")}>`);
    expect(wholeExpression(`${$("var.repo")}:${$("var.tag")}`)).toBeUndefined();
    expect(wholeExpression($(`format("%s-${$("var.x")}", var.y)`))).toBe(`format("%s-${$("var.x")}", var.y)`);
    expect(wholeExpression(` ${$(" var.image ")} `)).toBe("var.image");
  });

  it("reports HCL syntax errors with file, line and column", async () => {
    let error: unknown;
    try {
      await loadPolicyText('resource "aws_ecs_cluster" "x" {\n  name = \n}\n', "broken.tf");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyInputError);
    // hcl2json's "parse config: [broken.tf:2,10-3,1: Invalid expression; …]", as file:line:column and its first line.
    expect((error as Error).message).toBe(
      "broken.tf:2:10: not valid HCL: Invalid expression; Expected the start of an expression, but found an invalid expression token.",
    );
  });

  it("says 'no ECS resources' for Terraform without any, so directories pass over it", async () => {
    await expect(
      loadPolicyText('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n', "s3.tf"),
    ).rejects.toThrow("no ECS resources in this Terraform file");
  });
});

describe("Terraform that only calls modules (review 14, defect 8)", () => {
  it("is not 'nothing to check': the error names each module call, its source and the way to a plan", async () => {
    const call =
      'module "ecs" {\n  source = "terraform-aws-modules/ecs/aws"\n}\nmodule "app" {\n  source = var.app_source\n}\n';
    const error = await loadPolicyText(call, "main.tf").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModulesNotExpandedError);
    // hcl2json gives blocks by name.
    expect((error as ModulesNotExpandedError).modules).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's interpolation, literally
      { name: "app", source: "${var.app_source}" },
      { name: "ecs", source: "terraform-aws-modules/ecs/aws" },
    ]);
    const json = JSON.stringify({ module: { ecs: { source: "terraform-aws-modules/ecs/aws" } } });
    const fromJson = await loadPolicyText(json, "main.tf.json").catch((caught: unknown) => caught);
    expect((fromJson as ModulesNotExpandedError).modules).toEqual([
      { name: "ecs", source: "terraform-aws-modules/ecs/aws" },
    ]);
    // With an ECS resource of its own, the file is checked as before.
    const both = `${call}resource "aws_ecs_cluster" "c" {\n  name = "c"\n}\n`;
    expect((await loadPolicyText(both, "main.tf")).map((r) => r.address)).toEqual(["aws_ecs_cluster.c"]);
  });
});

describe("Terraform plan input (terraform show -json)", () => {
  it("reads Checkov's plan of two containers; what Terraform knows only after apply is unknown", async () => {
    const file = resolve(FIXTURES, "checkov", "plan", "ecs_tfplan.json");
    const found = await results(file);
    expect(only(found, "ECS011")).toEqual(["aws_ecs_task_definition.service ?ECS011 networkMode @58"]);
    expect(only(found, "ECS013")).toEqual([
      // container_definitions is one JSON string in a plan: its line.
      "aws_ecs_task_definition.service ECS013 containerDefinitions[0].image @59",
    ]);
  });

  it("links a planned service to its cluster through the configuration's references", async () => {
    const plan = {
      format_version: "1.2",
      terraform_version: "1.9.5",
      resource_changes: [
        {
          address: "aws_ecs_cluster.main",
          mode: "managed",
          type: "aws_ecs_cluster",
          name: "main",
          change: {
            actions: ["create"],
            after: {
              name: "prod",
              setting: [{ name: "containerInsights", value: "disabled" }],
              configuration: [],
            },
            after_unknown: { arn: true, id: true },
          },
        },
        {
          address: "aws_ecs_service.web",
          mode: "managed",
          type: "aws_ecs_service",
          name: "web",
          change: {
            actions: ["create"],
            after: {
              name: "web",
              enable_execute_command: true,
              network_configuration: [{ assign_public_ip: false, subnets: ["subnet-1"] }],
              deployment_circuit_breaker: [],
            },
            after_unknown: { cluster: true, task_definition: true, deployment_circuit_breaker: [] },
          },
        },
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_ecs_service.web",
              expressions: { cluster: { references: ["aws_ecs_cluster.main.id", "aws_ecs_cluster.main"] } },
            },
          ],
        },
      },
    };
    const resources = await loadPolicyText(JSON.stringify(plan, null, 2), "plan.json");
    const service = resources.find((r) => r.resourceType === "service");
    expect(service?.related.cluster).toMatchObject({ clusterName: "prod" });
    const evaluation = service && evaluateResource(service, DEFAULT_CONFIG.policy);
    // ECS Exec on a production cluster whose logging is DEFAULT, and the task definition is not
    // in the plan: unknown. The circuit breaker block is empty: off.
    expect(evaluation?.unknown.map((u) => u.ruleId)).toEqual(["ECS034"]);
    expect(evaluation?.findings.map((f) => f.ruleId)).toEqual(["ECS038"]);
  });
});
