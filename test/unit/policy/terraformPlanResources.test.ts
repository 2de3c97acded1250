/**
 * Which resources of a Terraform plan (`terraform show -json`) the policy checks and how they refer
 * to each other (core/policy/inputs/terraformResources.ts, resourcesFromTerraformPlan).
 */
import { describe, expect, it } from "vitest";
import type { LoadedResource } from "../../../core/policy/LoadedResource.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
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
const change = (address: string, type: string, actions: string[], after: unknown, extra = {}) => ({
  address,
  mode: "managed",
  type,
  name: address
    .split(".")
    .at(-1)
    ?.replace(/\[.*\]$/, ""),
  change: { actions, after, after_unknown: {}, ...extra },
});
const ARN = "arn:aws:ecs:eu-west-1:123456789012";

const PLAN = {
  format_version: "1.2",
  resource_changes: [
    {
      ...change("data.aws_ecs_cluster.shared", "aws_ecs_cluster", ["read"], { cluster_name: "shared" }),
      mode: "data",
    },
    change("aws_ecs_cluster.main", "aws_ecs_cluster", ["create"], {
      name: "prod",
      arn: `${ARN}:cluster/prod`,
    }),
    change("aws_ecs_cluster.gone", "aws_ecs_cluster", ["delete"], null),
    change("aws_ecs_cluster.replaced", "aws_ecs_cluster", ["delete", "create"], { name: "staging" }),
    change("aws_ecs_task_definition.web", "aws_ecs_task_definition", ["no-op"], {
      family: "web",
      arn: `${ARN}:task-definition/web:3`,
      container_definitions: JSON.stringify([{ name: "app", image: "nginx:1.27" }]),
    }),
    change(
      "aws_ecs_service.web",
      "aws_ecs_service",
      ["update"],
      {
        name: "web",
        launch_type: "FARGATE",
        load_balancer: [{ container_name: "app", container_port: 80 }],
      },
      { after_unknown: { cluster: true, task_definition: true } },
    ),
    change("aws_ecs_service.by_arn", "aws_ecs_service", ["create"], {
      name: "by-arn",
      cluster: `${ARN}:cluster/prod`,
      task_definition: `${ARN}:task-definition/web:3`,
    }),
    change("aws_ecs_service.by_name", "aws_ecs_service", ["create"], {
      name: "by-name",
      cluster: "staging",
      task_definition: "web:3",
    }),
    change('module.app.aws_ecs_cluster.app["main"]', "aws_ecs_cluster", ["create"], { name: "app" }),
    change(
      'module.app.aws_ecs_service.api["main"]',
      "aws_ecs_service",
      ["create"],
      { name: "api" },
      {
        after_unknown: { cluster: true },
      },
    ),
    change("aws_ecs_task_definition.broken", "aws_ecs_task_definition", ["create"], {
      family: "broken",
      container_definitions: "[{",
    }),
    change("aws_s3_bucket.logs", "aws_s3_bucket", ["create"], { bucket: "logs" }),
  ],
  configuration: {
    provider_config: { aws: { expressions: { region: { constant_value: "eu-west-1" } } } },
    root_module: {
      resources: [
        {
          // task_definition = aws_ecs_service.web.task_definition: a service is not a task definition.
          address: "aws_ecs_service.by_name",
          expressions: {
            task_definition: { references: ["aws_ecs_service.web.task_definition", "aws_ecs_service.web"] },
          },
        },
        {
          address: "aws_ecs_service.web",
          expressions: {
            cluster: { references: ["aws_ecs_cluster.main.id", "aws_ecs_cluster.main"] },
            task_definition: {
              references: ["aws_ecs_task_definition.web.arn", "aws_ecs_task_definition.web"],
            },
          },
        },
      ],
      module_calls: {
        app: {
          module: {
            resources: [
              {
                address: "aws_ecs_service.api",
                // aws_ecs_cluster.app[each.key].id
                expressions: { cluster: { references: ["aws_ecs_cluster.app", "each.key"] } },
              },
            ],
          },
        },
      },
    },
  },
};

describe("Terraform plan: the ECS resources it creates or keeps, and their references", () => {
  it("skips data sources, deletions and other types; links by the configuration's references (in modules too), an ARN or a name", async () => {
    const resources = await loadPolicyText(JSON.stringify(PLAN, null, 2), "plan.json");
    const region = "eu-west-1";
    expect(resources.map(summary)).toEqual([
      {
        kind: "cluster",
        address: "aws_ecs_cluster.main",
        subject: "prod",
        run: { region },
        cluster: undefined,
        taskDefinition: undefined,
      },
      // Replaced (delete, then create): still there after apply.
      {
        kind: "cluster",
        address: "aws_ecs_cluster.replaced",
        subject: "staging",
        run: { region },
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "taskDefinition",
        address: "aws_ecs_task_definition.web",
        subject: "web",
        // How the service that references it runs it.
        run: { region, behindLoadBalancer: true, launchType: "FARGATE" },
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "service",
        address: "aws_ecs_service.web",
        subject: "web",
        run: { region },
        cluster: "prod",
        taskDefinition: "web",
      },
      {
        kind: "service",
        address: "aws_ecs_service.by_arn",
        subject: "by-arn",
        run: { region },
        cluster: "prod",
        // The task definition's ARN: the planned revision that has it.
        taskDefinition: "web",
      },
      {
        kind: "service",
        address: "aws_ecs_service.by_name",
        subject: "by-name",
        run: { region },
        cluster: "staging",
        taskDefinition: "unknown: task_definition web:3 is not in this plan",
      },
      {
        kind: "cluster",
        address: 'module.app.aws_ecs_cluster.app["main"]',
        subject: "app",
        run: { region },
        cluster: undefined,
        taskDefinition: undefined,
      },
      // Its reference is aws_ecs_cluster.app inside module.app; the instance is app["main"].
      {
        kind: "service",
        address: 'module.app.aws_ecs_service.api["main"]',
        subject: "api",
        run: { region },
        cluster: "app",
        taskDefinition: undefined,
      },
      {
        kind: "taskDefinition",
        address: "aws_ecs_task_definition.broken",
        subject: "broken",
        run: { region },
        cluster: undefined,
        taskDefinition: undefined,
      },
    ]);
    const broken = resources.find((r) => r.address === "aws_ecs_task_definition.broken");
    expect(broken?.document.containerDefinitions).toEqual(new Unknown("container_definitions is not JSON"));
    const web = resources.find((r) => r.address === "aws_ecs_task_definition.web");
    expect(web?.document.containerDefinitions).toEqual([{ name: "app", image: "nginx:1.27" }]);
    expect(web?.format).toBe("terraform-plan");
  });

  it("a task definition run by a task set (external deployment controller) runs as the task set does: behind its load balancer, unknown when that is known only after apply", async () => {
    const plan = (loadBalancer: unknown, afterUnknown: Record<string, unknown>) => ({
      format_version: "1.2",
      resource_changes: [
        change("aws_ecs_task_definition.blue", "aws_ecs_task_definition", ["create"], {
          family: "blue",
          container_definitions: JSON.stringify([{ name: "app", image: "nginx:1.27" }]),
        }),
        change("aws_ecs_service.app", "aws_ecs_service", ["create"], {
          name: "app",
          cluster: "prod",
          deployment_controller: [{ type: "EXTERNAL" }],
        }),
        change(
          "aws_ecs_task_set.blue",
          "aws_ecs_task_set",
          ["create"],
          { cluster: "prod", launch_type: "FARGATE", platform_version: "1.4.0", load_balancer: loadBalancer },
          { after_unknown: { task_definition: true, ...afterUnknown } },
        ),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_ecs_task_set.blue",
              expressions: {
                task_definition: {
                  references: ["aws_ecs_task_definition.blue.arn", "aws_ecs_task_definition.blue"],
                },
              },
            },
          ],
        },
      },
    });
    const runOf = async (p: unknown) =>
      (await loadPolicyText(JSON.stringify(p, null, 2), "plan.json")).find(
        (r) => r.resourceType === "taskDefinition",
      )?.run;
    expect(await runOf(plan([{ container_name: "app", container_port: 80 }], {}))).toEqual({
      behindLoadBalancer: true,
      platformVersion: "1.4.0",
      launchType: "FARGATE",
    });
    expect(await runOf(plan([], {}))).toEqual({ platformVersion: "1.4.0", launchType: "FARGATE" });
    const unknown = (await runOf(plan(undefined, { load_balancer: true })))?.behindLoadBalancer;
    expect(unknown).toBeInstanceOf(Unknown);
  });

  it("what Terraform knows only after apply is unknown, in lists and blocks too; what it knows stays", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change(
          "aws_ecs_service.web",
          "aws_ecs_service",
          ["create"],
          {
            name: "web",
            network_configuration: [{ assign_public_ip: false, subnets: ["subnet-1"] }],
          },
          {
            after_unknown: {
              network_configuration: [{ security_groups: true, subnets: [false, true] }],
              id: true,
            },
          },
        ),
      ],
    };
    const [service] = await loadPolicyText(JSON.stringify(plan), "plan.json");
    const network = service?.document.networkConfiguration as {
      awsvpcConfiguration: Record<string, unknown>;
    };
    expect(network.awsvpcConfiguration).toEqual({
      assignPublicIp: "DISABLED",
      subnets: ["subnet-1", new Unknown("known after apply")],
      securityGroups: new Unknown("known after apply"),
    });
    expect(service?.run).toEqual({});
  });

  it("a plan is `terraform show -json` output: a format version and resource changes or planned values", async () => {
    const notPlan = {
      resource_changes: [change("aws_ecs_cluster.main", "aws_ecs_cluster", ["create"], { name: "prod" })],
    };
    await expect(loadPolicyText(JSON.stringify(notPlan), "plan.json")).rejects.toThrow("not an ECS input");
    await expect(
      loadPolicyText(JSON.stringify({ format_version: "1.2", planned_values: {} }), "plan.json"),
    ).rejects.toThrow("no ECS resources in this Terraform plan");
  });
});
