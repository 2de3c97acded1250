import { createRequire } from "node:module";
import { resolve } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateTaskDefinition, loadTaskDefinitionFile, toSarif } from "../../../core/policy/index.ts";

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
      artifactLocation: { uri: "test/fixtures/policy/service.template.yaml" },
      region: { startLine: 33, startColumn: 15 },
    });
  });

  it("is rejected by the schema when broken (the validation can fail)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
  });
});
