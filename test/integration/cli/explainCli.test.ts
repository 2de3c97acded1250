import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

const explain = (...args: string[]) => runCli(["redeploy", "explain", ...args]);

describe("ecs-autopilot redeploy explain", () => {
  it("replays pushes in order, carrying the running tag forward (JSON contract)", async () => {
    const result = await explain(
      "--policy",
      "minor",
      "--running",
      "1.4.2",
      "--pushed",
      "1.4.3",
      "--pushed",
      "2.0.0",
      "--pushed",
      "1.4.1",
      "--pushed",
      "1.5.0",
      "--format",
      "json",
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      policy: "minor",
      allowPrerelease: false,
      configOnly: false,
      started: "1.4.2",
      pushes: [
        { tag: "1.4.3", decision: "deploy", reason: "minor: 1.4.2 → 1.4.3", running: "1.4.3" },
        {
          tag: "2.0.0",
          decision: "skip",
          reason: "minor: '2.0.0' is a major bump from '1.4.3'",
          running: "1.4.3",
        },
        {
          tag: "1.4.1",
          decision: "skip",
          reason: "minor: '1.4.1' is older than '1.4.3' (no downgrades)",
          running: "1.4.3",
        },
        { tag: "1.5.0", decision: "deploy", reason: "minor: 1.4.3 → 1.5.0", running: "1.5.0" },
      ],
      running: "1.5.0",
      lastVersion: "1.5.0",
    });
  });

  it("answers 'why didn't my service update?' in text", async () => {
    const result = await explain(
      "--policy",
      "glob:release-*",
      "--running",
      "release-42",
      "--pushed",
      "release-41",
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "Policy glob:release-* (central config only), allowPrerelease off; the service runs release-42",
      "  release-41  skip    glob:release-*: 'release-41' is older than 'release-42' (no downgrades)",
      "Runs release-42 after 1 push(es): 0 deployed, 1 skipped (tag policy only; the image's platform and signature are checked at push time)",
      "",
    ]);
  });

  it("works without a running tag, and takes allowPrerelease from --config", async () => {
    const unknown = await explain("--policy", "range:>=1.2 <2", "--pushed", "1.9.0", "--format", "json");
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      configOnly: true,
      started: null,
      pushes: [{ decision: "deploy", running: "1.9.0" }],
      running: "1.9.0",
    });
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-explain-"));
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ redeploy: { allowPrerelease: true } }));
    const allowed = await explain(
      "--policy",
      "minor",
      "--running",
      "1.4.2",
      "--pushed",
      "1.5.0-rc.1",
      "--config",
      config,
      "--format",
      "json",
    );
    expect(JSON.parse(allowed.stdout)).toMatchObject({ allowPrerelease: true, running: "1.5.0-rc.1" });
  });

  it("replays any from the service's recorded last version (--last-version)", async () => {
    const result = await explain(
      "--policy",
      "any",
      "--running",
      "main",
      "--last-version",
      "1.2.3",
      "--pushed",
      "1.0.0",
      "--pushed",
      "1.3.0",
      "--format",
      "json",
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      started: "main",
      pushes: [
        {
          tag: "1.0.0",
          decision: "skip",
          reason:
            "any: '1.0.0' is older than '1.2.3', the last version the service ran before 'main' (no downgrades)",
          running: "main",
        },
        { tag: "1.3.0", decision: "deploy", running: "1.3.0" },
      ],
      running: "1.3.0",
      lastVersion: "1.3.0",
    });
    const badLast = await explain("--policy", "any", "--last-version", "main", "--pushed", "1.0.0");
    expect(badLast).toMatchObject({
      code: 2,
      stderr: "ecs-autopilot: --last-version 'main' is not a version (X.Y or X.Y.Z, optionally v-prefixed)\n",
    });
  });

  it("refuses a bad policy, tag or config with one line and exit 2", async () => {
    const policy = await explain("--policy", "regex:^build-(\\d+", "--pushed", "build-1");
    expect(policy.code).toBe(2);
    expect(policy.stderr.trim()).toBe(
      "ecs-autopilot: --policy: invalid tag policy 'regex:^build-(\\d+': not a valid regular expression (error parsing regexp: missing closing ): `^build-(\\d+`)",
    );
    const none = await explain("--policy", "minor", "--running", "1.0.0");
    expect(none).toMatchObject({ code: 2, stderr: "ecs-autopilot: give at least one --pushed TAG\n" });
    const badTag = await explain("--policy", "minor", "--pushed", "not a tag");
    expect(badTag).toMatchObject({
      code: 2,
      stderr: "ecs-autopilot: --pushed 'not a tag' is not a valid image tag\n",
    });
    const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-explain-"));
    const config = join(dir, "bad.json");
    writeFileSync(config, JSON.stringify({ redeploy: { rules: [{ policy: "glob:[" }] } }));
    const badConfig = await explain("--policy", "minor", "--pushed", "1.0.0", "--config", config);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain(
      "redeploy.rules.0.policy: not a valid glob (unclosed '[' at position 1)",
    );
  });
});
