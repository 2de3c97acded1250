import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  evaluateResource,
  evaluateTaskDefinition,
  type ResourceKind,
  RULES,
  type RunContext,
} from "../../../core/policy/index.ts";
import type { RelatedResources } from "../../../core/policy/types.ts";
import {
  ALL_RULES,
  COMPLIANT,
  compliant,
  container,
  type Json,
  OTHER_FAILING,
  RUN,
  TASK_DEFINITION_FAILING,
} from "./ruleCases.ts";

const evaluate = (td: Json, run: RunContext = RUN, config = ALL_RULES) =>
  evaluateTaskDefinition(
    { taskDefinition: td, subject: "shop-web", suppressions: [], run },
    config.policy,
  ).findings.map((f) => f.ruleId);
const evaluateKind = (kind: ResourceKind, document: Json, related: RelatedResources = {}) =>
  evaluateResource(
    { document, subject: "x", suppressions: [], run: RUN, resourceType: kind, related },
    ALL_RULES.policy,
  );

describe("the rule catalogue", () => {
  // Each rule's rationale and remediation, word for word, are held by rulesDoc.test.ts
  // (docs/policy-rules.md is what the rule data generates: `**Why:**` and `**Fix:**`).
  it("has at least 32 rules and a failing case for every one", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(32);
    expect([...Object.keys(TASK_DEFINITION_FAILING), ...Object.keys(OTHER_FAILING)].sort()).toEqual(
      RULES.map((r) => r.id),
    );
  });

  it("passes a task definition that follows every rule", () => {
    expect(evaluate(compliant())).toEqual([]);
  });

  it.each(Object.entries(COMPLIANT))("passes a %s that follows every rule", (kind, make) => {
    expect(evaluateKind(kind as ResourceKind, make()).findings).toEqual([]);
  });

  it.each(Object.entries(TASK_DEFINITION_FAILING))(
    "%s fails its case, and only that rule fails",
    (id, { change, run, config }) => {
      const td = compliant();
      change(td);
      expect(evaluate(td, run, config)).toEqual([id]);
    },
  );

  it.each(Object.entries(OTHER_FAILING))(
    "%s fails its case on a service/cluster/task set/capacity provider, and only that rule fails",
    (id, { kind, change, related }) => {
      const doc = COMPLIANT[kind]();
      change(doc);
      expect(evaluateKind(kind, doc, related).findings.map((f) => f.ruleId)).toEqual([id]);
    },
  );

  it("detects secrets by value shape whatever the name, and by name with a plain value", () => {
    const td = compliant();
    container(td).environment = [
      { name: "CONFIG", value: "AKIAIOSFODNN7EXAMPLE" },
      { name: "SIGNING", value: "-----BEGIN RSA PRIVATE KEY-----\nMIIE" },
      { name: "DB_PASSWORD", value: "hunter2" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
      { name: "GITHUB_TOKEN", value: "${GITHUB_TOKEN}" },
      { name: "API_KEY_PARAMETER", value: "arn:aws:ssm:eu-west-1:123456789012:parameter/api-key" },
    ];
    const findings = evaluateTaskDefinition(
      { taskDefinition: td, subject: "x", suppressions: [], run: RUN },
      DEFAULT_CONFIG.policy,
    ).findings;
    expect(findings.map((f) => f.message)).toEqual([
      "container 'web': CONFIG holds an AWS access key id",
      "container 'web': SIGNING holds a private key",
      "container 'web': DB_PASSWORD looks like a secret and has a plain value",
    ]);
  });

  it("knows the Fargate size table, 8 and 16 vCPU included", () => {
    const sized = (cpu: string, memory: string) => {
      const td = compliant();
      Object.assign(td, { cpu, memory });
      return evaluate(td).includes("ECS018");
    };
    expect([
      sized("8192", "16384"),
      sized("8192", "61440"),
      sized("16384", "122880"),
      sized(".25 vcpu", ".5 gb"),
    ]).toEqual([false, false, false, false]);
    expect([
      sized("8192", "18432"),
      sized("16384", "32000"),
      sized("3072", "8192"),
      sized("4096", "31744"),
    ]).toEqual([true, true, true, true]);
  });

  it("is configurable: off, severity, parameters", () => {
    const config = parseConfig(
      JSON.stringify({
        policy: {
          rules: {
            ECS002: { enabled: false },
            ECS013: { severity: "high" },
            ECS014: { params: { allowedRegistries: ["ghcr.io"] } },
          },
        },
      }),
      "test",
    );
    const td = compliant();
    delete container(td).readonlyRootFilesystem;
    container(td).image = "ghcr.io/acme/web:latest";
    const findings = evaluateTaskDefinition(
      { taskDefinition: td, subject: "x", suppressions: [], run: RUN },
      config.policy,
    ).findings;
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([["ECS013", "high"]]);
  });

  it("honours suppressions only with a reason, and exemptions from the config", () => {
    const td = compliant();
    container(td).user = "root";
    container(td).privileged = true;
    const config = parseConfig(
      JSON.stringify({
        policy: { exemptions: [{ family: "shop-*", rule: "ECS007", reason: "legacy image, ticket OPS-12" }] },
      }),
      "t",
    );
    const result = evaluateTaskDefinition(
      {
        taskDefinition: td,
        subject: "shop-web",
        family: "shop-web",
        run: RUN,
        suppressions: [{ ruleId: "ECS001", reason: "", source: "tags" }],
      },
      config.policy,
    );
    expect(result.findings.map((f) => f.ruleId)).toEqual(["ECS001", "ECS000"]);
    expect(result.suppressed.map((s) => [s.finding.ruleId, s.reason])).toEqual([
      ["ECS007", "legacy image, ticket OPS-12"],
    ]);
    expect(() =>
      parseConfig(
        JSON.stringify({ policy: { exemptions: [{ family: "*", rule: "ECS007", reason: " " }] } }),
        "t",
      ),
    ).toThrow("an exemption needs a reason");
  });
});
