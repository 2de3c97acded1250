/**
 * Resources that pass every rule, and for each rule a change that makes it (and only it) fail:
 * the cases of rules.test.ts, and the documents the unknown-value property test varies.
 */
import { parseConfig } from "../../../core/config/index.ts";
import type { ResourceKind, RunContext } from "../../../core/policy/index.ts";
import type { RelatedResources } from "../../../core/policy/types.ts";

export type Json = Record<string, unknown>;

/** A task definition that passes every rule. */
export function compliant(): Json {
  return {
    family: "shop-web",
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    executionRoleArn: "arn:aws:iam::123456789012:role/shop-web-execution",
    taskRoleArn: "arn:aws:iam::123456789012:role/shop-web-task",
    containerDefinitions: [
      {
        name: "web",
        image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:${"a".repeat(64)}`,
        essential: true,
        user: "1000:1000",
        readonlyRootFilesystem: true,
        privileged: false,
        environment: [
          { name: "LOG_LEVEL", value: "info" },
          { name: "DB_PASSWORD_PARAMETER", value: "arn:aws:ssm:eu-west-1:123456789012:parameter/db" },
        ],
        secrets: [
          {
            name: "DB_PASSWORD",
            valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
          },
        ],
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "/ecs/shop-web",
            "awslogs-region": "eu-west-1",
            "awslogs-stream-prefix": "ecs",
          },
        },
        linuxParameters: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
        healthCheck: {
          command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
          interval: 30,
        },
      },
    ],
    volumes: [
      {
        name: "uploads",
        efsVolumeConfiguration: { fileSystemId: "fs-12345678", transitEncryption: "ENABLED" },
      },
    ],
    tags: [{ key: "team", value: "shop" }],
  };
}

export const RUN: RunContext = {
  behindLoadBalancer: true,
  platformVersion: "LATEST",
  account: "123456789012",
  region: "eu-west-1",
};
/** The defaults with the rules that are off by default (tagging) turned on. */
export const ALL_RULES = parseConfig(
  JSON.stringify({
    policy: {
      rules: Object.fromEntries(["ECS028", "ECS029", "ECS030"].map((id) => [id, { enabled: true }])),
    },
  }),
  "all rules",
);
export const container = (td: Json) => (td.containerDefinitions as Json[])[0] as Json;

export const TASK_DEFINITION_FAILING: Record<
  string,
  { change: (td: Json) => void; run?: RunContext; config?: typeof ALL_RULES }
> = {
  ECS001: {
    change: (td) => {
      container(td).privileged = true;
    },
  },
  ECS002: {
    change: (td) => {
      delete container(td).readonlyRootFilesystem;
    },
  },
  ECS003: {
    change: (td) => {
      container(td).environment = [{ name: "STRIPE", value: "sk_live_4eC39HqLyjWDarjtT1zdp7dc" }];
    },
  },
  ECS004: {
    change: (td) => {
      delete container(td).logConfiguration;
    },
  },
  ECS005: {
    change: (td) => {
      td.pidMode = "host";
    },
  },
  ECS006: {
    change: (td) => {
      td.networkMode = "host";
    },
  },
  ECS007: {
    change: (td) => {
      container(td).user = "root";
    },
  },
  ECS009: {
    change: (td) => {
      (td.volumes as Json[])[0] = {
        name: "uploads",
        efsVolumeConfiguration: { fileSystemId: "fs-1" },
      };
    },
  },
  ECS010: {
    change: (td) => {
      delete td.memory;
      td.requiresCompatibilities = ["EC2"];
    },
  },
  ECS011: {
    change: (td) => {
      td.networkMode = "bridge";
    },
  },
  ECS012: {
    change: (td) => {
      td.taskRoleArn = td.executionRoleArn;
    },
  },
  ECS013: {
    change: (td) => {
      container(td).image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:latest";
    },
  },
  ECS014: {
    change: (td) => {
      container(td).image = `ghcr.io/acme/web@sha256:${"b".repeat(64)}`;
    },
  },
  ECS015: {
    change: (td) => {
      container(td).linuxParameters = { capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } };
    },
  },
  ECS016: {
    change: (td) => {
      container(td).linuxParameters = { capabilities: { add: [] } };
    },
  },
  ECS017: {
    change: (td) => {
      delete td.executionRoleArn;
    },
  },
  ECS018: {
    change: (td) => {
      td.memory = "3072";
    },
  },
  ECS019: {
    change: (td) => {
      delete container(td).healthCheck;
    },
  },
  ECS020: {
    change: (td) => {
      container(td).memory = 1024;
    },
  },
  ECS027: {
    change: (td) => {
      td.runtimePlatform = { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" };
      // Windows: no readonlyRootFilesystem or capabilities checks (ECS002, ECS016 and ECS007 skip it).
      container(td).user = "ContainerAdministrator";
    },
  },
  ECS028: {
    change: (td) => {
      td.tags = [{ key: "aws:cloudformation:stack-name", value: "shop" }];
    },
  },
  ECS031: {
    change: (td) => {
      (td.volumes as Json[]).push({ name: "docker", host: { sourcePath: "/var/run/docker.sock" } });
      container(td).mountPoints = [
        { sourceVolume: "docker", containerPath: "/var/run/docker.sock", readOnly: true },
      ];
    },
  },
  ECS032: {
    change: (td) => {
      container(td).portMappings = [{ containerPort: 8080 }];
      container(td).ulimits = [{ name: "nofile", softLimit: 1024, hardLimit: 4096 }];
    },
  },
  ECS033: {
    change: (td) => {
      container(td).entryPoint = ["/bin/sh", "-c"];
      container(td).command = ["./migrate && node server.js"];
    },
  },
  ECS035: {
    change: (td) => {
      container(td).secrets = [
        { name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" },
      ];
    },
  },
  ECS036: {
    change: (td) => {
      const web = container(td);
      delete web.essential;
      td.containerDefinitions = [web, { ...web, name: "log-router" }];
    },
  },
  ECS037: {
    change: (td) => {
      container(td).image = `gcr.io/distroless/nodejs22-debian12@sha256:${"d".repeat(64)}`;
    },
    // gcr.io allowed, so that only the health-check rule speaks.
    config: parseConfig(
      JSON.stringify({
        policy: {
          rules: {
            ECS014: { params: { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com", "gcr.io"] } },
            ECS028: { enabled: true },
          },
        },
      }),
      "gcr.io allowed",
    ),
  },
};

/** A service, cluster, task set and capacity provider (ECS API shapes) that pass every rule. */
export const COMPLIANT: Record<Exclude<ResourceKind, "taskDefinition">, () => Json> = {
  service: () => ({
    serviceName: "shop-web",
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
    launchType: "FARGATE",
    platformVersion: "LATEST",
    enableExecuteCommand: false,
    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "DISABLED" } },
    deploymentController: { type: "ECS" },
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    tags: [{ key: "team", value: "shop" }],
  }),
  cluster: () => ({
    clusterName: "prod",
    settings: [{ name: "containerInsights", value: "enabled" }],
    configuration: {
      executeCommandConfiguration: {
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        logging: "OVERRIDE",
        logConfiguration: { cloudWatchLogGroupName: "/ecs/exec", cloudWatchEncryptionEnabled: true },
      },
    },
    tags: [{ key: "team", value: "platform" }],
  }),
  taskSet: () => ({
    id: "ecs-svc/1234",
    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "DISABLED" } },
  }),
  capacityProvider: () => ({
    name: "on-demand",
    autoScalingGroupProvider: {
      autoScalingGroupArn:
        "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:x:autoScalingGroupName/ecs",
      managedScaling: { status: "ENABLED", targetCapacity: 100 },
      managedTerminationProtection: "ENABLED",
    },
  }),
};

export const OTHER_FAILING: Record<
  string,
  { kind: Exclude<ResourceKind, "taskDefinition">; change: (doc: Json) => void; related?: RelatedResources }
> = {
  ECS008: {
    kind: "service",
    change: (s) => {
      s.platformVersion = "1.3.0";
    },
  },
  ECS021: {
    kind: "service",
    change: (s) => {
      s.networkConfiguration = { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" } };
    },
  },
  ECS029: {
    kind: "service",
    change: (s) => {
      s.tags = [];
    },
  },
  ECS034: {
    kind: "service",
    change: (s) => {
      s.enableExecuteCommand = true;
    },
    related: {
      cluster: { clusterName: "prod", configuration: { executeCommandConfiguration: { logging: "NONE" } } },
    },
  },
  ECS038: {
    kind: "service",
    change: (s) => {
      delete s.deploymentConfiguration;
    },
  },
  ECS022: {
    kind: "taskSet",
    change: (t) => {
      t.networkConfiguration = { awsvpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" } };
    },
  },
  ECS023: {
    kind: "cluster",
    change: (c) => {
      c.settings = [{ name: "containerInsights", value: "disabled" }];
    },
  },
  ECS024: {
    kind: "cluster",
    change: (c) => {
      c.configuration = {
        executeCommandConfiguration: {
          kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
          logging: "NONE",
        },
      };
    },
  },
  ECS025: {
    kind: "cluster",
    change: (c) => {
      c.configuration = { executeCommandConfiguration: { logging: "DEFAULT" } };
    },
  },
  ECS030: {
    kind: "cluster",
    change: (c) => {
      delete c.tags;
    },
  },
  ECS026: {
    kind: "capacityProvider",
    change: (p) => {
      (p.autoScalingGroupProvider as Json).managedTerminationProtection = "DISABLED";
    },
  },
};
