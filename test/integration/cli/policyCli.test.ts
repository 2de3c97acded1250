import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
    // Every anchor id of the issue's list, on the resource kind it checks.
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

  it("says in its help what it checks and reads: every resource kind, every input (review 14, defect 10)", async () => {
    // Commander wraps help at 80 columns: read it as one line.
    const help = async (...args: string[]) => ({
      stdout: (await cli(...args, "--help")).stdout.replace(/\s+/g, " "),
    });
    const policy = await help("policy");
    const check = await help("policy", "check");
    const audit = await help("policy", "audit");
    const kinds = ["task definitions", "services", "clusters", "task sets", "capacity providers"];
    for (const help of [policy, check]) for (const kind of kinds) expect(help.stdout).toContain(kind);
    for (const input of ["ECS JSON", "CloudFormation", "CDK", "Terraform (.tf, .tf.json)", "Terraform plans"])
      expect(check.stdout).toContain(input);
    for (const kind of [
      "task-definition revision",
      "services",
      "task sets",
      "clusters",
      "capacity providers",
    ])
      expect(audit.stdout).toContain(kind);
    expect(policy.stdout).not.toContain("task-definition policy");
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

  it("says when a Terraform directory only calls modules, and never passes a run that checked nothing (exit 2)", async () => {
    // The review's mod/: before, "0 task definitions: 0 findings", exit 0, with the module's
    // privileged container never looked at.
    const modules = mkdtempSync(join(tmpdir(), "ecs-autopilot-modules-"));
    writeFileSync(
      join(modules, "main.tf"),
      'module "ecs" {\n  source  = "terraform-aws-modules/ecs/aws"\n  version = "~> 5.11"\n  cluster_name = "prod"\n}\nmodule "net" {\n  source = "./net"\n}\n',
    );
    const note = `ecs-autopilot: note: ${join(modules, "main.tf")}: no ECS resource found; module calls are not expanded (module "ecs" from terraform-aws-modules/ecs/aws, module "net" from ./net): run \`terraform show -json\` on a plan and check that`;
    const only = await cli("policy", "check", modules);
    expect(only.code).toBe(2);
    expect(only.stdout.trim()).toBe("nothing checked: 0 findings (0 high, 0 medium, 0 low), 0 suppressed");
    expect(only.stderr.trim().split("\n")).toEqual([
      note,
      `ecs-autopilot: nothing was checked: no ECS resource found in ${modules} (see the notes above)`,
    ]);
    // Named, the file is an error like any file without ECS resources, with the same reason.
    const named = await cli("policy", "check", join(modules, "main.tf"));
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      `ecs-autopilot: ${join(modules, "main.tf")}: no ECS resource found; module calls`,
    );
    // Beside a checked resource, the note stays and the exit code is the findings' (here: clean).
    writeFileSync(join(modules, "clean.json"), readFileSync(clean));
    const mixed = await cli("policy", "check", modules);
    expect(mixed.code).toBe(0);
    expect(mixed.stderr.trim()).toBe(note);
    expect(mixed.stdout.trim().split("\n").at(-1)).toBe(
      "1 task definition: 0 findings (0 high, 0 medium, 0 low), 0 suppressed",
    );
    // A directory with nothing ECS in it at all.
    const empty = await cli("policy", "check", mkdtempSync(join(tmpdir(), "ecs-autopilot-empty-")));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("nothing was checked: no ECS resource found in");
  });

  it("passes over Helm templates in directories and skips what --exclude names (review 14, defect 4)", async () => {
    // Before: a chart's template in the repository failed every `policy check .` with exit 2.
    const repository = mkdtempSync(join(tmpdir(), "ecs-autopilot-helm-"));
    mkdirSync(join(repository, "charts", "templates"), { recursive: true });
    writeFileSync(
      join(repository, "charts", "templates", "deploy.yaml"),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include "chart.labels" . | nindent 4 }}\n',
    );
    // A CloudFormation dynamic reference is not a Go template: still checked.
    writeFileSync(
      join(repository, "cluster.yaml"),
      "Resources:\n  C:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterName: '{{resolve:ssm:/ecs/cluster-name}}'\n",
    );
    writeFileSync(join(repository, "clean.json"), readFileSync(clean));
    const all = await cli("policy", "check", repository, "--format", "json");
    expect(all.stderr).toBe("");
    const report = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { evaluations: Array<{ file: string }> }).evaluations.map((e) =>
        e.file.slice(repository.length + 1),
      );
    expect(report(all)).toEqual(["clean.json", "cluster.yaml"]);
    expect(all.code).toBe(1); // the cluster has no Container Insights
    // Named, the template is an error saying what it is.
    const named = await cli("policy", "check", join(repository, "charts", "templates", "deploy.yaml"));
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(
      "deploy.yaml:4:9: not an ECS input: skipped, a Go template (Helm chart or similar: {{ .Release.Name }}), not CloudFormation or ECS JSON",
    );
    // --exclude: a path from the directory (with a /) or any name (without), repeatable.
    const excluded = await cli("policy", "check", repository, "--exclude", "*.yaml", "--format", "json");
    expect([excluded.code, report(excluded)]).toEqual([0, ["clean.json"]]);
    const both = await cli(
      "policy",
      "check",
      repository,
      "--exclude",
      "cluster.yaml",
      "--exclude",
      "clean.json",
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("nothing was checked");
    writeFileSync(join(repository, "charts", "td.json"), readFileSync(clean));
    const inCharts = await cli("policy", "check", repository, "--exclude", "charts/**", "--format", "json");
    expect(report(inCharts)).toEqual(["clean.json", "cluster.yaml"]);
  });

  it("writes SARIF", async () => {
    const { code, stdout } = await cli("policy", "check", "test/fixtures/policy", "--format", "sarif");
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ version: "2.1.0" });
  });

  it("reports a file that cannot be checked, whatever the error, and still checks and writes the others (exit 2)", async () => {
    // The review's mixdir: a YAML alias bomb beside a valid task definition. Before, the bomb's
    // ReferenceError ended the run: an empty SARIF file, no file named, exit 1.
    const mixed = mkdtempSync(join(tmpdir(), "ecs-autopilot-mixed-"));
    const levels = "abcdefghi".split("");
    writeFileSync(
      join(mixed, "bomb.yaml"),
      [
        `a: &a [${Array(9).fill('"lol"').join(",")}]`,
        ...levels.slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(",")}]`),
        "Resources:",
        "  TD:",
        "    Type: AWS::ECS::TaskDefinition",
        "    Properties:",
        "      Family: bomb",
        "      ContainerDefinitions: *i",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(mixed, "td.json"),
      JSON.stringify({
        family: "web",
        containerDefinitions: [{ name: "app", image: "nginx", privileged: true }],
      }),
    );
    const result = await cli("policy", "check", mixed, "--format", "sarif");
    expect(result.code).toBe(2);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("ecs-autopilot:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.startsWith(`ecs-autopilot: ${join(mixed, "bomb.yaml")}`)).toBe(true);
    const sarif = JSON.parse(result.stdout) as {
      runs: Array<{
        results: Array<{
          ruleId: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }>;
      }>;
    };
    const results = sarif.runs[0]?.results ?? [];
    expect(
      results.find((r) => r.ruleId === "ECS001")?.locations[0]?.physicalLocation.artifactLocation.uri,
    ).toMatch(/td\.json$/);
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
