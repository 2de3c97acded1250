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
    }>;
    expect(rules.map((r) => r.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `ECS${String(i + 1).padStart(3, "0")}`),
    );
    expect(rules.find((r) => r.id === "ECS001")).toMatchObject({
      securityHub: "ECS.4",
      awsConfig: "ecs-containers-nonprivileged",
      checkov: "CKV_AWS_334",
      path: "containerDefinitions[*].privileged",
    });
  });

  it("exits 0 on a clean file, 1 on findings at or above --fail-on", async () => {
    expect((await cli("policy", "check", clean)).code).toBe(0);
    const corpus = await cli("policy", "check", "test/fixtures/taskdefs", "--fail-on", "high");
    expect(corpus.code).toBe(1);
    expect(corpus.stdout).toContain(
      "test/fixtures/taskdefs/21-DnOberon__stalk-bot-discord.json:14:9  HIGH   ECS003",
    );
    expect(corpus.stdout.trim().split("\n").at(-1)).toBe(
      "20 task definitions: 130 findings (20 high, 79 medium, 31 low), 0 suppressed",
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
