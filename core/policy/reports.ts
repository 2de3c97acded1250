import { relative, sep } from "node:path";
import { USER_AGENT } from "../aws/clients.ts";
import type { Evaluation } from "./evaluate.ts";
import { RULES } from "./rules.ts";
import type { Finding, Severity } from "./types.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  high: "error",
  medium: "warning",
  low: "note",
};
/** GitHub code scanning ranks security results by this property. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.0", low: "3.0" };

const where = (f: Finding) =>
  `${f.file ?? f.subject}${f.location ? `:${f.location.line}:${f.location.column}` : ""}`;

export function formatText(evaluations: readonly Evaluation[]): string {
  const lines: string[] = [];
  for (const evaluation of evaluations) {
    for (const f of evaluation.findings)
      lines.push(`${where(f)}  ${f.severity.toUpperCase().padEnd(6)} ${f.ruleId}  ${f.title}: ${f.message}`);
    for (const s of evaluation.suppressed)
      lines.push(`${where(s.finding)}  skip   ${s.finding.ruleId}  suppressed by ${s.by}: ${s.reason}`);
  }
  const all = evaluations.flatMap((e) => e.findings);
  const count = (s: Severity) => all.filter((f) => f.severity === s).length;
  lines.push(
    `${evaluations.length} task definition${evaluations.length === 1 ? "" : "s"}: ${all.length} finding${all.length === 1 ? "" : "s"} (${count("high")} high, ${count("medium")} medium, ${count("low")} low), ${evaluations.reduce((n, e) => n + e.suppressed.length, 0)} suppressed`,
  );
  return lines.join("\n");
}

export function formatJson(evaluations: readonly Evaluation[]): string {
  return JSON.stringify({ evaluations }, null, 2);
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other viewers: one run, the whole rule catalogue as
 * the driver's rules, results located at the offending field's line.
 */
export function toSarif(evaluations: readonly Evaluation[], cwd = process.cwd()): object {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  const rules = RULES.map((rule) => ({
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: {
      text: rule.remediation,
      markdown: `${rule.remediation}\n\n${[rule.mappings.securityHub ? `Security Hub ${rule.mappings.securityHub}` : "", rule.mappings.awsConfig ? `AWS Config ${rule.mappings.awsConfig}` : "", rule.mappings.checkov ? `Checkov ${rule.mappings.checkov}` : ""].filter(Boolean).join(" · ")}`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ["security", "ecs"], "security-severity": SECURITY_SEVERITY[rule.severity] },
  }));
  const results = evaluations.flatMap((evaluation) =>
    evaluation.findings.map((f) => ({
      ruleId: f.ruleId,
      ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
      level: LEVEL[f.severity],
      message: { text: `${f.message}. ${f.remediation}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: (f.file ? relative(cwd, f.file) : f.subject).split(sep).join("/") },
            ...(f.location ? { region: { startLine: f.location.line, startColumn: f.location.column } } : {}),
          },
        },
      ],
      partialFingerprints: { "ecsAutopilot/v1": `${f.ruleId}:${f.subject}:${f.path}` },
    })),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "ecs-autopilot",
            semanticVersion: USER_AGENT.split("/")[1],
            informationUri: "https://github.com/ecs-autopilot/ecs-autopilot",
            rules,
          },
        },
        results,
      },
    ],
  };
}

/** The catalogue for `policy rules`. */
export function ruleCatalogue() {
  return RULES.map((rule) => ({
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    rationale: rule.rationale,
    remediation: rule.remediation,
    path: rule.field,
    securityHub: rule.mappings.securityHub ?? null,
    awsConfig: rule.mappings.awsConfig ?? null,
    checkov: rule.mappings.checkov ?? null,
    params: rule.params ?? {},
  }));
}
