import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

const cli = (...args: string[]) => runCli(args);

describe("ecs-autopilot policy", () => {
  const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-policy-"));
  const clean = join(dir, "clean.json");
  writeFileSync(
    clean,
    JSON.stringify({
      family: "clean",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      executionRoleArn: "arn:aws:iam::123456789012:role/exec",
      containerDefinitions: [
        {
          name: "app",
          image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:${"c".repeat(64)}`,
          user: "1000",
          readonlyRootFilesystem: true,
          logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/clean" } },
          linuxParameters: { capabilities: { drop: ["ALL"] } },
        },
      ],
    }),
  );

  it("lists the catalogue with its mappings as JSON", async () => {
    const { code, stdout } = await cli("policy", "rules", "--format", "json");
    expect(code).toBe(0);
    const rules = JSON.parse(stdout) as Array<{
      id: string;
      securityHub: string | null;
      awsConfig: string | null;
      checkov: string | null;
      path: string;
      resource: string;
      anchors: Array<{ source: string; id: string; url: string }>;
    }>;
    // ECS001–ECS020 keep their ids; the catalogue grows to 38.
    expect(rules.map((r) => r.id)).toEqual(
      Array.from({ length: 38 }, (_, i) => `ECS${String(i + 1).padStart(3, "0")}`),
    );
    expect(rules.find((r) => r.id === "ECS001")).toMatchObject({
      securityHub: "ECS.4",
      awsConfig: "ecs-containers-nonprivileged",
      checkov: "CKV_AWS_334",
      path: "containerDefinitions[*].privileged",
      resource: "taskDefinition",
    });
    // Every anchor id of the list, on the resource kind it checks.
    const kindOf = (anchor: string) =>
      rules.filter((r) => r.anchors.some((a) => a.id === anchor)).map((r) => `${r.id} ${r.resource}`);
    expect(kindOf("ECS.2")).toEqual(["ECS021 service"]);
    expect(kindOf("ECS.10")).toEqual(["ECS008 service"]);
    expect(kindOf("ECS.12")).toEqual(["ECS023 cluster"]);
    expect(kindOf("ECS.16")).toEqual(["ECS022 taskSet"]);
    expect(kindOf("ECS.19")).toEqual(["ECS026 capacityProvider"]);
    expect(kindOf("CKV_AWS_65")).toEqual(["ECS023 cluster"]);
    expect(kindOf("CKV_AWS_223")).toEqual(["ECS024 cluster"]);
    expect(kindOf("CKV_AWS_224")).toEqual(["ECS025 cluster"]);
    expect(kindOf("CKV_AWS_332")).toEqual(["ECS008 service"]);
    expect(kindOf("CKV_AWS_333")).toEqual(["ECS021 service"]);
    expect(rules.find((r) => r.id === "ECS021")?.anchors).toContainEqual({
      source: "checkov",
      id: "CKV_AWS_333",
      url: "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ECSServicePublicIP.py",
    });
  });

  it("refuses a config whose rule parameters do not fit at load: one line naming the JSON path, exit 2, never a TypeError", async () => {
    // Before issue 11 this config reached ECS014's check and crashed it with a TypeError.
    const config = join(dir, "registries.json");
    writeFileSync(
      config,
      JSON.stringify({ policy: { rules: { ECS014: { params: { allowedRegistries: "ghcr.io" } } } } }),
    );
    const result = await cli("policy", "check", clean, "--config", config);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `ecs-autopilot: invalid configuration in ${config}: policy.rules.ECS014.params.allowedRegistries: Invalid input: expected array, received string\n`,
    );
    writeFileSync(config, JSON.stringify({ policy: { rules: { ECS999: { enabled: false } } } }));
    const unknown = await cli("policy", "check", clean, "--config", config);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      `invalid configuration in ${config}: policy.rules.ECS999: unknown rule id 'ECS999'`,
    );
  });

  it("exits 0 on a clean file, 1 on findings at or above --fail-on", async () => {
    expect((await cli("policy", "check", clean)).code).toBe(0);
    const corpus = await cli("policy", "check", "test/fixtures/taskdefs", "--fail-on", "high");
    expect(corpus.code).toBe(1);
    expect(corpus.stdout).toContain(
      "test/fixtures/taskdefs/21-DnOberon__stalk-bot-discord.json:14:9  HIGH   ECS003",
    );
    expect(corpus.stdout.trim().split("\n").at(-1)).toBe(
      // 130 before ECS021–ECS038; the new rules add one: ECS033 on file 17 (see corpus.test.ts).
      // Files 23 and 29 fill their image in CI: the image rules are unknown there, not passed.
      "20 task definitions: 131 findings (20 high, 79 medium, 32 low), 0 suppressed, 6 unknown",
    );
    // Only low findings at most in a file that has medium ones suppressed by config.
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({ policy: { exemptions: [{ family: "*", rule: "ECS003", reason: "test" }] } }),
    );
    expect(
      (
        await cli(
          "policy",
          "check",
          "test/fixtures/taskdefs/21-DnOberon__stalk-bot-discord.json",
          "--fail-on",
          "high",
          "--config",
          config,
        )
      ).code,
    ).toBe(0);
  });

  it("checks Terraform, with findings on their lines and unknowns that change no exit code", async () => {
    const { code, stdout } = await cli(
      "policy",
      "check",
      "test/fixtures/policy/terraform/app",
      "--fail-on",
      "high",
    );
    expect(code).toBe(1);
    expect(stdout).toContain(
      "test/fixtures/policy/terraform/app/main.tf:63:5  HIGH   ECS021  Service assigns public IP addresses",
    );
    expect(stdout).toContain(
      "test/fixtures/policy/terraform/app/main.tf:28:7  UNKNOWN ECS013  Image not pinned",
    );
    expect(stdout.trim().split("\n").at(-1)).toBe(
      "4 resources (1 task definition, 1 service, 1 cluster, 1 capacity provider): 7 findings (3 high, 3 medium, 1 low), 1 suppressed, 3 unknown",
    );
    // Unknowns alone never fail a check.
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-unknown-"));
    writeFileSync(
      join(dir, "main.tf"),
      'resource "aws_ecs_service" "web" {\n  name = "web"\n  network_configuration {\n    subnets = ["s"]\n    assign_public_ip = var.public\n  }\n  deployment_circuit_breaker {\n    enable = true\n    rollback = true\n  }\n}\n',
    );
    const unknown = await cli("policy", "check", join(dir, "main.tf"), "--format", "json");
    expect(unknown.code).toBe(0);
    const report = JSON.parse(unknown.stdout) as {
      evaluations: Array<{ resourceType: string; findings: unknown[]; unknown: Array<{ ruleId: string }> }>;
    };
    expect(
      report.evaluations.map((e) => [e.resourceType, e.findings.length, e.unknown.map((u) => u.ruleId)]),
    ).toEqual([["service", 0, ["ECS021"]]]);
  });

  it("writes SARIF", async () => {
    const { code, stdout } = await cli("policy", "check", "test/fixtures/policy", "--format", "sarif");
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ version: "2.1.0" });
  });

  it("exits 2 with one line naming the file and position for bad input", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{\n  "family": "x",\n  "containerDefinitions": [ }\n');
    const result = await cli("policy", "check", broken);
    expect(result.code).toBe(2);
    const errors = result.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("ecs-autopilot:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^ecs-autopilot: ${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:\\d+: not valid JSON`),
    );
    expect((await cli("policy", "check", "--fail-on", "critical", clean)).code).toBe(2);
    expect((await cli("policy", "check", join(dir, "missing.json"))).stderr).toContain(
      "missing.json: no such file or directory",
    );
  });
});
