/**
 * What a Terraform resource's arguments become in the ECS API's shape, and which Terraform argument
 * an ECS path came from (core/policy/inputs/terraformDocuments.ts). The inputs are written as
 * hcl2json and `terraform show -json` give them: blocks as lists of objects, maps as objects.
 * Attribute names are the AWS provider's (aws_ecs_task_definition, aws_ecs_service,
 * aws_ecs_task_set, aws_ecs_cluster, aws_ecs_capacity_provider); ECS names are the ECS API's.
 */
import { describe, expect, it } from "vitest";
import {
  ecsDocumentFromTerraform,
  terraformPathOf,
  terraformValue,
  wholeExpression,
} from "../../../core/policy/inputs/terraformDocuments.ts";
import { type FieldPath, type ResourceKind, Unknown } from "../../../core/policy/types.ts";

const $ = (expression: string) => `$\{${expression}}`;
const ACCOUNT = "arn:aws:ecs:eu-west-1:123456789012";
const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TARGET_GROUP = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/73e2d6bc24d8a067";

describe("ecsDocumentFromTerraform: a task definition", () => {
  it("volumes: host_path as host.sourcePath; EFS, Docker and FSx configuration blocks as one object each, their maps keeping the user's keys", () => {
    const values = {
      family: "web",
      volume: [
        { name: "logs", host_path: "/var/log/web" },
        {
          name: "data",
          efs_volume_configuration: [
            {
              file_system_id: "fs-0123456789abcdef0",
              root_directory: "/",
              transit_encryption: "ENABLED",
              transit_encryption_port: 2999,
              authorization_config: [{ access_point_id: "fsap-0123456789abcdef0", iam: "ENABLED" }],
            },
          ],
        },
        {
          name: "scratch",
          docker_volume_configuration: [
            {
              scope: "shared",
              autoprovision: true,
              driver: "pxd",
              // Portworx's volume options; labels are the user's own keys.
              driver_opts: { size: "10", io_priority: "high" },
              labels: { backup_policy: "daily" },
            },
          ],
        },
        {
          name: "share",
          fsx_windows_file_server_volume_configuration: [
            {
              file_system_id: "fs-0123456789abcdef1",
              root_directory: "\\data",
              authorization_config: [
                {
                  credentials_parameter: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fsx-AbCdEf",
                  domain: "corp.example.com",
                },
              ],
            },
          ],
        },
      ],
    };
    expect(ecsDocumentFromTerraform("taskDefinition", values)).toStrictEqual({
      family: "web",
      volumes: [
        { name: "logs", host: { sourcePath: "/var/log/web" } },
        {
          name: "data",
          efsVolumeConfiguration: {
            fileSystemId: "fs-0123456789abcdef0",
            rootDirectory: "/",
            transitEncryption: "ENABLED",
            transitEncryptionPort: 2999,
            authorizationConfig: { accessPointId: "fsap-0123456789abcdef0", iam: "ENABLED" },
          },
        },
        {
          name: "scratch",
          dockerVolumeConfiguration: {
            scope: "shared",
            autoprovision: true,
            driver: "pxd",
            driverOpts: { size: "10", io_priority: "high" },
            labels: { backup_policy: "daily" },
          },
        },
        {
          name: "share",
          fsxWindowsFileServerVolumeConfiguration: {
            fileSystemId: "fs-0123456789abcdef1",
            rootDirectory: "\\data",
            authorizationConfig: {
              credentialsParameter: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fsx-AbCdEf",
              domain: "corp.example.com",
            },
          },
        },
      ],
    });
  });

  it("container definitions as given; runtime_platform, ephemeral_storage and proxy_configuration as one object; placement_constraints renamed; tags as [{key, value}], tags_all dropped", () => {
    const containers = [{ name: "web", image: "public.ecr.aws/nginx/nginx:1.27", essential: true }];
    const values = {
      family: "web",
      container_definitions: JSON.stringify(containers),
      cpu: "512",
      memory: "1024",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      runtime_platform: [{ cpu_architecture: "ARM64", operating_system_family: "LINUX" }],
      ephemeral_storage: [{ size_in_gib: 40 }],
      proxy_configuration: [{ type: "APPMESH", container_name: "envoy" }],
      placement_constraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type =~ t3.*" }],
      tags: { cost_center: "platform", "autopilot:policy-skip:ECS013": "reviewed" },
      tags_all: { cost_center: "platform", managed_by: "terraform" },
    };
    expect(ecsDocumentFromTerraform("taskDefinition", values, containers)).toStrictEqual({
      family: "web",
      containerDefinitions: containers,
      cpu: "512",
      memory: "1024",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
      // ECS spells it sizeInGiB (EphemeralStorage), not sizeInGib.
      ephemeralStorage: { sizeInGiB: 40 },
      proxyConfiguration: { type: "APPMESH", containerName: "envoy" },
      placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type =~ t3.*" }],
      tags: [
        { key: "cost_center", value: "platform" },
        { key: "autopilot:policy-skip:ECS013", value: "reviewed" },
      ],
    });
  });

  it("a dynamic block is unknown, named by its block", () => {
    const values = {
      family: "web",
      dynamic: { volume: [{ for_each: $("var.volumes"), content: [{ name: $("volume.value.name") }] }] },
    };
    expect(ecsDocumentFromTerraform("taskDefinition", values)).toStrictEqual({
      family: "web",
      volumes: new Unknown('dynamic "volume" block'),
    });
  });
});

describe("ecsDocumentFromTerraform: a service and a task set", () => {
  it("Fargate service: name as serviceName, awsvpc network, load balancers and registries renamed, deployment settings in deploymentConfiguration", () => {
    const values = {
      name: "web",
      cluster: `${ACCOUNT}:cluster/main`,
      task_definition: "web:3",
      desired_count: 2,
      launch_type: "FARGATE",
      platform_version: "1.4.0",
      network_configuration: [
        { subnets: ["subnet-0a1b2c3d"], security_groups: ["sg-0a1b2c3d"], assign_public_ip: false },
      ],
      load_balancer: [{ target_group_arn: TARGET_GROUP, container_name: "web", container_port: 8080 }],
      service_registries: [
        {
          registry_arn: "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-0123456789abcdef",
          container_name: "web",
        },
      ],
      deployment_controller: [{ type: "ECS" }],
      deployment_circuit_breaker: [{ enable: true, rollback: true }],
      alarms: [{ alarm_names: ["web-5xx"], enable: true, rollback: true }],
      deployment_maximum_percent: 200,
      deployment_minimum_healthy_percent: 100,
    };
    expect(ecsDocumentFromTerraform("service", values)).toStrictEqual({
      serviceName: "web",
      cluster: `${ACCOUNT}:cluster/main`,
      taskDefinition: "web:3",
      desiredCount: 2,
      launchType: "FARGATE",
      platformVersion: "1.4.0",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-0a1b2c3d"],
          securityGroups: ["sg-0a1b2c3d"],
          assignPublicIp: "DISABLED",
        },
      },
      loadBalancers: [{ targetGroupArn: TARGET_GROUP, containerName: "web", containerPort: 8080 }],
      serviceRegistries: [
        {
          registryArn: "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-0123456789abcdef",
          containerName: "web",
        },
      ],
      deploymentController: { type: "ECS" },
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ["web-5xx"], enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
    });
  });

  it("each deployment setting alone is the only one in deploymentConfiguration", () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [
        { deployment_circuit_breaker: [{ enable: true, rollback: false }] },
        { deploymentCircuitBreaker: { enable: true, rollback: false } },
      ],
      [
        { alarms: [{ alarm_names: ["web-5xx"], enable: true, rollback: false }] },
        { alarms: { alarmNames: ["web-5xx"], enable: true, rollback: false } },
      ],
      [{ deployment_maximum_percent: 150 }, { maximumPercent: 150 }],
      [{ deployment_minimum_healthy_percent: 50 }, { minimumHealthyPercent: 50 }],
    ];
    for (const [setting, deploymentConfiguration] of cases)
      expect(
        ecsDocumentFromTerraform("service", { name: "web", ...setting }),
        JSON.stringify(setting),
      ).toStrictEqual({
        serviceName: "web",
        deploymentConfiguration,
      });
  });

  it("service_connect_configuration is one object (MaxItems 1 in the provider, an object in ECS); its log options keep the user's keys", () => {
    const namespace = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-0123456789abcdef";
    // Fluent Bit's cloudwatch_logs output plugin options, given through FireLens.
    const options = {
      Name: "cloudwatch_logs",
      region: "eu-west-1",
      log_group_name: "/ecs/service-connect",
      auto_create_group: "true",
    };
    const values = {
      name: "web",
      service_connect_configuration: [
        { enabled: true, namespace, log_configuration: [{ log_driver: "awsfirelens", options }] },
      ],
    };
    expect(ecsDocumentFromTerraform("service", values)).toStrictEqual({
      serviceName: "web",
      serviceConnectConfiguration: {
        enabled: true,
        namespace,
        logConfiguration: { logDriver: "awsfirelens", options },
      },
    });
  });

  it("EC2 service in bridge mode: placement strategy and constraints renamed; no network or deployment configuration it did not set", () => {
    const values = {
      name: "worker",
      cluster: `${ACCOUNT}:cluster/main`,
      task_definition: "worker:7",
      launch_type: "EC2",
      ordered_placement_strategy: [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "binpack", field: "memory" },
      ],
      placement_constraints: [{ type: "distinctInstance" }],
    };
    expect(ecsDocumentFromTerraform("service", values)).toStrictEqual({
      serviceName: "worker",
      cluster: `${ACCOUNT}:cluster/main`,
      taskDefinition: "worker:7",
      launchType: "EC2",
      placementStrategy: [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "binpack", field: "memory" },
      ],
      placementConstraints: [{ type: "distinctInstance" }],
    });
  });

  it("task set: keeps `service` (it has no name), scale as one object, its awsvpc network without an IP setting it did not give", () => {
    const values = {
      service: `${ACCOUNT}:service/main/web`,
      cluster: `${ACCOUNT}:cluster/main`,
      task_definition: "web:4",
      external_id: "blue",
      launch_type: "FARGATE",
      network_configuration: [{ subnets: ["subnet-0a1b2c3d"] }],
      load_balancer: [{ target_group_arn: TARGET_GROUP, container_name: "web", container_port: 8080 }],
      scale: [{ unit: "PERCENT", value: 50 }],
    };
    expect(ecsDocumentFromTerraform("taskSet", values)).toStrictEqual({
      service: `${ACCOUNT}:service/main/web`,
      cluster: `${ACCOUNT}:cluster/main`,
      taskDefinition: "web:4",
      externalId: "blue",
      launchType: "FARGATE",
      networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0a1b2c3d"] } },
      loadBalancers: [{ targetGroupArn: TARGET_GROUP, containerName: "web", containerPort: 8080 }],
      scale: { unit: "PERCENT", value: 50 },
    });
  });

  it("assign_public_ip: the bools and the strings Terraform converts to one as ENABLED/DISABLED; an unknown stays unknown", () => {
    const unknown = new Unknown("var.public_ip");
    const cases: Array<[unknown, unknown]> = [
      [true, "ENABLED"],
      ["true", "ENABLED"],
      ["1", "ENABLED"],
      [false, "DISABLED"],
      ["false", "DISABLED"],
      ["0", "DISABLED"],
      [unknown, unknown],
    ];
    for (const [given, expected] of cases)
      expect(
        ecsDocumentFromTerraform("service", {
          name: "web",
          network_configuration: [{ subnets: ["subnet-0a1b2c3d"], assign_public_ip: given }],
        }).networkConfiguration,
        String(given),
      ).toStrictEqual({ awsvpcConfiguration: { subnets: ["subnet-0a1b2c3d"], assignPublicIp: expected } });
  });
});

describe("ecsDocumentFromTerraform: a cluster and a capacity provider", () => {
  it("cluster: name as clusterName, setting as settings, execute-command and managed-storage configuration and Service Connect defaults as objects, S3 encryption flag renamed", () => {
    const values = {
      name: "main",
      setting: [{ name: "containerInsights", value: "enhanced" }],
      configuration: [
        {
          execute_command_configuration: [
            {
              kms_key_id: KMS_KEY,
              logging: "OVERRIDE",
              log_configuration: [
                {
                  cloud_watch_encryption_enabled: true,
                  cloud_watch_log_group_name: "/ecs/exec",
                  s3_bucket_name: "exec-logs",
                  s3_bucket_encryption_enabled: true,
                  s3_key_prefix: "exec",
                },
              ],
            },
          ],
          managed_storage_configuration: [
            { kms_key_id: KMS_KEY, fargate_ephemeral_storage_kms_key_id: KMS_KEY },
          ],
        },
      ],
      service_connect_defaults: [
        { namespace: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-0123456789abcdef" },
      ],
      tags: { team_name: "platform" },
      tags_all: { team_name: "platform", managed_by: "terraform" },
    };
    expect(ecsDocumentFromTerraform("cluster", values)).toStrictEqual({
      clusterName: "main",
      settings: [{ name: "containerInsights", value: "enhanced" }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: KMS_KEY,
          logging: "OVERRIDE",
          logConfiguration: {
            cloudWatchEncryptionEnabled: true,
            cloudWatchLogGroupName: "/ecs/exec",
            s3BucketName: "exec-logs",
            s3EncryptionEnabled: true,
            s3KeyPrefix: "exec",
          },
        },
        managedStorageConfiguration: { kmsKeyId: KMS_KEY, fargateEphemeralStorageKmsKeyId: KMS_KEY },
      },
      serviceConnectDefaults: {
        namespace: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-0123456789abcdef",
      },
      tags: [{ key: "team_name", value: "platform" }],
    });
  });

  it("capacity provider: keeps its name; the Auto Scaling group provider and its managed scaling as objects", () => {
    const values = {
      name: "asg",
      auto_scaling_group_provider: [
        {
          auto_scaling_group_arn:
            "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:7d3b2c1a-0f5e-4a5b-9c8d-1e2f3a4b5c6d:autoScalingGroupName/ecs",
          managed_termination_protection: "ENABLED",
          managed_draining: "ENABLED",
          managed_scaling: [
            {
              status: "ENABLED",
              target_capacity: 90,
              minimum_scaling_step_size: 1,
              maximum_scaling_step_size: 100,
              instance_warmup_period: 300,
            },
          ],
        },
      ],
    };
    expect(ecsDocumentFromTerraform("capacityProvider", values)).toStrictEqual({
      name: "asg",
      autoScalingGroupProvider: {
        autoScalingGroupArn:
          "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:7d3b2c1a-0f5e-4a5b-9c8d-1e2f3a4b5c6d:autoScalingGroupName/ecs",
        managedTerminationProtection: "ENABLED",
        managedDraining: "ENABLED",
        managedScaling: {
          status: "ENABLED",
          targetCapacity: 90,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: 100,
          instanceWarmupPeriod: 300,
        },
      },
    });
  });
});

describe("terraformPathOf: the Terraform argument an ECS path came from", () => {
  const cases: Array<[ResourceKind, FieldPath, ReadonlyArray<string | number>]> = [
    ["taskDefinition", ["volumes", 1, "host", "sourcePath"], ["volume", 1, "host_path"]],
    [
      "taskDefinition",
      ["volumes", 0, "efsVolumeConfiguration", "transitEncryption"],
      ["volume", 0, "efs_volume_configuration", 0, "transit_encryption"],
    ],
    [
      "taskDefinition",
      ["volumes", 2, "efsVolumeConfiguration", "authorizationConfig", "iam"],
      ["volume", 2, "efs_volume_configuration", 0, "authorization_config", 0, "iam"],
    ],
    ["taskDefinition", ["runtimePlatform", "cpuArchitecture"], ["runtime_platform", 0, "cpu_architecture"]],
    ["taskDefinition", ["ephemeralStorage", "sizeInGiB"], ["ephemeral_storage", 0, "size_in_gib"]],
    [
      "service",
      ["serviceConnectConfiguration", "logConfiguration", "logDriver"],
      ["service_connect_configuration", 0, "log_configuration", 0, "log_driver"],
    ],
    ["taskDefinition", ["placementConstraints", 1, "expression"], ["placement_constraints", 1, "expression"]],
    ["taskDefinition", ["tags", 1, "value"], ["tags"]],
    [
      "service",
      ["networkConfiguration", "awsvpcConfiguration", "assignPublicIp"],
      ["network_configuration", 0, "assign_public_ip"],
    ],
    ["service", ["networkConfiguration", "awsvpcConfiguration"], ["network_configuration", 0]],
    [
      "service",
      ["deploymentConfiguration", "deploymentCircuitBreaker", "rollback"],
      ["deployment_circuit_breaker", 0, "rollback"],
    ],
    ["service", ["deploymentConfiguration", "alarms", "alarmNames", 0], ["alarms", 0, "alarm_names", 0]],
    ["service", ["deploymentConfiguration", "maximumPercent"], ["deployment_maximum_percent"]],
    ["service", ["deploymentConfiguration", "minimumHealthyPercent"], ["deployment_minimum_healthy_percent"]],
    // deploymentConfiguration as a whole is no one argument: the resource block.
    ["service", ["deploymentConfiguration"], []],
    ["service", ["serviceName"], ["name"]],
    ["service", ["placementStrategy", 1, "field"], ["ordered_placement_strategy", 1, "field"]],
    ["service", ["loadBalancers", 0, "containerPort"], ["load_balancer", 0, "container_port"]],
    ["service", ["deploymentController", "type"], ["deployment_controller", 0, "type"]],
    ["service", ["platformVersion"], ["platform_version"]],
    [
      "taskSet",
      ["networkConfiguration", "awsvpcConfiguration", "assignPublicIp"],
      ["network_configuration", 0, "assign_public_ip"],
    ],
    ["taskSet", ["scale", "value"], ["scale", 0, "value"]],
    ["cluster", ["clusterName"], ["name"]],
    ["cluster", ["settings", 0, "value"], ["setting", 0, "value"]],
    [
      "cluster",
      ["configuration", "executeCommandConfiguration", "logConfiguration", "s3EncryptionEnabled"],
      [
        "configuration",
        0,
        "execute_command_configuration",
        0,
        "log_configuration",
        0,
        "s3_bucket_encryption_enabled",
      ],
    ],
    [
      "capacityProvider",
      ["autoScalingGroupProvider", "managedScaling", "targetCapacity"],
      ["auto_scaling_group_provider", 0, "managed_scaling", 0, "target_capacity"],
    ],
    ["capacityProvider", ["name"], ["name"]],
  ];
  it.each(cases)("%s %j is %j", (kind, path, expected) => {
    expect(terraformPathOf(kind, path)).toStrictEqual({ path: expected });
  });

  it("a path inside container_definitions is that argument, with the path inside its JSON", () => {
    expect(terraformPathOf("taskDefinition", ["containerDefinitions", 0, "image"])).toStrictEqual({
      path: ["container_definitions"],
      inner: [0, "image"],
    });
  });
});

describe("terraformValue and wholeExpression: what hcl2json could not evaluate", () => {
  it("a whole-value reference to a resource's attribute is a reference; a variable, a local or an expression is not", () => {
    const cases: Array<[string, boolean]> = [
      ["aws_iam_role.task.arn", true],
      ["data.aws_iam_role.execution.arn", true],
      ["aws_ecs_cluster.main[0].id", true],
      ['aws_iam_role.task["web"].arn', true],
      ["aws_iam_role.task[10].arn", true],
      ["var.task_role_arn", false],
      // A local's object attributes: `local`, like `var` and `module`, is no resource type.
      ["local.ecs_roles.task.arn", false],
      // A condition on an attribute may be null: no reference.
      ['aws_ecs_cluster.main.name == "prod" ? "ENABLED" : "DISABLED"', false],
    ];
    for (const [expression, reference] of cases)
      expect(terraformValue($(expression)), expression).toStrictEqual(new Unknown(expression, reference));
  });

  it("a template with an interpolation after literal text is unknown as written; `$${` is an escape, not an interpolation", () => {
    const arn = `arn:aws:iam::${$("data.aws_caller_identity.current.account_id")}:role/ecsTaskExecutionRole`;
    expect(terraformValue(arn)).toStrictEqual(new Unknown(arn));
    expect(terraformValue({ image: arn, port: 8080 })).toStrictEqual({ image: new Unknown(arn), port: 8080 });
    expect(terraformValue("echo $${HOME}")).toBe("echo $${HOME}");
  });

  it("wholeExpression: only a value that starts with `${` and whose first interpolation closes at its end", () => {
    expect(wholeExpression(`${ACCOUNT}:cluster/${$("var.cluster")}`)).toBeUndefined();
    expect(wholeExpression(`${$("var.name")}-web`)).toBeUndefined();
    expect(wholeExpression($("var.name"))).toBe("var.name");
  });

  it("wholeExpression: braces and escaped quotes inside the expression's string literals do not close it", () => {
    for (const expression of [
      'replace(var.family, "{env}", var.env)',
      'trimsuffix(var.name, "}")',
      'replace(var.name, "\\"}", "")',
    ])
      expect(wholeExpression($(expression)), expression).toBe(expression);
  });
});
