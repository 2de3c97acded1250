/**
 * The decisions of the service rules (core/policy/rules/serviceRules.ts: ECS008, ECS021, ECS034,
 * ECS038; ECS029 is in tagging.test.ts): for each rule its id and severity, the finding's exact
 * message and JSON path, both sides of each condition, and the unknown results of values a
 * template does not know.
 */
import { describe, expect, it } from "vitest";
import { Unknown } from "../../../core/policy/index.ts";
import { decide, type Json, withRule } from "./decideRule.ts";

describe("ECS008 Fargate platform version is not LATEST", () => {
  const pinned = (version: string) => [
    `ECS008 low platformVersion: the service runs Fargate platform version ${version}`,
  ];

  it("a Fargate service pinned to a version is flagged, naming it; LATEST and unset pass", () => {
    expect(decide("ECS008", "service", { launchType: "FARGATE", platformVersion: "1.4.0" })).toEqual(
      pinned("1.4.0"),
    );
    expect(decide("ECS008", "service", { launchType: "FARGATE", platformVersion: "LATEST" })).toEqual([]);
    expect(decide("ECS008", "service", { launchType: "FARGATE" })).toEqual([]);
    expect(decide("ECS008", "service", { launchType: "EC2", platformVersion: "1.4.0" })).toEqual([]);
  });

  it("without a launch type or capacity providers, a platform version says Fargate", () => {
    expect(decide("ECS008", "service", { platformVersion: "1.3.0" })).toEqual(pinned("1.3.0"));
    expect(decide("ECS008", "service", { platformVersion: "1.3.0", capacityProviderStrategy: [] })).toEqual(
      pinned("1.3.0"),
    );
  });

  it("a capacity provider strategy decides by its providers: FARGATE or FARGATE_SPOT is Fargate, an Auto Scaling group's is not", () => {
    const strategy = (...providers: unknown[]) => ({
      platformVersion: "1.4.0",
      capacityProviderStrategy: providers.map((capacityProvider) => ({ capacityProvider, weight: 1 })),
    });
    expect(decide("ECS008", "service", strategy("FARGATE_SPOT"))).toEqual(pinned("1.4.0"));
    expect(decide("ECS008", "service", strategy("FARGATE", "FARGATE_SPOT"))).toEqual(pinned("1.4.0"));
    expect(decide("ECS008", "service", strategy("web-asg"))).toEqual([]);
    // A name of one's own may hold FARGATE, only not start with it (CreateCapacityProvider: no "fargate" prefix).
    expect(decide("ECS008", "service", strategy("ec2-FARGATE-overflow"))).toEqual([]);
  });

  it("one strategy holds one type of provider (ECS developer guide): a known Fargate one decides, whatever a variable names after it", () => {
    expect(
      decide("ECS008", "service", {
        platformVersion: "1.4.0",
        capacityProviderStrategy: [
          { capacityProvider: "FARGATE", base: 1, weight: 1 },
          { capacityProvider: new Unknown("var.spot_provider"), weight: 3 },
        ],
      }),
    ).toEqual(pinned("1.4.0"));
  });

  it("a pinned version with a launch type not known in the input is unknown on the launch type; LATEST or no version needs none", () => {
    const launchType = new Unknown("var.launch_type");
    expect(decide("ECS008", "service", { platformVersion: "1.3.0", launchType })).toEqual([
      "?ECS008 launchType: launch type <var.launch_type> is not known",
    ]);
    expect(decide("ECS008", "service", { platformVersion: "LATEST", launchType })).toEqual([]);
    expect(decide("ECS008", "service", { launchType })).toEqual([]);
  });
});

describe("ECS021 service assigns public IP addresses", () => {
  const network = (assignPublicIp?: unknown) => ({
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ["subnet-1"], ...(assignPublicIp ? { assignPublicIp } : {}) },
    },
  });

  it("ENABLED is flagged on the field; DISABLED and unset (ECS's default, DISABLED) pass", () => {
    expect(decide("ECS021", "service", network("ENABLED"))).toEqual([
      "ECS021 high networkConfiguration.awsvpcConfiguration.assignPublicIp: the service gives every task a public IP address",
    ]);
    expect(decide("ECS021", "service", network("DISABLED"))).toEqual([]);
    expect(decide("ECS021", "service", network())).toEqual([]);
    expect(decide("ECS021", "service", {})).toEqual([]);
  });
});

describe("ECS034 ECS Exec on a production service without logging", () => {
  const service = (extra: Json = {}): Json => ({ serviceName: "web", enableExecuteCommand: true, ...extra });
  const cluster = (name: string, exec?: Json) => ({
    cluster: {
      clusterName: name,
      ...(exec ? { configuration: { executeCommandConfiguration: exec } } : {}),
    },
  });
  const NONE = { logging: "NONE" };
  const notLogged = (sign: string) => [
    `ECS034 high enableExecuteCommand: ECS Exec is on (${sign}) and the cluster logs no sessions (logging NONE)`,
  ];

  it("production is any word of the service's name, the cluster's name or its env/environment/stage tag; the finding names the sign", () => {
    expect(
      decide("ECS034", "service", service({ serviceName: "checkout-prod" }), {
        related: cluster("main", NONE),
      }),
    ).toEqual(notLogged("service 'checkout-prod'"));
    expect(decide("ECS034", "service", service(), { related: cluster("shop-production", NONE) })).toEqual(
      notLogged("cluster 'shop-production'"),
    );
    expect(
      decide("ECS034", "service", service({ tags: [{ key: "Stage", value: "prod" }] }), {
        related: cluster("main", NONE),
      }),
    ).toEqual(notLogged("tag Stage=prod"));
    // CloudFormation's Key/Value; tag keys and words in any case.
    expect(
      decide("ECS034", "service", service({ tags: [{ Key: "ENVIRONMENT", Value: "Production" }] }), {
        related: cluster("main", NONE),
      }),
    ).toEqual(notLogged("tag ENVIRONMENT=Production"));
    // A tag value is read whole, slashes and all.
    expect(
      decide("ECS034", "service", service({ tags: [{ key: "env", value: "prod/eu-west-1" }] }), {
        related: cluster("main", NONE),
      }),
    ).toEqual(notLogged("tag env=prod/eu-west-1"));
  });

  it("not production: other names, a word inside a word, another tag's value; then nothing is asked", () => {
    expect(decide("ECS034", "service", service(), { related: cluster("staging", NONE) })).toEqual([]);
    expect(
      decide("ECS034", "service", service({ serviceName: "products" }), { related: cluster("main", NONE) }),
    ).toEqual([]);
    expect(
      decide("ECS034", "service", service({ tags: [{ key: "team", value: "production-support" }] }), {
        related: cluster("main", NONE),
      }),
    ).toEqual([]);
  });

  it("a production word right after non or pre is not production: non-prod, pre-prod, non-production", () => {
    for (const name of ["non-prod", "pre-prod", "shop-non-production", "pre_production"])
      expect(decide("ECS034", "service", service(), { related: cluster(name, NONE) }), name).toEqual([]);
    // Separators of any kind and number: a tag value written by hand.
    for (const value of ["pre-prod", "Pre - Production", "non_prod"])
      expect(
        decide("ECS034", "service", service({ tags: [{ key: "Environment", value }] }), {
          related: cluster("main", NONE),
        }),
        value,
      ).toEqual([]);
    // Only right before the word: a prod word elsewhere in the name still counts.
    expect(decide("ECS034", "service", service(), { related: cluster("prod-non-pci", NONE) })).toEqual(
      notLogged("cluster 'prod-non-pci'"),
    );
    expect(decide("ECS034", "service", service(), { related: cluster("pre-stage-prod", NONE) })).toEqual(
      notLogged("cluster 'pre-stage-prod'"),
    );
  });

  it("ECS Exec off or unset: nothing is asked", () => {
    expect(
      decide("ECS034", "service", service({ enableExecuteCommand: false }), {
        related: cluster("prod", NONE),
      }),
    ).toEqual([]);
    expect(
      decide("ECS034", "service", { serviceName: "prod-api" }, { related: cluster("prod", NONE) }),
    ).toEqual([]);
  });

  it("productionWords replaces the words", () => {
    const config = withRule("ECS034", { params: { productionWords: ["LIVE"] } });
    expect(decide("ECS034", "service", service(), { related: cluster("live-eu", NONE), config })).toEqual(
      notLogged("cluster 'live-eu'"),
    );
    expect(decide("ECS034", "service", service(), { related: cluster("prod", NONE), config })).toEqual([]);
  });

  it("one known sign decides: tags not known as a whole do not make a production service unknown", () => {
    expect(
      decide("ECS034", "service", service({ serviceName: "prod-api", tags: new Unknown("var.tags") }), {
        related: cluster("main", NONE),
      }),
    ).toEqual(notLogged("service 'prod-api'"));
  });

  it("a cluster not in the input, named by its ARN on the service: production by the ARN's name, logging unknown", () => {
    expect(
      decide("ECS034", "service", service({ cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod" })),
    ).toEqual([
      "?ECS034 enableExecuteCommand: ECS Exec is on (cluster 'prod'), and the cluster's execute-command logging is not in this input",
    ]);
    expect(
      decide(
        "ECS034",
        "service",
        service({ clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/staging" }),
      ),
    ).toEqual([]);
  });

  it("OVERRIDE logging passes with a log group or a bucket, and is flagged with neither", () => {
    const override = (logConfiguration: Json) => cluster("prod", { logging: "OVERRIDE", logConfiguration });
    expect(decide("ECS034", "service", service(), { related: override({}) })).toEqual([
      "ECS034 high enableExecuteCommand: ECS Exec is on (cluster 'prod') and the cluster's OVERRIDE logging names no log group or bucket",
    ]);
    expect(
      decide("ECS034", "service", service(), { related: override({ s3BucketName: "exec-logs" }) }),
    ).toEqual([]);
    expect(
      decide("ECS034", "service", service(), { related: override({ cloudWatchLogGroupName: "/ecs/exec" }) }),
    ).toEqual([]);
  });

  it("DEFAULT logging (also when unset) depends on an awslogs container in the task: unknown without the task definition", () => {
    const unknownTask = [
      "?ECS034 enableExecuteCommand: ECS Exec is on (cluster 'prod') with DEFAULT logging, which depends on the task definition's awslogs configuration, not in this input",
    ];
    expect(
      decide("ECS034", "service", service(), { related: cluster("prod", { logging: "DEFAULT" }) }),
    ).toEqual(unknownTask);
    expect(decide("ECS034", "service", service(), { related: cluster("prod") })).toEqual(unknownTask);
  });

  it("DEFAULT logging: one awslogs container in the task logs sessions; a task without one is flagged", () => {
    const task = (...drivers: string[]) => ({
      family: "web",
      containerDefinitions: drivers.map((logDriver, i) => ({
        name: `c${i}`,
        image: "nginx:1.27",
        logConfiguration: { logDriver },
      })),
    });
    const related = (taskDefinition: Json) => ({
      ...cluster("prod", { logging: "DEFAULT" }),
      taskDefinition,
    });
    expect(
      decide("ECS034", "service", service(), { related: related(task("awsfirelens", "awslogs")) }),
    ).toEqual([]);
    expect(
      decide("ECS034", "service", service(), { related: related(task("awsfirelens", "splunk")) }),
    ).toEqual([
      "ECS034 high enableExecuteCommand: ECS Exec is on (cluster 'prod') with DEFAULT logging, and no container of the task logs with awslogs: sessions are not logged",
    ]);
  });
});

describe("ECS038 deployment circuit breaker off", () => {
  const OFF = [
    "ECS038 medium deploymentConfiguration.deploymentCircuitBreaker.enable: the service deploys without the circuit breaker: a failing deployment never stops by itself",
  ];
  const deployment = (configuration: unknown) => ({ deploymentConfiguration: configuration });

  it("no circuit breaker and no alarms is flagged on the breaker's enable; the breaker on passes, with or without rollback", () => {
    expect(decide("ECS038", "service", {})).toEqual(OFF);
    expect(decide("ECS038", "service", deployment({ maximumPercent: 200 }))).toEqual(OFF);
    expect(
      decide(
        "ECS038",
        "service",
        deployment({ deploymentCircuitBreaker: { enable: false, rollback: true } }),
      ),
    ).toEqual(OFF);
    expect(
      decide(
        "ECS038",
        "service",
        deployment({ deploymentCircuitBreaker: { enable: true, rollback: false } }),
      ),
    ).toEqual([]);
    // CloudFormation's booleans may be strings.
    expect(
      decide(
        "ECS038",
        "service",
        deployment({ deploymentCircuitBreaker: { enable: "true", rollback: "true" } }),
      ),
    ).toEqual([]);
  });

  it("CloudWatch alarms on fail a deployment too (DeploymentAlarms), with or without rollback; alarms off do not", () => {
    const alarms = (enable: boolean, rollback: boolean) =>
      deployment({ alarms: { alarmNames: ["web-5xx"], enable, rollback } });
    expect(decide("ECS038", "service", alarms(true, true))).toEqual([]);
    expect(decide("ECS038", "service", alarms(true, false))).toEqual([]);
    expect(decide("ECS038", "service", alarms(false, true))).toEqual(OFF);
    expect(decide("ECS038", "service", alarms(false, false))).toEqual(OFF);
  });

  it("the rolling-update (ECS) controller, stated or by default, is checked; CodeDeploy and external controllers are not", () => {
    expect(decide("ECS038", "service", { deploymentController: { type: "ECS" } })).toEqual(OFF);
    expect(decide("ECS038", "service", { deploymentController: {} })).toEqual(OFF);
    expect(decide("ECS038", "service", { deploymentController: { type: "CODE_DEPLOY" } })).toEqual([]);
    expect(decide("ECS038", "service", { deploymentController: { type: "EXTERNAL" } })).toEqual([]);
  });

  it("a deployment configuration, circuit breaker or enable not known in the input is unknown on the breaker's enable", () => {
    const unknown = [
      "?ECS038 deploymentConfiguration.deploymentCircuitBreaker.enable: the circuit breaker setting is not known in this input",
    ];
    expect(decide("ECS038", "service", deployment(new Unknown("var.deployment")))).toEqual(unknown);
    expect(
      decide("ECS038", "service", deployment({ deploymentCircuitBreaker: new Unknown("var.breaker") })),
    ).toEqual(unknown);
    expect(
      decide(
        "ECS038",
        "service",
        deployment({ deploymentCircuitBreaker: { enable: new Unknown("var.enable") } }),
      ),
    ).toEqual(unknown);
  });
});
