import { asArray, containers, flag, isObject, isUnknown, type Json, lastName, text } from "../fields.ts";
import { decideOn, present } from "../ReadLog.ts";
import type { PolicyRule, ResourceDoc, Violation } from "../types.ts";
import { missingTags } from "./tagging.ts";

/** Words in a cluster name, a service name or an environment tag that mean production. */
const PRODUCTION_WORDS = ["prod", "production"];
/** A production word right after one of these is not production: `non-prod`, `pre-production`. */
const NOT_PRODUCTION_BEFORE: ReadonlySet<string | undefined> = new Set(["non", "pre"]);
/** Tag keys whose value names the environment. */
const ENVIRONMENT_TAG_KEYS = ["env", "environment", "stage"];

/** The service uses Fargate: its launch type, or a Fargate capacity provider. */
export function runsOnFargate(service: ResourceDoc): boolean | undefined {
  const launchType = text(service.launchType);
  if (launchType) return launchType === "FARGATE";
  const strategy = asArray(service.capacityProviderStrategy);
  if (strategy.length > 0)
    return strategy.some((s) => isObject(s) && text(s.capacityProvider)?.startsWith("FARGATE") === true);
  return undefined;
}

/**
 * A network configuration's `assignPublicIp` (`ENABLED` assigns public IPs; the Terraform loader
 * gives its boolean as ECS's string) and its path.
 */
export function assignsPublicIp(document: ResourceDoc): { value: unknown; path: Array<string | number> } {
  const network = isObject(document.networkConfiguration) ? document.networkConfiguration : {};
  const awsvpc = isObject(network.awsvpcConfiguration) ? network.awsvpcConfiguration : {};
  return {
    value: awsvpc.assignPublicIp,
    path: ["networkConfiguration", "awsvpcConfiguration", "assignPublicIp"],
  };
}

/**
 * Why the service's name, its cluster's name or its environment tag says production, or
 * undefined. One known sign decides, whatever the unknown others are; with none, an unknown sign
 * (`ServiceName: !Sub "${Env}-api"`, `tags = { env = var.env }`) leaves the rule unknown.
 */
function productionSign(service: ResourceDoc, cluster: Json | undefined, words: readonly string[]) {
  const says = (value: string) => {
    const tokens = value.toLowerCase().split(/[^a-z0-9]+/);
    return tokens.some((token, i) => words.includes(token) && !NOT_PRODUCTION_BEFORE.has(tokens[i - 1]));
  };
  const signs: Array<[string, unknown]> = [
    ["service", service.serviceName],
    ["cluster", cluster?.clusterName ?? service.cluster ?? service.clusterArn],
  ];
  const tags = service.tags;
  for (const tag of asArray(tags)) {
    if (!isObject(tag)) continue;
    const key = text(tag.key) ?? text(tag.Key);
    if (key !== undefined && ENVIRONMENT_TAG_KEYS.includes(key.toLowerCase()))
      signs.push([`tag ${key}`, tag.value ?? tag.Value]);
  }
  for (const [what, value] of signs) {
    const given = text(value);
    if (given === undefined) continue;
    // A cluster may be given by its ARN; its name is the part after the last slash.
    const name = what === "cluster" ? lastName(given) : given;
    if (!says(name)) continue;
    // Tags not known as a whole (`tags = var.tags`) may hold anything: the known sign decides.
    decideOn(tags, ...signs.map(([, other]) => other));
    return what.startsWith("tag ") ? `${what}=${name}` : `${what} '${name}'`;
  }
  return undefined;
}

/** Rules on services (AWS::ECS::Service, aws_ecs_service, DescribeServices). */
export const SERVICE_RULES: readonly PolicyRule[] = [
  {
    id: "ECS008",
    title: "Fargate platform version is not LATEST",
    severity: "low",
    resource: "service",
    rationale: "Pinned old platform versions miss the kernel and runtime security patches of newer ones.",
    remediation: "Leave `platformVersion` unset or set it to `LATEST` on the service.",
    field: "platformVersion",
    mappings: {
      securityHub: "ECS.10",
      awsConfig: "ecs-fargate-latest-platform-version",
      checkov: "CKV_AWS_332",
    },
    notes:
      "Security Hub ECS.10 also passes a service pinned to the version that is latest today (its parameters say 1.4.0 for Linux, 1.0.0 for Windows); this rule, like Checkov, asks for LATEST so the next version is taken without a change. A platform version only applies to Fargate, so a service with one and no launch type is read as Fargate.",
    check: (service) => {
      const version = text(service.platformVersion);
      if (version && version !== "LATEST" && isUnknown(service.launchType))
        return [
          {
            path: ["launchType"],
            message: `launch type ${String(service.launchType)} is not known`,
            unknown: true,
          },
        ];
      return version && version !== "LATEST" && runsOnFargate(service) !== false
        ? [{ path: ["platformVersion"], message: `the service runs Fargate platform version ${version}` }]
        : [];
    },
  },
  {
    id: "ECS021",
    title: "Service assigns public IP addresses",
    severity: "high",
    resource: "service",
    rationale:
      "Tasks with a public IP are reachable from the internet directly, around the load balancer, its TLS and WAF; any debug port or metrics endpoint is then open to scanners.",
    remediation:
      "Set `assignPublicIp: DISABLED` and run the tasks in private subnets with a NAT gateway or VPC endpoints for their outbound traffic.",
    field: "networkConfiguration.awsvpcConfiguration.assignPublicIp",
    mappings: {
      securityHub: "ECS.2",
      awsConfig: "ecs-service-assign-public-ip-disabled",
      checkov: "CKV_AWS_333",
    },
    notes:
      "ecs-service-assign-public-ip-disabled is a custom AWS Config rule Security Hub runs, not a managed rule you can deploy.",
    check: (service) => {
      const { value, path } = assignsPublicIp(service);
      return value === "ENABLED"
        ? [{ path, message: "the service gives every task a public IP address" }]
        : [];
    },
  },
  {
    id: "ECS029",
    title: "Service not tagged",
    severity: "low",
    resource: "service",
    enabledByDefault: false,
    rationale:
      "Tags say who owns a service and what it costs; ecs-autopilot's own opt-ins are tags on the service too.",
    remediation:
      "Tag the service (at least the keys in `requiredTagKeys`); tags starting with `aws:` do not count.",
    field: "tags",
    mappings: { securityHub: "ECS.13", awsConfig: "tagged-ecs-service" },
    notes:
      "Part of Security Hub's AWS Resource Tagging Standard; tagged-ecs-service is a rule Security Hub runs. Off by default; turn on with `rules.ECS029.enabled` and set `requiredTagKeys`.",
    params: { requiredTagKeys: [] },
    check: (service, { params }) => missingTags(service, params, "service"),
  },
  {
    id: "ECS034",
    title: "ECS Exec on a production service without logging",
    severity: "high",
    resource: "service",
    rationale:
      "ECS Exec opens a shell in running production tasks; when its sessions are not logged, nobody can tell afterwards who ran what inside them.",
    remediation:
      "Turn `enableExecuteCommand` off on production services, or log sessions: the cluster's `executeCommandConfiguration` with `logging: OVERRIDE` and a log group or bucket, or `DEFAULT` with an awslogs container in the task.",
    field: "enableExecuteCommand",
    mappings: {},
    notes:
      "Production is read from the service's and cluster's names and its env/environment/stage tag (param `productionWords`), word by word: `shop-prod` is production, `products` is not, and neither is a word right after `non` or `pre` (`non-prod`, `pre-production`). With logging DEFAULT, ECS logs sessions only through an awslogs log configuration in the task definition, so the task definition is read too; where the cluster or task definition is not in the input the result is unknown.",
    params: { productionWords: PRODUCTION_WORDS },
    check: (service, { params, related }): Violation[] => {
      if (flag(service.enableExecuteCommand) !== true) return [];
      const words = ((params.productionWords as string[] | undefined) ?? PRODUCTION_WORDS).map((w) =>
        w.toLowerCase(),
      );
      const cluster = isObject(related.cluster) ? related.cluster : undefined;
      const sign = productionSign(service, cluster, words);
      if (!sign) return [];
      const path = ["enableExecuteCommand"];
      if (!cluster)
        return [
          {
            path,
            message: `ECS Exec is on (${sign}), and the cluster's execute-command logging is not in this input`,
            unknown: true,
          },
        ];
      // Unknown configuration, exec configuration or logging are read as such by the evaluator.
      const configuration = isObject(cluster.configuration) ? cluster.configuration : {};
      const exec = configuration.executeCommandConfiguration;
      // Unset is DEFAULT, ECS's default (ExecuteCommandConfiguration.logging).
      const mode = text(isObject(exec) ? exec.logging : undefined);
      if (mode === "NONE")
        return [
          { path, message: `ECS Exec is on (${sign}) and the cluster logs no sessions (logging NONE)` },
        ];
      if (mode === "OVERRIDE") {
        const destination = isObject(exec) && isObject(exec.logConfiguration) ? exec.logConfiguration : {};
        return present(destination.cloudWatchLogGroupName) || present(destination.s3BucketName)
          ? []
          : [
              {
                path,
                message: `ECS Exec is on (${sign}) and the cluster's OVERRIDE logging names no log group or bucket`,
              },
            ];
      }
      const taskDefinition = related.taskDefinition;
      if (!isObject(taskDefinition))
        return [
          {
            path,
            message: `ECS Exec is on (${sign}) with DEFAULT logging, which depends on the task definition's awslogs configuration, not in this input`,
            unknown: true,
          },
        ];
      const awslogs = containers(taskDefinition).some((c) => {
        const log = c.definition.logConfiguration;
        return isObject(log) && text(log.logDriver) === "awslogs";
      });
      return awslogs
        ? []
        : [
            {
              path,
              message: `ECS Exec is on (${sign}) with DEFAULT logging, and no container of the task logs with awslogs: sessions are not logged`,
            },
          ];
    },
  },
  {
    id: "ECS038",
    title: "Deployment circuit breaker off",
    severity: "medium",
    resource: "service",
    rationale:
      "Without the deployment circuit breaker a deployment whose tasks never become healthy keeps replacing them until someone notices; with it (and rollback) ECS fails the deployment and returns to the last working revision.",
    remediation:
      "Set `deploymentConfiguration.deploymentCircuitBreaker` to `{ enable: true, rollback: true }`, or roll back on CloudWatch alarms (`deploymentConfiguration.alarms`).",
    field: "deploymentConfiguration.deploymentCircuitBreaker.enable",
    mappings: {},
    notes:
      "Only services with the rolling-update (ECS) deployment controller, the default; CodeDeploy and external controllers have their own rollback. Either way of detecting a failed deployment passes, with or without rollback: the circuit breaker moves a deployment that cannot reach a steady state to FAILED and stops launching its tasks, and CloudWatch alarms set the deployment to FAILED when they go off (ECS API reference: DeploymentCircuitBreaker, DeploymentAlarms); rollback then returns to the last completed deployment.",
    check: (service) => {
      const configuration = isObject(service.deploymentConfiguration) ? service.deploymentConfiguration : {};
      const breaker = isObject(configuration.deploymentCircuitBreaker)
        ? configuration.deploymentCircuitBreaker
        : {};
      const alarms = isObject(configuration.alarms) ? configuration.alarms : {};
      if (flag(breaker.enable) === true || flag(alarms.enable) === true) return [];
      // The controller is read only when it matters: an unknown one leaves the rule unknown.
      const controller = isObject(service.deploymentController)
        ? text(service.deploymentController.type)
        : undefined;
      if (controller && controller !== "ECS") return [];
      if (
        isUnknown(service.deploymentConfiguration) ||
        isUnknown(configuration.deploymentCircuitBreaker) ||
        isUnknown(breaker.enable)
      )
        return [
          {
            path: ["deploymentConfiguration", "deploymentCircuitBreaker", "enable"],
            message: "the circuit breaker setting is not known in this input",
            unknown: true,
          },
        ];
      return [
        {
          path: ["deploymentConfiguration", "deploymentCircuitBreaker", "enable"],
          message:
            "the service deploys without the circuit breaker: a failing deployment never stops by itself",
        },
      ];
    },
  },
];
