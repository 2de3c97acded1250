import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { sourceRoot } from "../../../cli/policy.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import {
  evaluateResource,
  evaluateTaskDefinition,
  helpUri,
  loadTaskDefinitionFile,
  RULES,
  toSarif,
} from "../../../core/policy/index.ts";
import { loadPolicyFile } from "../../../core/policy/loadPolicyFile.ts";
import { REPOSITORY_URL } from "../../../core/version.ts";

// The OASIS SARIF 2.1.0 schema (rtm.5), as shipped in Microsoft's @microsoft/jest-sarif package.
const schema = createRequire(import.meta.url)("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
// Both packages are CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
// The schema is draft-04 and has a pattern that is only valid without the unicode flag.
const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

describe("SARIF output", () => {
  it("is valid SARIF 2.1.0 and places results on the offending line", async () => {
    const files = ["service.template.yaml", "cdk-synth.template.json"].map((f) =>
      resolve(import.meta.dirname, "..", "..", "fixtures", "policy", f),
    );
    const loaded = (await Promise.all(files.map(loadTaskDefinitionFile))).flat();
    const sarif = toSarif(
      loaded.map((l) => evaluateTaskDefinition(l, DEFAULT_CONFIG.policy)),
      resolve(import.meta.dirname, "..", "..", ".."),
    ) as {
      runs: Array<{
        results: Array<{
          ruleId: string;
          level: string;
          locations: Array<{
            physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
          }>;
        }>;
      }>;
    };
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const secret = sarif.runs[0]?.results.find((r) => r.ruleId === "ECS003");
    expect(secret?.level).toBe("error");
    expect(secret?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "test/fixtures/policy/service.template.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 33, startColumn: 15 },
    });
  });

  it("locates results in every input format, links each rule to its documentation and marks unknowns as open", async () => {
    const root = resolve(import.meta.dirname, "..", "..", "..");
    const fixtures = resolve(root, "test", "fixtures", "policy");
    const files = [
      "terraform/app/main.tf",
      "checkov/plan/ecs_tfplan.json",
      "platform.template.yaml",
      "ecs/describe-services.json",
      "service.template.yaml",
    ].map((f) => resolve(fixtures, f));
    const loaded = (await Promise.all(files.map(loadPolicyFile))).flat();
    const sarif = toSarif(
      loaded.map((l) => evaluateResource(l, DEFAULT_CONFIG.policy)),
      root,
    ) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; helpUri: string }> } };
        results: Array<{
          ruleId: string;
          kind?: string;
          level: string;
          locations: Array<{
            physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
            logicalLocations: Array<{ fullyQualifiedName: string; kind: string }>;
          }>;
        }>;
      }>;
    };
    expect(validate(sarif)).toBe(true);
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules.map((r) => [r.id, r.helpUri])).toEqual(
      RULES.map((r) => [r.id, helpUri(r.id)]),
    );
    expect(helpUri("ECS021")).toBe(`${REPOSITORY_URL}/blob/main/docs/policy-rules.md#ecs021`);
    // Every result, of every format, has a file and a line.
    const placed = (run?.results ?? []).map((r) => {
      const location = r.locations[0];
      return `${location?.physicalLocation.artifactLocation.uri}:${location?.physicalLocation.region?.startLine}`;
    });
    expect(placed.every((p) => /:\d+$/.test(p))).toBe(true);
    const at = (ruleId: string, file: string) =>
      (run?.results ?? [])
        .filter((r) => r.ruleId === ruleId && r.locations[0]?.physicalLocation.artifactLocation.uri === file)
        .map((r) => ({
          line: r.locations[0]?.physicalLocation.region?.startLine,
          resource: r.locations[0]?.logicalLocations[0],
          kind: r.kind ?? "fail",
        }));
    expect(at("ECS021", "test/fixtures/policy/terraform/app/main.tf")).toEqual([
      { line: 63, resource: { fullyQualifiedName: "aws_ecs_service.web", kind: "service" }, kind: "fail" },
    ]);
    expect(at("ECS013", "test/fixtures/policy/terraform/app/main.tf")).toEqual([
      {
        line: 28,
        resource: { fullyQualifiedName: "aws_ecs_task_definition.web", kind: "task definition" },
        kind: "open",
      },
    ]);
    expect(at("ECS013", "test/fixtures/policy/checkov/plan/ecs_tfplan.json")[0]?.line).toBe(59);
    expect(at("ECS022", "test/fixtures/policy/platform.template.yaml")).toEqual([
      { line: 42, resource: { fullyQualifiedName: "ApiTaskSet", kind: "task set" }, kind: "fail" },
    ]);
    expect(at("ECS008", "test/fixtures/policy/ecs/describe-services.json")[0]?.line).toBe(8);
    expect(at("ECS008", "test/fixtures/policy/service.template.yaml")[0]?.line).toBe(47);
    expect((run?.results ?? []).filter((r) => r.kind === "open").every((r) => r.level === "none")).toBe(true);
  });

  it("gives paths from the repository's root as %SRCROOT%, wherever the check runs (review 14, defect 11)", async () => {
    // A repository checked from its infra/ directory: code scanning knows files by their path from
    // the checkout's root, so "td.json" (relative to the cwd, as before) would match no file.
    const repository = mkdtempSync(join(tmpdir(), "ecs-autopilot-repo-"));
    mkdirSync(join(repository, ".git"));
    mkdirSync(join(repository, "infra", "web app"), { recursive: true });
    const file = join(repository, "infra", "web app", "td.json");
    writeFileSync(
      file,
      JSON.stringify({
        family: "web",
        containerDefinitions: [{ name: "a", image: "nginx", privileged: true }],
      }),
    );
    const outside = join(mkdtempSync(join(tmpdir(), "ecs-autopilot-elsewhere-")), "td.json");
    writeFileSync(outside, readFileSync(file));
    const root = sourceRoot(join(repository, "infra"));
    expect(root).toBe(repository);
    const loaded = [...(await loadPolicyFile(file)), ...(await loadPolicyFile(outside))];
    const sarif = toSarif(
      loaded.map((l) => evaluateResource(l, DEFAULT_CONFIG.policy)),
      root,
    ) as {
      runs: Array<{
        originalUriBaseIds: Record<string, { uri: string }>;
        results: Array<{
          ruleId: string;
          locations: Array<{ physicalLocation: { artifactLocation: object } }>;
        }>;
      }>;
    };
    expect(validate(sarif)).toBe(true);
    const run = sarif.runs[0];
    expect(run?.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: pathToFileURL(`${repository}/`).href } });
    expect(
      run?.results
        .filter((r) => r.ruleId === "ECS001")
        .map((r) => r.locations[0]?.physicalLocation.artifactLocation),
    ).toEqual([
      { uri: "infra/web%20app/td.json", uriBaseId: "%SRCROOT%" },
      // Outside the repository: an absolute URI, no base to resolve against.
      { uri: pathToFileURL(outside).href },
    ]);
    // Without a repository around it, the directory the check runs in is the root.
    const bare = mkdtempSync(join(tmpdir(), "ecs-autopilot-bare-"));
    expect(sourceRoot(bare)).toBe(bare);
  });

  it("is rejected by the schema when broken (the validation can fail)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
  });
});
