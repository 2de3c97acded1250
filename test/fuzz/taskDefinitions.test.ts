/**
 * The inputs `policy check` reads: ECS API JSON (RegisterTaskDefinition input, Describe* output),
 * CloudFormation (JSON and YAML), Terraform (`.tf`, `.tf.json`) and Terraform plans. Any file is
 * a list of resources the policy evaluates without throwing, or a PolicyInputError naming the
 * file (and, where the file has it, the field and its line).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { DEFAULT_CONFIG } from "../../core/config/index.ts";
import { evaluateResource } from "../../core/policy/evaluate.ts";
import { asArray, isObject, isUnknown } from "../../core/policy/fields.ts";
import { loadPolicyText } from "../../core/policy/loadPolicyFile.ts";
import { loadTaskDefinitionText, PolicyInputError } from "../../core/policy/loadTaskDefinitions.ts";
import {
  boundedAsync,
  expectDocumentedError,
  FUZZ_TIMEOUT_MS,
  hostileString,
  listEntry,
  mutationsOf,
  RUNS,
} from "./fuzzSupport.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const read = (path: string) => readFileSync(join(FIXTURES, path), "utf8");
const filesIn = (dir: string, ext: RegExp) =>
  readdirSync(join(FIXTURES, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => ext.test(f))
    .map((f) => join(dir, f));

/** Real inputs as values: ECS JSON, CloudFormation, a Terraform plan. */
const ECS_JSON = [...filesIn("taskdefs", /\.json$/), ...filesIn("policy/ecs", /\.json$/)].map(
  (f) => JSON.parse(read(f)) as unknown,
);
const TEMPLATES = [
  ...filesIn("policy", /\.template\.(json|yaml)$/),
  ...filesIn("policy/checkov/cloudformation", /\.yaml$/),
].map((f) => parseYaml(read(f), { customTags: cloudFormationTags() }) as unknown);
const PLAN = JSON.parse(read("policy/checkov/plan/ecs_tfplan.json")) as unknown;
/** Real texts: YAML templates and Terraform, for mutations of the text itself. */
const YAML_TEXTS = filesIn("policy", /\.yaml$/).map(read);
const TF_TEXTS = [
  ...filesIn("policy/terraform", /\.tf$/),
  ...filesIn("policy/checkov/terraform", /\.tf$/),
].map(read);

/** CloudFormation's short forms read as plain tagged values, so the templates can be mutated as data. */
function cloudFormationTags() {
  return ["Ref", "Sub", "GetAtt", "Join", "If", "Select", "ImportValue", "FindInMap", "Equals"].flatMap(
    (name) => [
      { tag: `!${name}`, resolve: (value: string) => ({ [name === "Ref" ? "Ref" : `Fn::${name}`]: value }) },
      {
        tag: `!${name}`,
        collection: "seq" as const,
        resolve: (seq: { toJSON(): unknown }) => ({ [`Fn::${name}`]: seq.toJSON() }),
      },
    ],
  );
}

/** A text with a few characters or lines inserted, deleted or repeated. */
const textMutation = (texts: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...texts),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 40 }),
          fc.oneof(
            hostileString,
            fc.constantFrom("{", "}", "[", "]", '"', "${", "<<EOF\n", "*a", "&a ", "!Ref", ":", "\n  ", "#"),
          ),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([text, edits]) => {
      let out = text;
      for (const [at, cut, insert] of edits) {
        const i = at % (out.length + 1);
        out = out.slice(0, i) + insert + out.slice(i + cut);
      }
      return out;
    });

const anyInput: fc.Arbitrary<{ text: string; file: string }> = fc.oneof(
  mutationsOf(ECS_JSON).map((v) => ({ text: JSON.stringify(v) ?? "", file: "taskdef.json" })),
  mutationsOf(ECS_JSON, listEntry).map((v) => ({ text: JSON.stringify(v) ?? "", file: "taskdef.json" })),
  mutationsOf(TEMPLATES, listEntry).map((v) => ({ text: toYaml(v ?? null), file: "template.yaml" })),
  mutationsOf(TEMPLATES).map((v) => ({ text: JSON.stringify(v) ?? "", file: "template.json" })),
  mutationsOf(TEMPLATES).map((v) => ({ text: toYaml(v ?? null), file: "template.yaml" })),
  mutationsOf([PLAN]).map((v) => ({ text: JSON.stringify(v) ?? "", file: "plan.json" })),
  textMutation(YAML_TEXTS).map((text) => ({ text, file: "template.yaml" })),
  hostileString.map((text) => ({ text, file: "taskdef.json" })),
);

/** Loads and evaluates like `policy check`; returns the error, if any. */
async function check(text: string, file: string, loader = loadPolicyText): Promise<unknown> {
  try {
    const resources = await loader(text, file);
    for (const resource of resources) {
      // Loaded means well-formed: no container definition that is not an object (or unknown).
      if (resource.resourceType === "taskDefinition")
        for (const container of asArray(resource.document.containerDefinitions))
          expect(isObject(container) || isUnknown(container)).toBe(true);
      evaluateResource(resource, DEFAULT_CONFIG.policy);
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

const expectInputError = (error: unknown, file: string) => {
  if (error === undefined) return;
  expectDocumentedError(error, [PolicyInputError]);
  expect((error as PolicyInputError).file).toBe(file);
};

describe("fuzz: task-definition inputs", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("ECS JSON, CloudFormation and Terraform plans load and evaluate, or fail naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async ({ text, file }) => {
        expectInputError(await boundedAsync(() => check(text, file), file), file);
      }),
      { numRuns: RUNS },
    );
  });

  it("the task-definition loader (the redeploy gate's) does the same", async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async ({ text, file }) => {
        const loader = async (t: string, f: string) =>
          loadTaskDefinitionText(t, f).map((l) => ({
            file: l.file,
            format: "ecs" as const,
            resourceType: "taskDefinition" as const,
            subject: l.subject,
            document: l.taskDefinition,
            run: l.run,
            related: {},
            suppressions: l.suppressions,
            locate: l.locate,
          }));
        expectInputError(await boundedAsync(() => check(text, file, loader), file), file);
      }),
      { numRuns: RUNS },
    );
  });

  it("Terraform files load and evaluate, or fail naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(textMutation(TF_TEXTS), async (text) => {
        expectInputError(await boundedAsync(() => check(text, "main.tf"), "main.tf"), "main.tf");
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
