import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import { evaluateTaskDefinition, RULES, type RunContext } from "../../../core/policy/index.ts";

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
  };
}

const RUN: RunContext = { behindLoadBalancer: true, platformVersion: "LATEST" };
const evaluate = (td: Json, run: RunContext = RUN, config = DEFAULT_CONFIG) =>
  evaluateTaskDefinition(
    { taskDefinition: td, subject: "shop-web", suppressions: [], run },
    config.policy,
  ).findings.map((f) => f.ruleId);
const container = (td: Json) => (td.containerDefinitions as Json[])[0] as Json;

const FAILING: Record<string, { change: (td: Json) => void; run?: RunContext }> = {
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
  ECS008: { change: () => {}, run: { ...RUN, platformVersion: "1.3.0" } },
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
};

describe("the rule catalogue", () => {
  it("has a failing case for every rule, and stable ids with mappings", () => {
    expect(Object.keys(FAILING).sort()).toEqual(RULES.map((r) => r.id));
    for (const rule of RULES) {
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.remediation.length).toBeGreaterThan(10);
    }
  });

  it("passes a task definition that follows every rule", () => {
    expect(evaluate(compliant())).toEqual([]);
  });

  it.each(Object.entries(FAILING))("%s fails its case, and only that rule fails", (id, { change, run }) => {
    const td = compliant();
    change(td);
    expect(evaluate(td, run)).toEqual([id]);
  });

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
