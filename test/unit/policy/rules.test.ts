import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  evaluateResource,
  evaluateTaskDefinition,
  type ResourceKind,
  RULES,
  type RunContext,
} from "../../../core/policy/index.ts";
import type { RelatedResources } from "../../../core/policy/types.ts";

type Json = Record<string, unknown>;

/** A task definition that passes every rule. */
function compliant(): Json {
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

const RUN: RunContext = {
  behindLoadBalancer: true,
  platformVersion: "LATEST",
  account: "123456789012",
  region: "eu-west-1",
};
/** The defaults with the rules that are off by default (tagging) turned on. */
const ALL_RULES = parseConfig(
  JSON.stringify({
    policy: {
      rules: Object.fromEntries(["ECS028", "ECS029", "ECS030"].map((id) => [id, { enabled: true }])),
    },
  }),
  "all rules",
);
const evaluate = (td: Json, run: RunContext = RUN, config = ALL_RULES) =>
  evaluateTaskDefinition(
    { taskDefinition: td, subject: "shop-web", suppressions: [], run },
    config.policy,
  ).findings.map((f) => f.ruleId);
const container = (td: Json) => (td.containerDefinitions as Json[])[0] as Json;

const TASK_DEFINITION_FAILING: Record<
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
const COMPLIANT: Record<Exclude<ResourceKind, "taskDefinition">, () => Json> = {
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
const evaluateKind = (kind: ResourceKind, document: Json, related: RelatedResources = {}) =>
  evaluateResource(
    { document, subject: "x", suppressions: [], run: RUN, resourceType: kind, related },
    ALL_RULES.policy,
  );

const OTHER_FAILING: Record<
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

describe("the rule catalogue", () => {
  it("has at least 32 rules, a failing case for every one, and rationale and remediation for each", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(32);
    expect([...Object.keys(TASK_DEFINITION_FAILING), ...Object.keys(OTHER_FAILING)].sort()).toEqual(
      RULES.map((r) => r.id),
    );
    for (const rule of RULES) {
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.remediation.length).toBeGreaterThan(10);
    }
  });

  it("passes a task definition that follows every rule", () => {
    expect(evaluate(compliant())).toEqual([]);
  });

  it.each(Object.entries(COMPLIANT))("passes a %s that follows every rule", (kind, make) => {
    expect(evaluateKind(kind as ResourceKind, make()).findings).toEqual([]);
  });

  it.each(Object.entries(TASK_DEFINITION_FAILING))(
    "%s fails its case, and only that rule fails",
    (id, { change, run, config }) => {
      const td = compliant();
      change(td);
      expect(evaluate(td, run, config)).toEqual([id]);
    },
  );

  it.each(Object.entries(OTHER_FAILING))(
    "%s fails its case on a service/cluster/task set/capacity provider, and only that rule fails",
    (id, { kind, change, related }) => {
      const doc = COMPLIANT[kind]();
      change(doc);
      expect(evaluateKind(kind, doc, related).findings.map((f) => f.ruleId)).toEqual([id]);
    },
  );

  it("detects secrets by value shape whatever the name, and by name with a plain value", () => {
    const td = compliant();
    container(td).environment = [
      { name: "CONFIG", value: "AKIAIOSFODNN7EXAMPLE" },
      { name: "SIGNING", value: "-----BEGIN RSA PRIVATE KEY-----\nMIIE" },
      { name: "DB_PASSWORD", value: "hunter2" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
      { name: "GITHUB_TOKEN", value: "${GITHUB_TOKEN}" },
      { name: "API_KEY_PARAMETER", value: "arn:aws:ssm:eu-west-1:123456789012:parameter/api-key" },
    ];
    const findings = evaluateTaskDefinition(
      { taskDefinition: td, subject: "x", suppressions: [], run: RUN },
      DEFAULT_CONFIG.policy,
    ).findings;
    expect(findings.map((f) => f.message)).toEqual([
      "container 'web': CONFIG holds an AWS access key id",
      "container 'web': SIGNING holds a private key",
      "container 'web': DB_PASSWORD looks like a secret and has a plain value",
    ]);
  });

  it("knows the Fargate size table, 8 and 16 vCPU included", () => {
    const sized = (cpu: string, memory: string) => {
      const td = compliant();
      Object.assign(td, { cpu, memory });
      return evaluate(td).includes("ECS018");
    };
    expect([
      sized("8192", "16384"),
      sized("8192", "61440"),
      sized("16384", "122880"),
      sized(".25 vcpu", ".5 gb"),
    ]).toEqual([false, false, false, false]);
    expect([
      sized("8192", "18432"),
      sized("16384", "32000"),
      sized("3072", "8192"),
      sized("4096", "31744"),
    ]).toEqual([true, true, true, true]);
  });

  it("is configurable: off, severity, parameters", () => {
    const config = parseConfig(
      JSON.stringify({
        policy: {
          rules: {
            ECS002: { enabled: false },
            ECS013: { severity: "high" },
            ECS014: { params: { allowedRegistries: ["ghcr.io"] } },
          },
        },
      }),
      "test",
    );
    const td = compliant();
    delete container(td).readonlyRootFilesystem;
    container(td).image = "ghcr.io/acme/web:latest";
    const findings = evaluateTaskDefinition(
      { taskDefinition: td, subject: "x", suppressions: [], run: RUN },
      config.policy,
    ).findings;
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([["ECS013", "high"]]);
  });

  it("honours suppressions only with a reason, and exemptions from the config", () => {
    const td = compliant();
    container(td).user = "root";
    container(td).privileged = true;
    const config = parseConfig(
      JSON.stringify({
        policy: { exemptions: [{ family: "shop-*", rule: "ECS007", reason: "legacy image, ticket OPS-12" }] },
      }),
      "t",
    );
    const result = evaluateTaskDefinition(
      {
        taskDefinition: td,
        subject: "shop-web",
        family: "shop-web",
        run: RUN,
        suppressions: [{ ruleId: "ECS001", reason: "", source: "tags" }],
      },
      config.policy,
    );
    expect(result.findings.map((f) => f.ruleId)).toEqual(["ECS001", "ECS000"]);
    expect(result.suppressed.map((s) => [s.finding.ruleId, s.reason])).toEqual([
      ["ECS007", "legacy image, ticket OPS-12"],
    ]);
    expect(() =>
      parseConfig(
        JSON.stringify({ policy: { exemptions: [{ family: "*", rule: "ECS007", reason: " " }] } }),
        "t",
      ),
    ).toThrow("an exemption needs a reason");
  });
});
