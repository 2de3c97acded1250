/**
 * The central config: any text is a config every flow can use, or a ConfigError naming the source
 * and the JSON path. "Can use" is tested too: a config that loads never makes a flow throw on its
 * content (globs match, schedules parse, the policy evaluates with its parameters).
 */
import type { Service } from "@aws-sdk/client-ecs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AutopilotConfig, ConfigError, matchesGlob } from "../../core/config/index.ts";
import { routeFor } from "../../core/monitor/routeFor.ts";
import { evaluateResource } from "../../core/policy/evaluate.ts";
import { loadPolicyText } from "../../core/policy/loadPolicyFile.ts";
import { scheduleSource } from "../../core/schedule/scheduleSource.ts";
import { parseTagPolicy } from "../../core/tagPolicy/index.ts";
import { parseValidConfig } from "../../core/validateConfig.ts";
import {
  bounded,
  expectDocumentedError,
  FUZZ_TIMEOUT_MS,
  hostileJson,
  hostileString,
  mutationsOf,
  RUNS,
} from "./fuzzSupport.ts";

/** Configs that use every section, as the README and the example show them. */
const GOOD_CONFIGS: unknown[] = [
  {
    redeploy: {
      rules: [
        { cluster: "staging-*", service: "*", repository: "shop/*", policy: "force" },
        { cluster: "prod", service: "web", policy: "glob:release-*", container: "web" },
        { cluster: "prod-{eu,us}", repository: "shop/**", policy: "regex:^v(?P<version>\\d+)$" },
      ],
      allowPrerelease: false,
      concurrency: 4,
    },
    policy: {
      mode: "enforce",
      rules: {
        ECS016: { enabled: false },
        ECS013: { severity: "high", params: { mutableTags: ["latest", "main"] } },
        ECS014: { params: { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com", "ghcr.io"] } },
        ECS015: { params: { dangerous: ["SYS_ADMIN"] } },
        ECS028: { enabled: true, params: { requiredTagKeys: ["team"] } },
        ECS031: { params: { sensitivePaths: ["/var/run/docker.sock"] } },
        ECS032: { params: { minNofileSoftLimit: 4096 } },
        ECS034: { params: { productionWords: ["prod"] } },
        ECS037: { params: { shellLessImages: ["gcr.io/distroless/*"] } },
      },
      exemptions: [{ family: "legacy-*", rule: "ECS007", reason: "vendor image runs as root" }],
    },
    schedule: {
      services: [
        { cluster: "staging-*", schedule: "Mon-Fri 07:00-19:00 Europe/Berlin", offCapacity: 0 },
        {
          cluster: "qa",
          schedule: {
            windows: [{ days: "Mon-Fri", start: "08:00", end: "18:00" }],
            timezone: "America/New_York",
            holidays: ["2026-11-26"],
          },
          upCapacity: { min: 1, max: 4 },
        },
      ],
      holidays: ["2026-12-25", "2027-01-01"],
    },
    monitor: {
      crashLoop: { stops: 3, withinMinutes: 10 },
      routes: [{ cluster: "payments-*", webhook: "SlackWebhookUrlPayments" }],
    },
  },
];

const anyConfigText = fc.oneof(
  { weight: 4, arbitrary: mutationsOf(GOOD_CONFIGS).map((c) => JSON.stringify(c) ?? "") },
  { weight: 1, arbitrary: hostileJson.map((c) => JSON.stringify(c) ?? "") },
  { weight: 1, arbitrary: hostileString },
);

const TASK_DEFINITION = JSON.stringify({
  family: "legacy-web",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  volumes: [{ name: "sock", host: { sourcePath: "/var/run/docker.sock" } }],
  containerDefinitions: [
    {
      name: "web",
      image: "ghcr.io/acme/web:latest",
      portMappings: [{ containerPort: 80 }],
      ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 1024 }],
      linuxParameters: { capabilities: { add: ["SYS_ADMIN"] } },
      mountPoints: [{ sourceVolume: "sock", containerPath: "/var/run/docker.sock" }],
      healthCheck: { command: ["CMD-SHELL", "curl -f localhost"] },
    },
  ],
});

/** Uses every part of a loaded config the way the flows do; throws what a flow would throw. */
async function useConfig(config: AutopilotConfig): Promise<void> {
  for (const rule of config.redeploy.rules) {
    for (const glob of [rule.cluster, rule.service, rule.repository]) matchesGlob("prod-eu/web", glob);
    parseTagPolicy(rule.policy, { from: "config" });
  }
  routeFor(
    { clusterName: "payments-eu", name: "api" } as Parameters<typeof routeFor>[0],
    config.monitor.routes,
  );
  for (const rule of config.schedule.services) {
    const service: Service = {
      serviceName: rule.service.replace(/[^a-z0-9-]/gi, "") || "web",
      clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${rule.cluster.replace(/[^a-z0-9-]/gi, "") || "c"}`,
    };
    scheduleSource(
      service,
      {},
      { ...config.schedule, services: [{ ...rule, cluster: "*", service: "*" }] },
    )?.spec();
  }
  for (const resource of await loadPolicyText(TASK_DEFINITION, "taskdef.json"))
    evaluateResource(resource, config.policy);
}

describe("fuzz: the central config", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("any text is a usable config or a ConfigError naming the source and the JSON path", async () => {
    await fc.assert(
      fc.asyncProperty(anyConfigText, async (text) => {
        let config: AutopilotConfig;
        try {
          config = bounded(() => parseValidConfig(text, "fuzz.config.json"), "parseValidConfig");
        } catch (error) {
          expectDocumentedError(error, [ConfigError]);
          expect((error as ConfigError).message).toMatch(/^invalid configuration in fuzz\.config\.json: \S/);
          return;
        }
        await useConfig(config);
      }),
      { numRuns: RUNS },
    );
  });

  it("the configs the fuzzing starts from load (so the mutations start from valid ground)", async () => {
    for (const good of GOOD_CONFIGS) await useConfig(parseValidConfig(JSON.stringify(good), "good.json"));
  });
});
