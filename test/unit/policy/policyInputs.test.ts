/**
 * What the policy reads from its inputs before any rule runs, asserted through the rule that
 * decides on it: which CloudFormation intrinsics stand for a value that is there (normalize), and
 * what a service adds to the check of the revision it runs (serviceContext).
 */
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  evaluateResource,
  evaluateTaskDefinition,
  fromEcsApi,
  loadTaskDefinitionText,
  runContextOf,
  serviceExemptions,
} from "../../../core/policy/index.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { ALL_RULES, COMPLIANT, compliant, container, type Json } from "./ruleCases.ts";

/**
 * ECS017's decision for a CloudFormation template whose task definition reads a secret, with
 * `ExecutionRoleArn` as given (absent when undefined): `ECS017 path` for a finding, `?ECS017 path`
 * when the rule cannot decide, nothing when the role is there.
 */
function ecs017(executionRoleArn: unknown): string[] {
  const template = {
    Parameters: { ExecRoleArn: { Type: "String" } },
    Resources: {
      ExecRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: {} } },
      Task: {
        Type: "AWS::ECS::TaskDefinition",
        Properties: {
          Family: "shop",
          ...(executionRoleArn === undefined ? {} : { ExecutionRoleArn: executionRoleArn }),
          ContainerDefinitions: [
            {
              Name: "app",
              Image: "nginx:1.27",
              Secrets: [{ Name: "DB", ValueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/db" }],
            },
          ],
        },
      },
    },
  };
  const [loaded] = loadTaskDefinitionText(JSON.stringify(template), "template.json");
  if (!loaded) throw new Error("the template holds a task definition");
  const evaluation = evaluateTaskDefinition(loaded, DEFAULT_CONFIG.policy);
  return [
    ...evaluation.findings.filter((f) => f.ruleId === "ECS017").map((f) => `ECS017 ${f.path}`),
    ...evaluation.unknown.filter((u) => u.ruleId === "ECS017").map((u) => `?ECS017 ${u.path}`),
  ];
}

describe("CloudFormation intrinsics: a reference to a resource is there, anything else may be empty", () => {
  it("a role given by Ref or GetAtt of a resource is there: ECS017 passes", () => {
    expect(ecs017({ Ref: "ExecRole" })).toEqual([]);
    expect(ecs017({ "Fn::GetAtt": ["ExecRole", "Arn"] })).toEqual([]);
  });

  it("a pseudo parameter (AWS::NoValue removes the property) or a template parameter may be empty: ECS017 is unknown", () => {
    expect(ecs017({ Ref: "AWS::NoValue" })).toEqual(["?ECS017 executionRoleArn"]);
    expect(ecs017({ Ref: "ExecRoleArn" })).toEqual(["?ECS017 executionRoleArn"]);
  });

  it("a function (Fn::If, Fn::Sub) may give anything: ECS017 is unknown", () => {
    expect(ecs017({ "Fn::If": ["IsProd", { Ref: "ExecRole" }, { Ref: "AWS::NoValue" }] })).toEqual([
      "?ECS017 executionRoleArn",
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, literally
    expect(ecs017({ "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/exec" })).toEqual([
      "?ECS017 executionRoleArn",
    ]);
  });

  it("no role, an empty one or null, and a secret is a finding on the secrets", () => {
    for (const role of [undefined, "", null])
      expect(ecs017(role), String(role)).toEqual(["ECS017 containerDefinitions[0].secrets"]);
  });
});

describe("a CloudFormation tag that suppresses a rule (Tags: Key, Value)", () => {
  const withTag = (value: string) => {
    const template = {
      Resources: {
        Task: {
          Type: "AWS::ECS::TaskDefinition",
          Properties: {
            Family: "shop",
            Tags: [{ Key: "autopilot:policy-skip:ECS017", Value: value }],
            ContainerDefinitions: [
              {
                Name: "app",
                Image: "nginx:1.27",
                Secrets: [{ Name: "DB", ValueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/db" }],
              },
            ],
          },
        },
      },
    };
    const [loaded] = loadTaskDefinitionText(JSON.stringify(template), "template.json");
    if (!loaded) throw new Error("the template holds a task definition");
    const evaluation = evaluateTaskDefinition(loaded, DEFAULT_CONFIG.policy);
    return [
      ...evaluation.suppressed.map((s) => `${s.finding.ruleId} suppressed by ${s.by}: ${s.reason}`),
      ...evaluation.findings
        .filter((f) => f.ruleId === "ECS000" || f.ruleId === "ECS017")
        .map((f) => `${f.ruleId} ${f.path}: ${f.message}`),
    ];
  };

  it("suppresses the rule, with the reason trimmed", () => {
    expect(withTag("  no secrets in this image yet, OPS-9  ")).toEqual([
      "ECS017 suppressed by Task Tags: no secrets in this image yet, OPS-9",
    ]);
  });

  it("suppresses nothing when the reason is only spaces (ECS000 says so)", () => {
    expect(withTag("   ")).toEqual([
      "ECS017 containerDefinitions[0].secrets: container 'app' references secrets but the task has no execution role",
      "ECS000 tags: Task Tags suppresses ECS017 without saying why; it is ignored",
    ]);
  });
});

describe("a revision read from ECS (DescribeTaskDefinition) is named by its ARN's last part, else family:revision", () => {
  it.each([
    [
      { taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/ledger:3", family: "ledger" },
      "ledger:3",
    ],
    [{ family: "ledger", revision: 3 }, "ledger:3"],
    [{ family: "ledger" }, "ledger"],
    [{}, "task definition"],
  ])("%j is %s", (taskDefinition, subject) => {
    expect(fromEcsApi(taskDefinition).subject).toBe(subject);
    expect(evaluateTaskDefinition(fromEcsApi(taskDefinition), DEFAULT_CONFIG.policy).subject).toBe(subject);
  });

  it("a container without a name is named by its place in findings", () => {
    const evaluation = evaluateTaskDefinition(
      fromEcsApi({
        family: "ledger",
        containerDefinitions: [
          { name: "app", image: "nginx:1.27" },
          { image: "nginx:1.27", privileged: true },
        ],
      }),
      DEFAULT_CONFIG.policy,
    );
    expect(
      evaluation.findings.filter((f) => f.ruleId === "ECS001").map((f) => `${f.path}: ${f.message}`),
    ).toEqual(["containerDefinitions[1].privileged: container '#1' runs privileged"]);
  });
});

/** A revision whose only finding is ECS019 (medium) when its service is behind a load balancer. */
function withoutHealthCheck(): Record<string, unknown> {
  const td = compliant();
  delete container(td).healthCheck;
  return td;
}
const exemptBy = (value: string): Service => ({
  serviceName: "web",
  loadBalancers: [{ containerName: "web", containerPort: 8080, targetGroupArn: "arn:tg" }],
  tags: [{ key: SERVICE_TAGS.policyExempt, value }],
});
/** ECS019's outcome for the revision as the service runs it: finding, exempted (by whom), or nothing. */
function ecs019(service: Service | undefined): string[] {
  const evaluation = evaluateTaskDefinition(
    fromEcsApi(withoutHealthCheck(), [], runContextOf(service)),
    DEFAULT_CONFIG.policy,
    { extraExemptions: serviceExemptions(service) },
  );
  return [
    ...evaluation.findings.filter((f) => f.ruleId === "ECS019").map((f) => `ECS019 ${f.path}`),
    ...evaluation.suppressed
      .filter((s) => s.finding.ruleId === "ECS019")
      .map((s) => `exempt ECS019 by ${s.by}`),
  ];
}

describe("what a service adds to the check of its revision", () => {
  it("its load balancers: behind one, an essential container without a health check is ECS019", () => {
    expect(
      ecs019({ serviceName: "web", loadBalancers: [{ containerName: "web", containerPort: 8080 }] }),
    ).toEqual(["ECS019 containerDefinitions[0].healthCheck"]);
    expect(ecs019({ serviceName: "web", loadBalancers: [] })).toEqual([]);
    expect(ecs019({ serviceName: "web" })).toEqual([]);
    expect(ecs019(undefined)).toEqual([]);
  });

  it("its exemption tag: rule ids separated by any whitespace, named by the tag", () => {
    const byTag = `exempt ECS019 by service tag ${SERVICE_TAGS.policyExempt}`;
    expect(ecs019(exemptBy("ECS019"))).toEqual([byTag]);
    expect(ecs019(exemptBy("ECS013  ECS019"))).toEqual([byTag]);
    expect(ecs019(exemptBy("ECS013\tECS019\n"))).toEqual([byTag]);
  });

  it("its exemption tag: only whole rule ids count", () => {
    for (const value of ["ECS013", "ECS0190", "xECS019", "ECS019,ECS013", "ecs019", "ECS19", ""])
      expect(ecs019(exemptBy(value)), value).toEqual(["ECS019 containerDefinitions[0].healthCheck"]);
  });

  it("its platform version and launch type: as the service gives them, nothing when it gives none", () => {
    expect(runContextOf({ platformVersion: "1.4.0", launchType: "FARGATE" })).toEqual({
      platformVersion: "1.4.0",
      launchType: "FARGATE",
    });
    expect(runContextOf({ serviceName: "web" })).toEqual({});
    expect(runContextOf(undefined)).toEqual({});
  });

  it("under the external deployment controller: behind a load balancer when one of its task sets is, with the task set's launch type", () => {
    // DescribeServices' shape for an EXTERNAL service: the load balancers are the task sets'.
    const external = {
      serviceName: "web",
      deploymentController: { type: "EXTERNAL" as const },
      loadBalancers: [],
      taskSets: [
        { id: "ecs-svc/1", launchType: "FARGATE" as const, platformVersion: "1.4.0", loadBalancers: [] },
        {
          id: "ecs-svc/2",
          launchType: "FARGATE" as const,
          loadBalancers: [
            {
              targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/1",
              containerName: "app",
              containerPort: 80,
            },
          ],
        },
      ],
    };
    expect(runContextOf(external)).toEqual({
      behindLoadBalancer: true,
      platformVersion: "1.4.0",
      launchType: "FARGATE",
    });
    expect(runContextOf({ ...external, taskSets: [] })).toEqual({});
  });
});

/**
 * A document of `kind` (compliant, then changed) as every rule sees it: `?ruleId path: message` of
 * each unknown, `ruleId path` of each finding.
 */
function outcome(kind: "taskDefinition" | "service" | "cluster", change: (doc: Json) => void): string[] {
  const document = kind === "taskDefinition" ? compliant() : COMPLIANT[kind]();
  change(document);
  const evaluation = evaluateResource(
    { document, subject: "x", suppressions: [], run: {}, resourceType: kind, related: {} },
    ALL_RULES.policy,
  );
  return [
    ...evaluation.unknown.map((u) => `?${u.ruleId} ${u.path}: ${u.message}`),
    ...evaluation.findings.map((f) => `${f.ruleId} ${f.path}`),
  ];
}
const logConfiguration = (cluster: Json) =>
  ((cluster.configuration as Json).executeCommandConfiguration as Json).logConfiguration as Json;

describe("a value of the wrong type is unknown to the rule that reads it, never absent or false", () => {
  it.each<[string, "taskDefinition" | "service" | "cluster", (doc: Json) => void, string[]]>([
    [
      "readonlyRootFilesystem",
      "taskDefinition",
      (td) => {
        container(td).readonlyRootFilesystem = "yes";
      },
      [
        '?ECS002 containerDefinitions[0].readonlyRootFilesystem: containerDefinitions[0].readonlyRootFilesystem is "yes", not a boolean: read as not known',
      ],
    ],
    [
      "enableExecuteCommand",
      "service",
      (service) => {
        service.enableExecuteCommand = "yes";
      },
      ['?ECS034 enableExecuteCommand: enableExecuteCommand is "yes", not a boolean: read as not known'],
    ],
    [
      "the circuit breaker's enable",
      "service",
      (service) => {
        service.deploymentConfiguration = { deploymentCircuitBreaker: { enable: "yes", rollback: true } };
      },
      [
        "?ECS038 deploymentConfiguration.deploymentCircuitBreaker.enable: the circuit breaker setting is not known in this input",
      ],
    ],
    [
      "the alarms' enable",
      "service",
      (service) => {
        service.deploymentConfiguration = { alarms: { enable: "yes", rollback: true, alarmNames: ["a"] } };
      },
      [
        '?ECS038 deploymentConfiguration.alarms.enable: deploymentConfiguration.alarms.enable is "yes", not a boolean: read as not known',
      ],
    ],
    [
      "cloudWatchEncryptionEnabled",
      "cluster",
      (cluster) => {
        logConfiguration(cluster).cloudWatchEncryptionEnabled = "yes";
      },
      [
        '?ECS025 configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled: configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled is "yes", not a boolean: read as not known',
      ],
    ],
    [
      "s3EncryptionEnabled",
      "cluster",
      (cluster) => {
        const exec = (cluster.configuration as Json).executeCommandConfiguration as Json;
        exec.logConfiguration = { s3BucketName: "exec-logs", s3EncryptionEnabled: "yes" };
      },
      [
        '?ECS025 configuration.executeCommandConfiguration.logConfiguration.s3EncryptionEnabled: configuration.executeCommandConfiguration.logConfiguration.s3EncryptionEnabled is "yes", not a boolean: read as not known',
      ],
    ],
    [
      "a volume",
      "taskDefinition",
      (td) => {
        td.volumes = [null];
      },
      [
        "?ECS009 volumes[0]: volumes[0] is null, not an object: read as not known",
        "?ECS031 volumes[0]: volumes[0] is null, not an object: read as not known",
      ],
    ],
    [
      "a mount point of a container with a host volume",
      "taskDefinition",
      (td) => {
        td.volumes = [{ name: "sock", host: { sourcePath: "/var/run/docker.sock" } }];
        container(td).mountPoints = [null];
      },
      [
        "?ECS031 containerDefinitions[0].mountPoints[0]: containerDefinitions[0].mountPoints[0] is null, not an object: read as not known",
      ],
    ],
    [
      "an environment variable",
      "taskDefinition",
      (td) => {
        container(td).environment = [null];
      },
      [
        "?ECS003 containerDefinitions[0].environment[0]: containerDefinitions[0].environment[0] is null, not an object: read as not known",
      ],
    ],
    [
      "a secret",
      "taskDefinition",
      (td) => {
        container(td).secrets = [null];
      },
      [
        "?ECS035 containerDefinitions[0].secrets[0]: containerDefinitions[0].secrets[0] is null, not an object: read as not known",
      ],
    ],
    [
      "a ulimit of a container that listens",
      "taskDefinition",
      (td) => {
        container(td).portMappings = [{ containerPort: 8080 }];
        container(td).ulimits = [null];
      },
      [
        "?ECS032 containerDefinitions[0].ulimits[0]: containerDefinitions[0].ulimits[0] is null, not an object: read as not known",
      ],
    ],
    [
      "a log driver's secret option",
      "taskDefinition",
      (td) => {
        (container(td).logConfiguration as Json).secretOptions = [null];
      },
      [
        "?ECS035 containerDefinitions[0].logConfiguration.secretOptions[0]: containerDefinitions[0].logConfiguration.secretOptions[0] is null, not an object: read as not known",
      ],
    ],
    [
      "a task definition's tag",
      "taskDefinition",
      (td) => {
        td.tags = [null];
      },
      ["?ECS028 tags[0]: tags[0] is null, not an object: read as not known"],
    ],
    [
      "a cluster setting",
      "cluster",
      (cluster) => {
        cluster.settings = [null];
      },
      ["?ECS023 settings[0]: settings[0] is null, not an object: read as not known"],
    ],
    [
      "a capacity provider strategy entry of a service without a launch type",
      "service",
      (service) => {
        delete service.launchType;
        service.platformVersion = "1.3.0";
        service.capacityProviderStrategy = [null];
      },
      [
        "?ECS008 capacityProviderStrategy[0]: capacityProviderStrategy[0] is null, not an object: read as not known",
      ],
    ],
  ])("%s", (_, kind, change, expected) => {
    expect(outcome(kind, change)).toEqual(expected);
  });
});
