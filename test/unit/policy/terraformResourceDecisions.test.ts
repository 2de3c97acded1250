/**
 * What core/policy/inputs/terraformResources.ts decides about Terraform input, case by case: what a
 * syntax error says and where, which container_definitions it reads, where a finding of a nested
 * block is, who suppressed a finding, which text of a file it checks, what a plan links to.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateResource, PolicyInputError } from "../../../core/policy/index.ts";
import { hclNestingDepth, MAX_NESTING } from "../../../core/policy/inputs/nestingDepth.ts";
import {
  parseJsonTemplate,
  resourcesFromTerraformFile,
} from "../../../core/policy/inputs/terraformResources.ts";
import type { LoadedResource } from "../../../core/policy/LoadedResource.ts";
import { loadPolicyFile, loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { type ResourceDoc, Unknown } from "../../../core/policy/types.ts";

const $ = (expression: string) => `$\{${expression}}`;
/** A directory holding these files. */
function module(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-tf-decisions-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "no error",
    (error: unknown) => (error as Error).message,
  );
/** `ruleId path @line` of a resource's findings of these rules. */
const findings = (resource: LoadedResource | undefined, ...rules: string[]) =>
  resource
    ? evaluateResource(resource, DEFAULT_CONFIG.policy)
        .findings.filter((f) => rules.includes(f.ruleId))
        .map((f) => `${f.ruleId} ${f.path} @${f.location?.line}`)
    : [];
const nameOf = (value: ResourceDoc | Unknown | undefined) =>
  value instanceof Unknown
    ? `unknown: ${value.description}`
    : String(value?.clusterName ?? value?.family ?? value?.serviceName ?? "(unnamed)");

/** A resource change of a plan (`terraform show -json`), created. */
const change = (address: string, type: string, after: unknown, afterUnknown = {}) => ({
  address,
  mode: "managed",
  type,
  name: address.split(".").at(-1),
  change: { actions: ["create"], after, after_unknown: afterUnknown },
});

describe("HCL that hcl2json refuses", () => {
  it("names the line and column of an error past line 9, and hcl2json's own words where it gives no position", async () => {
    const text = [
      'resource "aws_ecs_cluster" "prod" {',
      '  name = "prod"',
      "",
      "  setting {",
      '    name  = "containerInsights"',
      '    value = "enabled"',
      "  }",
      "}",
      "",
      'resource "aws_ecs_service" "web" {',
      '  name    = "web"',
      "  cluster = aws_ecs_cluster.prod.id",
      "  desired_count = ",
      "}",
      "",
    ].join("\n");
    expect(await failure(loadPolicyText(text, "main.tf"))).toBe(
      "main.tf:13:19: not valid HCL: Invalid expression; Expected the start of an expression, but found an invalid expression token.",
    );
    // A number hcl2json reads as infinity: it fails converting to JSON, not parsing, and gives no position.
    const error = await loadPolicyText(
      'resource "aws_ecs_service" "web" {\n  name          = "web"\n  desired_count = 1e999999999\n}\n',
      "main.tf",
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as PolicyInputError).location).toBeUndefined();
    expect((error as Error).message).toBe(
      "main.tf: not valid HCL: convert to HCL: marshal json: json: error calling MarshalJSON for type json.SimpleJSONValue: cannot serialize infinity as JSON",
    );
  });

  it(`reads a file nested exactly ${MAX_NESTING} levels deep; one level more is refused`, async () => {
    const nested = (levels: number) =>
      `locals {\n  deep = ${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}\n}\n\nresource "aws_ecs_cluster" "prod" {\n  name = "prod"\n}\n`;
    expect(hclNestingDepth(nested(MAX_NESTING))).toBe(MAX_NESTING);
    expect((await loadPolicyText(nested(MAX_NESTING), "main.tf")).map((r) => r.address)).toEqual([
      "aws_ecs_cluster.prod",
    ]);
    expect(await failure(loadPolicyText(nested(MAX_NESTING + 1), "main.tf"))).toBe(
      `main.tf: nested more than ${MAX_NESTING} levels deep; refused before parsing (real Terraform nests far less)`,
    );
  });
});

describe("container_definitions: which expressions are read", () => {
  const task = (containers: string) =>
    `resource "aws_ecs_task_definition" "web" {\n  family                = "web"\n  container_definitions = ${containers}\n}\n`;
  const CONTAINERS =
    '[{ "name": "app", "image": "public.ecr.aws/nginx/nginx:IMAGE_TAG", "essential": true }]';

  it("file() is read, with spaces inside its parentheses too; a function around file() or computing its path is unknown", async () => {
    const dir = module({ "containers.json": CONTAINERS });
    const file = join(dir, "main.tf");
    const containersOf = async (expression: string) =>
      (await resourcesFromTerraformFile(file, task(expression)))[0]?.document.containerDefinitions;
    expect(await containersOf('file( "containers.json" )')).toEqual([
      { name: "app", image: "public.ecr.aws/nginx/nginx:IMAGE_TAG", essential: true },
    ]);
    // The file's text is not the value: replace() changes it.
    const replaced = `replace(file("${$("path.module")}/containers.json"), "IMAGE_TAG", var.image_tag)`;
    expect(await containersOf(replaced)).toEqual(new Unknown(replaced));
    // The path is computed: which file is not known (its first string is no path).
    const formatted = 'file(format("%s/containers.json", path.module))';
    expect(await containersOf(formatted)).toEqual(new Unknown(formatted));
  });

  it("a call followed by more of the expression is not that call: a conditional starting with file() is unknown", async () => {
    const dir = module({ "containers.json": CONTAINERS });
    const conditional = 'file("containers.json") != "" ? file("containers.json") : "[]"';
    const [web] = await resourcesFromTerraformFile(join(dir, "main.tf"), task(conditional));
    expect(web?.document.containerDefinitions).toEqual(new Unknown(conditional));
  });

  it(`reads a file() nested exactly ${MAX_NESTING} levels deep`, async () => {
    const deep = `${"[".repeat(MAX_NESTING)}${"]".repeat(MAX_NESTING)}`;
    const dir = module({ "containers.json": deep });
    const [web] = await resourcesFromTerraformFile(join(dir, "main.tf"), task('file("containers.json")'));
    expect(web?.document.containerDefinitions).toEqual(JSON.parse(deep));
  });

  it("a templatefile() cut off after a backslash inside a string fails as JSON.parse fails on that text", async () => {
    const cut = '[{ "name": "app", "command": ["sh", "-c", "echo \\';
    const dir = module({ "containers.json.tpl": cut });
    const file = join(dir, "main.tf");
    let expected = "";
    try {
      JSON.parse(cut);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(
      await failure(resourcesFromTerraformFile(file, task('templatefile("containers.json.tpl", {})'))),
    ).toBe(`${file}:3:3: container_definitions in containers.json.tpl is not valid JSON (${expected})`);
  });
});

describe("parseJsonTemplate: each interpolation as Terraform reads it", () => {
  it("two interpolations side by side are one unknown value; the spaces inside an interpolation are not part of its expression", () => {
    const template = `[{ "name": "app", "image": "${$("var.registry")}${$("var.repository")}:${$(" var.tag ")}", "cpu": ${$(" var.cpu ")}, "essential": true }]`;
    expect(parseJsonTemplate(template)).toEqual([
      {
        name: "app",
        image: new Unknown(`${$("var.registry")}${$("var.repository")}:${$("var.tag")}`),
        cpu: new Unknown($("var.cpu")),
        essential: true,
      },
    ]);
  });
});

describe("where a finding in a nested block of HCL is", () => {
  it("in the second block of its kind, past a dynamic block of another kind", async () => {
    const text = `resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  container_definitions = jsonencode([{
    name        = "agent"
    image       = "public.ecr.aws/datadog/agent:7"
    essential   = true
    mountPoints = [{ sourceVolume = "docker", containerPath = "/var/run/docker.sock", readOnly = true }]
  }])

  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"
    }
  }

  volume {
    name      = "docker"
    host_path = "/var/run/docker.sock"
  }
}

resource "aws_ecs_service" "agent" {
  name            = "agent"
  task_definition = aws_ecs_task_definition.agent.arn

  dynamic "load_balancer" {
    for_each = var.target_groups
    content {
      target_group_arn = load_balancer.value
      container_name   = "agent"
      container_port   = 8126
    }
  }

  network_configuration {
    subnets          = ["subnet-0a1b2c3d"]
    assign_public_ip = true
  }
}
`;
    const resources = await loadPolicyText(text, join(module({}), "main.tf"));
    const byAddress = (address: string) => resources.find((r) => r.address === address);
    expect(findings(byAddress("aws_ecs_task_definition.agent"), "ECS031")).toEqual([
      "ECS031 volumes[1].host.sourcePath @20",
    ]);
    expect(findings(byAddress("aws_ecs_service.agent"), "ECS021")).toEqual([
      "ECS021 networkConfiguration.awsvpcConfiguration.assignPublicIp @39",
    ]);
  });
});

describe("who suppressed a finding: the resource's tags, by address", () => {
  it("in HCL and in a plan (a module's resource by its full address)", async () => {
    const app = join(import.meta.dirname, "..", "..", "fixtures", "policy", "terraform", "app", "main.tf");
    const task = (await loadPolicyFile(app)).find((r) => r.resourceType === "taskDefinition");
    expect(
      task && evaluateResource(task, DEFAULT_CONFIG.policy).suppressed.map((s) => [s.finding.ruleId, s.by]),
    ).toEqual([["ECS004", "aws_ecs_task_definition.web tags"]]);
    const plan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "module.app.aws_ecs_task_definition.web",
          module_address: "module.app",
          mode: "managed",
          type: "aws_ecs_task_definition",
          name: "web",
          change: {
            actions: ["create"],
            after: {
              family: "web",
              container_definitions: JSON.stringify([{ name: "app", image: "nginx:1.27", essential: true }]),
              tags: { "autopilot:policy-skip:ECS004": "logs ship through the Fluent Bit DaemonSet (OPS-77)" },
            },
            after_unknown: { arn: true },
          },
        },
      ],
    };
    const [planned] = await loadPolicyText(JSON.stringify(plan, null, 2), "plan.json");
    expect(
      planned &&
        evaluateResource(planned, DEFAULT_CONFIG.policy).suppressed.map((s) => [s.finding.ruleId, s.by]),
    ).toEqual([["ECS004", "module.app.aws_ecs_task_definition.web tags"]]);
  });
});

describe("which text of a .tf file is checked", () => {
  const MAIN = `resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
}
`;
  const SERVICE = `resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.shared.id
  task_definition = aws_ecs_task_definition.web.arn
  launch_type     = "EC2"
}
`;
  const cluster = (name: string) => `resource "aws_ecs_cluster" "shared" {\n  name = "${name}"\n}\n`;

  it("the text given for a file, never an earlier reading of it; the other files as they are on disk", async () => {
    const dir = module({ "main.tf": `${MAIN}\n${SERVICE}`, "cluster.tf": cluster("shared") });
    // main.tf reads cluster.tf from disk, once.
    const service = (await loadPolicyFile(join(dir, "main.tf"))).find((r) => r.resourceType === "service");
    expect(nameOf(service?.related.cluster)).toBe("shared");
    // cluster.tf's text as given (a staged version, say), not the reading main.tf made.
    const [given] = await resourcesFromTerraformFile(join(dir, "cluster.tf"), cluster("staged"));
    expect(given?.subject).toBe("staged");
    // main.tf, in a directory whose cluster.tf was not read yet: given a text for cluster.tf first,
    // main.tf still sees the one on disk.
    const fresh = module({ "main.tf": `${MAIN}\n${SERVICE}`, "cluster.tf": cluster("shared") });
    await resourcesFromTerraformFile(join(fresh, "cluster.tf"), cluster("staged"));
    const again = (await loadPolicyFile(join(fresh, "main.tf"))).find((r) => r.resourceType === "service");
    expect(nameOf(again?.related.cluster)).toBe("shared");
  });

  it("the file's own text given is not read again from disk as one of its module's files", async () => {
    // On disk, a service runs the task definition with the EC2 launch type; the text given has no service.
    const dir = module({ "main.tf": `${MAIN}\n${SERVICE}`, "cluster.tf": cluster("shared") });
    const [task] = await resourcesFromTerraformFile(join(dir, "main.tf"), MAIN);
    expect(task?.run).toEqual({});
  });
});

describe("Terraform plan: what is a plan, and what its resources become", () => {
  it("`terraform show -json` of state (values, no resource changes) is not a plan", async () => {
    const state = {
      format_version: "1.0",
      terraform_version: "1.9.5",
      values: {
        root_module: {
          resources: [
            {
              address: "aws_ecs_cluster.prod",
              mode: "managed",
              type: "aws_ecs_cluster",
              name: "prod",
              provider_name: "registry.terraform.io/hashicorp/aws",
              schema_version: 0,
              values: { name: "prod", arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod" },
            },
          ],
        },
      },
    };
    expect(await failure(loadPolicyText(JSON.stringify(state, null, 2), "state.json"))).toMatch(
      /^state\.json:1:1: not an ECS input: /,
    );
  });

  it("a task set is linked to its cluster and task definition; a resource's name is its ECS name", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change("aws_ecs_cluster.prod", "aws_ecs_cluster", { name: "prod" }, { arn: true, id: true }),
        change(
          "aws_ecs_service.app",
          "aws_ecs_service",
          { name: "app", deployment_controller: [{ type: "EXTERNAL" }] },
          { cluster: true },
        ),
        change(
          "aws_ecs_task_definition.blue",
          "aws_ecs_task_definition",
          {
            family: "blue",
            container_definitions: JSON.stringify([{ name: "app", image: "nginx:1.27", essential: true }]),
          },
          { arn: true },
        ),
        change("aws_ecs_task_set.blue", "aws_ecs_task_set", {}, { cluster: true, task_definition: true }),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_ecs_task_set.blue",
              expressions: {
                cluster: { references: ["aws_ecs_cluster.prod.id", "aws_ecs_cluster.prod"] },
                task_definition: {
                  references: ["aws_ecs_task_definition.blue.arn", "aws_ecs_task_definition.blue"],
                },
              },
            },
          ],
        },
      },
    };
    const resources = await loadPolicyText(JSON.stringify(plan, null, 2), "plan.json");
    expect(resources.map((r) => [r.address, r.name])).toEqual([
      ["aws_ecs_cluster.prod", "prod"],
      ["aws_ecs_service.app", "app"],
      ["aws_ecs_task_definition.blue", "blue"],
      ["aws_ecs_task_set.blue", undefined],
    ]);
    const taskSet = resources.find((r) => r.resourceType === "taskSet");
    expect([nameOf(taskSet?.related.cluster), nameOf(taskSet?.related.taskDefinition)]).toEqual([
      "prod",
      "blue",
    ]);
  });

  it("a cluster given by name is the cluster of that name, not a service named the same", async () => {
    // Terraform lists resource changes by address: module.api's service before module.platform's cluster.
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change("module.api.aws_ecs_service.this", "aws_ecs_service", { name: "shop", cluster: "shop" }),
        change("module.platform.aws_ecs_cluster.this", "aws_ecs_cluster", { name: "shop" }, { arn: true }),
      ],
      configuration: {
        root_module: {
          module_calls: {
            api: {
              module: {
                resources: [
                  {
                    address: "aws_ecs_service.this",
                    expressions: { cluster: { references: ["var.cluster"] } },
                  },
                ],
              },
            },
          },
        },
      },
    };
    const [service] = await loadPolicyText(JSON.stringify(plan, null, 2), "plan.json");
    expect(service?.related.cluster).toMatchObject({ clusterName: "shop" });
  });

  it("a change without an address (a trimmed plan) is named by its type and name", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        {
          mode: "managed",
          type: "aws_ecs_cluster",
          name: "prod",
          change: { actions: ["create"], after: { name: "prod" }, after_unknown: {} },
        },
        {
          mode: "managed",
          type: "aws_ecs_cluster",
          name: "unnamed",
          change: { actions: ["create"], after: {}, after_unknown: { name: true } },
        },
      ],
    };
    const resources = await loadPolicyText(JSON.stringify(plan), "plan.json");
    expect(resources.map((r) => [r.address, r.subject])).toEqual([
      ["aws_ecs_cluster.prod", "prod"],
      ["aws_ecs_cluster.unnamed", "aws_ecs_cluster.unnamed"],
    ]);
  });
});

describe(".tf.json: where an argument of a resource whose body is an object is", () => {
  it("on its own line", async () => {
    const text = JSON.stringify(
      { resource: { aws_ecs_cluster: { prod: { name: "prod", setting: [{ name: "containerInsights" }] } } } },
      null,
      2,
    );
    const [cluster] = await loadPolicyText(text, "main.tf.json");
    expect(cluster?.locate(["clusterName"])?.line).toBe(
      text.split("\n").findIndex((l) => l.includes('"name": "prod"')) + 1,
    );
  });
});

describe("Terraform plan: a module called with for_each or count", () => {
  it("links each instance's service to the cluster of the same instance; a for_each key may hold dots", async () => {
    const change = (address: string, type: string, after: unknown, afterUnknown = {}) => ({
      address,
      ...(address.startsWith("module.")
        ? { module_address: address.replace(/\.aws_ecs_[a-z_]+\.[\w-]+(\[[^\]]*\])?$/, "") }
        : {}),
      mode: "managed",
      type,
      name: address
        .replace(/\[[^\]]*\]$/, "")
        .split(".")
        .at(-1),
      change: { actions: ["create"], after, after_unknown: afterUnknown },
    });
    // module "shop" { for_each = toset(["blue", "green"]) … }: a cluster of count = 1, as
    // terraform-aws-modules/ecs makes it, a service on `aws_ecs_cluster.this[0].id` and one on
    // `one(aws_ecs_cluster.this[*].id)`. At the root, a service per host name (for_each keys with dots).
    const instance = (key: string) => [
      change(
        `module.shop["${key}"].aws_ecs_cluster.this[0]`,
        "aws_ecs_cluster",
        { name: `shop-${key}` },
        { arn: true, id: true },
      ),
      change(
        `module.shop["${key}"].aws_ecs_service.web`,
        "aws_ecs_service",
        { name: "web" },
        { cluster: true },
      ),
      change(
        `module.shop["${key}"].aws_ecs_service.worker`,
        "aws_ecs_service",
        { name: "worker" },
        { cluster: true },
      ),
    ];
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change("aws_ecs_cluster.main", "aws_ecs_cluster", { name: "main" }, { arn: true, id: true }),
        change(
          'aws_ecs_service.site["shop.example.com"]',
          "aws_ecs_service",
          { name: "shop-example-com" },
          { cluster: true },
        ),
        ...instance("blue"),
        ...instance("green"),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_ecs_service.site",
              expressions: { cluster: { references: ["aws_ecs_cluster.main.id", "aws_ecs_cluster.main"] } },
            },
          ],
          module_calls: {
            shop: {
              module: {
                resources: [
                  {
                    address: "aws_ecs_service.web",
                    expressions: {
                      cluster: {
                        references: [
                          "aws_ecs_cluster.this[0].id",
                          "aws_ecs_cluster.this[0]",
                          "aws_ecs_cluster.this",
                        ],
                      },
                    },
                  },
                  {
                    address: "aws_ecs_service.worker",
                    // aws_ecs_cluster.this[*].id: the resource as a whole.
                    expressions: { cluster: { references: ["aws_ecs_cluster.this"] } },
                  },
                ],
              },
            },
          },
        },
      },
    };
    const resources = await loadPolicyText(JSON.stringify(plan, null, 2), "plan.json");
    expect(
      resources
        .filter((r) => r.resourceType === "service")
        .map((r) => [r.address, nameOf(r.related.cluster)]),
    ).toEqual([
      ['aws_ecs_service.site["shop.example.com"]', "main"],
      ['module.shop["blue"].aws_ecs_service.web', "shop-blue"],
      ['module.shop["blue"].aws_ecs_service.worker', "shop-blue"],
      ['module.shop["green"].aws_ecs_service.web', "shop-green"],
      ['module.shop["green"].aws_ecs_service.worker', "shop-green"],
    ]);
  });
});

describe("which runner's launch type a task definition is checked for: a service's before a task set's", () => {
  // runOfRunners takes the first runner that names a launch type: the services come first, then the
  // task sets (an EXTERNAL service's), whatever order the file or the plan lists them in.
  it("in HCL, with the task set in the file checked and the service in another file of its module", async () => {
    // hcl2json groups a file's resources by type (aws_ecs_service before aws_ecs_task_set); the file
    // checked comes before its module's other files.
    const dir = module({
      "main.tf": [
        'resource "aws_ecs_task_set" "canary" {',
        '  service         = "legacy"',
        '  cluster         = "prod"',
        "  task_definition = aws_ecs_task_definition.web.arn",
        '  launch_type     = "EC2"',
        "}",
        "",
        'resource "aws_ecs_task_definition" "web" {',
        '  family                = "web"',
        '  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])',
        "}",
        "",
      ].join("\n"),
      "service.tf": [
        'resource "aws_ecs_service" "web" {',
        '  name            = "web"',
        "  task_definition = aws_ecs_task_definition.web.arn",
        '  launch_type     = "FARGATE"',
        "}",
        "",
      ].join("\n"),
    });
    const resources = await loadPolicyFile(join(dir, "main.tf"));
    expect(resources.map((r) => r.resourceType)).toEqual(["taskDefinition", "taskSet"]);
    expect(resources.find((r) => r.resourceType === "taskDefinition")?.run.launchType).toBe("FARGATE");
  });

  it("in a plan, with the task set's change listed before the service's", async () => {
    const runsWeb = {
      task_definition: { references: ["aws_ecs_task_definition.web.arn", "aws_ecs_task_definition.web"] },
    };
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change(
          "aws_ecs_task_set.canary",
          "aws_ecs_task_set",
          { service: "legacy", cluster: "prod", launch_type: "EC2" },
          { task_definition: true },
        ),
        change(
          "aws_ecs_service.web",
          "aws_ecs_service",
          { name: "web", launch_type: "FARGATE" },
          {
            task_definition: true,
          },
        ),
        change(
          "aws_ecs_task_definition.web",
          "aws_ecs_task_definition",
          {
            family: "web",
            container_definitions: JSON.stringify([{ name: "app", image: "nginx:1.27", essential: true }]),
          },
          { arn: true },
        ),
      ],
      configuration: {
        root_module: {
          resources: [
            { address: "aws_ecs_task_set.canary", expressions: runsWeb },
            { address: "aws_ecs_service.web", expressions: runsWeb },
          ],
        },
      },
    };
    const resources = await loadPolicyText(JSON.stringify(plan, null, 2), "plan.json");
    expect(resources.find((r) => r.resourceType === "taskDefinition")?.run.launchType).toBe("FARGATE");
  });
});
