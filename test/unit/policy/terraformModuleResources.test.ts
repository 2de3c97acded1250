/**
 * Which resources of a Terraform module (`.tf`, `.tf.json`) the policy checks and how they refer to
 * each other (core/policy/inputs/terraformResources.ts): references across the module's files,
 * literal names and ARNs, the default provider's region.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LoadedResource } from "../../../core/policy/LoadedResource.ts";
import { loadPolicyFile, loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { type ResourceDoc, Unknown } from "../../../core/policy/types.ts";

const which = (value: ResourceDoc | Unknown | undefined) =>
  value instanceof Unknown
    ? `unknown: ${value.description}`
    : value === undefined
      ? undefined
      : String(value.clusterName ?? value.family ?? "(unnamed)");
const summary = (r: LoadedResource) => ({
  kind: r.resourceType,
  address: r.address,
  subject: r.subject,
  run: r.run,
  cluster: which(r.related.cluster),
  taskDefinition: which(r.related.taskDefinition),
});
/** A module directory holding these files. */
function module(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-tf-module-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const $ = (expression: string) => `$\{${expression}}`;
/** The resources of MAIN in the order they are written. */
const WRITTEN = [
  "aws_ecs_task_definition.web",
  "aws_ecs_task_definition.idle",
  "aws_ecs_service.web",
  "aws_ecs_service.literal",
  "aws_ecs_service.elsewhere",
  "aws_ecs_service.wrong_type",
  "aws_ecs_service.interpolated",
  "aws_ecs_service.backup",
  "aws_ecs_task_set.blue",
];
const order = (r: LoadedResource) => WRITTEN.indexOf(r.address ?? "");

const MAIN = `resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27" }])
}

resource "aws_ecs_service" "web" {
  name             = "web"
  cluster          = aws_ecs_cluster.shared.id
  task_definition  = aws_ecs_task_definition.web.arn
  launch_type      = "FARGATE"
  platform_version = "1.4.0"

  load_balancer {
    container_name = "app"
    container_port = 80
  }
}

resource "aws_ecs_service" "literal" {
  name            = "literal"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shared"
  task_definition = "web"
}

resource "aws_ecs_service" "elsewhere" {
  cluster         = var.cluster
  task_definition = "web:3"
}

resource "aws_ecs_service" "wrong_type" {
  name    = "wrong-type"
  cluster = aws_ecs_task_definition.web.arn
}

resource "aws_ecs_service" "interpolated" {
  name    = "interpolated"
  cluster = "arn:aws:ecs:\${var.region}:\${var.account}:cluster/shared"
}

resource "aws_ecs_service" "backup" {
  name    = "backup"
  cluster = aws_ecs_cluster.gone.id
}

resource "aws_ecs_task_set" "blue" {
  service         = aws_ecs_service.web.id
  cluster         = aws_ecs_cluster.shared.name
  task_definition = aws_ecs_task_definition.web.arn
}

resource "aws_ecs_task_definition" "idle" {
  family                = "idle"
  container_definitions = jsonencode([])
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
`;
const OTHER = `resource "aws_ecs_cluster" "shared" {
  name = "shared"
}

resource "aws_ecs_cluster" "web" {
  name = "web-cluster"
}

resource "aws_ecs_capacity_provider" "spot" {
  name = "spot"
  auto_scaling_group_provider {
    auto_scaling_group_arn = aws_autoscaling_group.spot.arn
  }
}
`;
const PROVIDERS = `provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

provider "aws" {
  region = "eu-central-1"
}
`;

describe("Terraform module: this file's ECS resources, linked across the module", () => {
  it("links by reference (another file's too), by a literal name or ARN; a value it cannot place is unknown; the region of the default provider", async () => {
    const dir = module({
      "main.tf": MAIN,
      "cluster.tf": OTHER,
      "providers.tf": PROVIDERS,
      "broken.tf": "resource {\n",
      // Not a .tf file: not part of the module.
      "old.tf.bak": 'resource "aws_ecs_cluster" "gone" {\n  name = "gone"\n}\n',
    });
    // Sorted as written (hcl2json gives them by type, then by name).
    const resources = await loadPolicyFile(join(dir, "main.tf"));
    const region = "eu-central-1";
    expect([...resources].sort((a, b) => order(a) - order(b)).map(summary)).toEqual([
      {
        kind: "taskDefinition",
        address: "aws_ecs_task_definition.web",
        subject: "web",
        // How the service that references it runs it.
        run: { behindLoadBalancer: true, platformVersion: "1.4.0", launchType: "FARGATE", region },
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "taskDefinition",
        address: "aws_ecs_task_definition.idle",
        subject: "idle",
        run: { region },
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "service",
        address: "aws_ecs_service.web",
        subject: "web",
        run: { region },
        cluster: "shared",
        taskDefinition: "web",
      },
      // Terraform takes a family for its latest revision.
      {
        kind: "service",
        address: "aws_ecs_service.literal",
        subject: "literal",
        run: { region },
        cluster: "shared",
        taskDefinition: "web",
      },
      {
        kind: "service",
        address: "aws_ecs_service.elsewhere",
        subject: "aws_ecs_service.elsewhere",
        run: { region },
        cluster: `unknown: cluster ${$("var.cluster")} is not in this configuration`,
        taskDefinition: "unknown: task definition web:3 is not in this configuration",
      },
      {
        kind: "service",
        address: "aws_ecs_service.wrong_type",
        subject: "wrong-type",
        run: { region },
        cluster: `unknown: cluster ${$("aws_ecs_task_definition.web.arn")} is not in this configuration`,
        taskDefinition: undefined,
      },
      {
        kind: "service",
        address: "aws_ecs_service.interpolated",
        subject: "interpolated",
        run: { region },
        // Its region and account are computed: not taken for this module's cluster of that name.
        cluster: `unknown: cluster arn:aws:ecs:${$("var.region")}:${$("var.account")}:cluster/shared is not in this configuration`,
        taskDefinition: undefined,
      },
      {
        kind: "service",
        address: "aws_ecs_service.backup",
        subject: "backup",
        run: { region },
        cluster: `unknown: cluster ${$("aws_ecs_cluster.gone.id")} is not in this configuration`,
        taskDefinition: undefined,
      },
      {
        kind: "taskSet",
        address: "aws_ecs_task_set.blue",
        subject: "aws_ecs_task_set.blue",
        run: { region },
        cluster: "shared",
        taskDefinition: "web",
      },
    ]);
    expect(resources.map((r) => r.format)).toEqual(Array(9).fill("terraform"));
    // Only this file's resources; the other file's are checked when it is.
    expect(
      (await loadPolicyFile(join(dir, "cluster.tf"))).map((r) => [r.address, r.subject, r.resourceType]),
    ).toEqual([
      ["aws_ecs_capacity_provider.spot", "spot", "capacityProvider"],
      ["aws_ecs_cluster.shared", "shared", "cluster"],
      ["aws_ecs_cluster.web", "web-cluster", "cluster"],
    ]);
  });

  it("takes no region from a provider whose region is computed, or from an aliased one alone", async () => {
    const cluster = 'resource "aws_ecs_cluster" "c" {\n  name = "c"\n}\n';
    const computed = module({
      "main.tf": cluster,
      "providers.tf": 'provider "aws" {\n  region = var.region\n}\n',
    });
    expect((await loadPolicyFile(join(computed, "main.tf")))[0]?.run).toEqual({});
    const aliased = module({
      "main.tf": cluster,
      "providers.tf": 'provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n',
    });
    expect((await loadPolicyFile(join(aliased, "main.tf")))[0]?.run).toEqual({});
  });

  it("reads a .tf.json configuration the same way: resources by type and name, references, region, fields on their lines", async () => {
    const config = {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_ecs_cluster: { prod: { name: "prod" } },
        aws_ecs_service: {
          web: [{ name: "web", cluster: $("aws_ecs_cluster.prod.id"), enable_execute_command: true }],
          junk: "not a resource",
        },
        aws_s3_bucket: { logs: { bucket: "logs" } },
      },
    };
    const text = JSON.stringify(config, null, 2);
    const resources = await loadPolicyText(text, "main.tf.json");
    expect(resources.map(summary)).toEqual([
      {
        kind: "cluster",
        address: "aws_ecs_cluster.prod",
        subject: "prod",
        run: { region: "eu-west-1" },
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "service",
        address: "aws_ecs_service.web",
        subject: "web",
        run: { region: "eu-west-1" },
        cluster: "prod",
        taskDefinition: undefined,
      },
    ]);
    expect(resources.map((r) => r.format)).toEqual(["terraform-json", "terraform-json"]);
    // enable_execute_command is on line 16 of the pretty-printed file.
    expect(resources[1]?.locate(["enableExecuteCommand"])?.line).toBe(
      text.split("\n").findIndex((l) => l.includes("enable_execute_command")) + 1,
    );
  });

  it("a task definition that only a task set runs (external deployment controller) runs as the task set does: behind its load balancer", async () => {
    const dir = module({
      "main.tf": `resource "aws_ecs_task_definition" "blue" {
  family                = "blue"
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
}

resource "aws_ecs_service" "app" {
  name    = "app"
  cluster = "prod"
  deployment_controller {
    type = "EXTERNAL"
  }
}

resource "aws_ecs_task_set" "blue" {
  service         = aws_ecs_service.app.id
  cluster         = "prod"
  task_definition = aws_ecs_task_definition.blue.arn
  launch_type     = "FARGATE"
  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = "app"
    container_port   = 80
  }
}
`,
    });
    const resources = await loadPolicyFile(join(dir, "main.tf"));
    const task = resources.find((r) => r.resourceType === "taskDefinition");
    expect(task?.run).toEqual({ behindLoadBalancer: true, launchType: "FARGATE" });
  });

  it("places a .tf.json argument of a body given as a list (`name: [{…}]`), errors too", async () => {
    const dir = module({});
    const config = {
      resource: {
        aws_ecs_cluster: { prod: [{ name: "prod" }] },
        aws_ecs_task_definition: {
          web: [{ family: "web", container_definitions: $('file("nope.json")') }],
        },
      },
    };
    const text = JSON.stringify(config, null, 2);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const file = join(dir, "main.tf.json");
    const error = await loadPolicyText(text, file).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `${file}:${lineOf("container_definitions")}:11: container_definitions reads nope.json (${join(dir, "nope.json")}), which does not exist`,
    );
    const { aws_ecs_cluster } = config.resource;
    const [cluster] = await loadPolicyText(JSON.stringify({ resource: { aws_ecs_cluster } }, null, 2), file);
    expect(cluster?.locate(["clusterName"])?.line).toBe(6);
  });
});
