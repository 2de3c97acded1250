import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyDocument } from "../../../core/iam/index.ts";
import { runCli } from "../../support/cli.ts";

describe("ecs-autopilot iam policy", () => {
  it("prints a function's policy document, the one sst deploy attaches", async () => {
    const { code, stdout } = await runCli([
      "iam",
      "policy",
      "schedule",
      "--format",
      "json",
      "--partition",
      "aws",
      "--region",
      "eu-west-1",
      "--account",
      "123456789012",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(
      policyDocument(
        "schedule",
        { acting: true, passRoles: [] },
        { partition: "aws", region: "eu-west-1", account: "123456789012" },
      ),
    );
    expect(stdout).toContain('"dynamodb:BatchGetItem"');
  });

  it("prints a stage that does not act without anything that changes the account, and the config's roles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-iam-"));
    const config = join(dir, "autopilot.config.json");
    writeFileSync(
      config,
      JSON.stringify({ deploy: { passRoles: ["arn:aws:iam::123456789012:role/shop-*"] } }),
    );
    const dry = await runCli(["iam", "policy", "redeploy", "--stage", "alice"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("stage alice: dry-run");
    expect(dry.stdout).not.toContain("RegisterTaskDefinition");
    const acting = await runCli(["iam", "policy", "redeploy", "--config", config, "--format", "json"]);
    expect(acting.stdout).toContain('"Sid": "PassNamedTaskRoles"');
    expect(acting.stdout).toContain("arn:aws:iam::123456789012:role/shop-*");
  });

  it("names the functions when given another", async () => {
    const { code, stderr } = await runCli(["iam", "policy", "deployer"]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'unknown function "deployer": one of redeploy, service-index, monitor, schedule, policy, rightsize, notify',
    );
  });
});
